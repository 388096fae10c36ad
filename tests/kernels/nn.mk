# NN kernels (conv, depthwise, fully connected, matmul, pooling): golden data
# generated at build time by tests/golden/gen_golden_nn.py (numpy, TFLite's
# rules). test_kernels_nn checks the C reference kernels with it;
# test_ops_nn runs the same cases as one-op models through the runtime, which
# checks the op glue (libtm/ops_nn.c).
UNIT_TESTS += test_kernels_nn test_ops_nn
test_kernels_nn_SRCS := tests/unit/test_kernels_nn.c
test_ops_nn_SRCS := tests/unit/test_ops_nn.c

$(BUILD)/golden/golden_nn.h: tests/golden/gen_golden_nn.py tests/golden/tflite_ref.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/golden/gen_golden_nn.py $(dir $@)

NN_GOLDEN_OBJS := $(BUILD)/tests/unit/test_kernels_nn.o $(BUILD)/tests/unit/test_ops_nn.o
$(NN_GOLDEN_OBJS): $(BUILD)/golden/golden_nn.h
$(NN_GOLDEN_OBJS): CPPFLAGS += -I$(BUILD)/golden
