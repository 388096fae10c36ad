# libtm: model loader and writer, runtime (planner, partitioner, backends), op glue.
LIBTM_SRCS += \
	userspace/libtm/format.c \
	userspace/libtm/ops.c
