# libtm: model loader and writer, runtime (planner, partitioner, backends), op glue.
LIBTM_SRCS += $(wildcard userspace/libtm/*.c)
