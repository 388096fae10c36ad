# The compiler's tests: its passes linked directly (everything in
# userspace/tools/tmc but the command-line front ends) plus an in-memory ONNX
# model builder.
TMC_LIB_SRCS := $(filter-out userspace/tools/tmc/tmc.c userspace/tools/tmc/inspect.c, \
                  $(wildcard userspace/tools/tmc/*.c)) $(BUILD)/gen/onnx.pb-c.c \
                userspace/tools/tmrun/npy.c

UNIT_TESTS      += test_tmc
test_tmc_SRCS   := tests/tmc/test_tmc.c tests/tmc/onnx_build.c $(TMC_LIB_SRCS)
test_tmc_LDLIBS := -lprotobuf-c

TMC_TEST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/tmc/*.c))
$(TMC_TEST_OBJS): $(BUILD)/gen/onnx.pb-c.h
$(TMC_TEST_OBJS): CPPFLAGS += -I$(BUILD)/gen -Iuserspace/tools/tmc
