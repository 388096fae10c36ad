# NN kernels (conv, depthwise, fully connected, matmul, pooling): golden data
# generated at build time by tests/golden/gen_golden_nn.py (numpy, TFLite's
# rules) and compared with the C reference kernels.
UNIT_TESTS += test_kernels_nn
test_kernels_nn_SRCS := tests/unit/test_kernels_nn.c

$(BUILD)/golden/golden_nn.h: tests/golden/gen_golden_nn.py tests/golden/tflite_ref.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/golden/gen_golden_nn.py $(dir $@)

$(BUILD)/tests/unit/test_kernels_nn.o: $(BUILD)/golden/golden_nn.h
$(BUILD)/tests/unit/test_kernels_nn.o: CPPFLAGS += -I$(BUILD)/golden
