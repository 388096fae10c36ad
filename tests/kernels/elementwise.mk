# Non-NN kernels (arithmetic, activations, reductions, shape ops, quantize):
# golden data generated at build time by tests/golden/gen_golden_elementwise.py
# (numpy, TFLite's rules, independent of the C) and compared with the C
# reference kernels.
UNIT_TESTS += test_kernels_elementwise
test_kernels_elementwise_SRCS := tests/unit/test_kernels_elementwise.c

$(BUILD)/golden/elementwise_golden.h: tests/golden/gen_golden_elementwise.py tests/golden/tflite_ref.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/golden/gen_golden_elementwise.py $@

$(BUILD)/tests/unit/test_kernels_elementwise.o: $(BUILD)/golden/elementwise_golden.h
$(BUILD)/tests/unit/test_kernels_elementwise.o: CPPFLAGS += -I$(BUILD)/golden

# The op glue (ops_elementwise.c, ops_shape.c) through the public API.
UNIT_TESTS += test_ops_elementwise
test_ops_elementwise_SRCS := tests/unit/test_ops_elementwise.c
