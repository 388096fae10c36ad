# tests/hw: the TMA model and libtmsim.
UNIT_TESTS += test_tma_model
test_tma_model_SRCS := tests/hw/test_tma_model.c $(TMA_MODEL_SRCS)

$(BUILD)/tests/hw/%.o: CPPFLAGS += -Ihw/regs/generated -Ihw/model -Ihw/sim -Itests/hw

# libtmsim through its public API, against the shared library itself.
UNIT_TESTS += test_tmsim
test_tmsim_SRCS   := tests/hw/test_tmsim.c
test_tmsim_LDLIBS := -Wl,-rpath,$(abspath $(BUILD)/lib)
$(BUILD)/tests/test_tmsim: $(TMSIM_SO)
$(BUILD)/tests/hw/test_tmsim.o: $(DTBS)
$(BUILD)/tests/hw/test_tmsim.o: CPPFLAGS += -DTMA_TEST_DTB_DIR='"$(BUILD)/dts"'

# The model against numpy golden data generated at build time.
UNIT_TESTS += test_tma_golden
test_tma_golden_SRCS := tests/hw/test_tma_golden.c $(TMA_MODEL_SRCS)
$(BUILD)/tests/hw/tma_golden.h: tests/hw/gen_tma_golden.py tests/golden/tflite_ref.py
	@mkdir -p $(dir $@)
	$(PYTHON) tests/hw/gen_tma_golden.py $@
$(BUILD)/tests/hw/test_tma_golden.o: $(BUILD)/tests/hw/tma_golden.h
$(BUILD)/tests/hw/test_tma_golden.o: CPPFLAGS += -I$(BUILD)/tests/hw
