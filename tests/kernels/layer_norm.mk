# LAYER_NORM's reference kernel against numpy golden data generated at build
# time by tests/golden/gen_golden_layer_norm.py.
UNIT_TESTS += test_kernels_layer_norm
test_kernels_layer_norm_SRCS := tests/unit/test_kernels_layer_norm.c

$(BUILD)/golden/layer_norm_golden.h: tests/golden/gen_golden_layer_norm.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/golden/gen_golden_layer_norm.py $@

$(BUILD)/tests/unit/test_kernels_layer_norm.o: $(BUILD)/golden/layer_norm_golden.h
$(BUILD)/tests/unit/test_kernels_layer_norm.o: CPPFLAGS += -I$(BUILD)/golden
