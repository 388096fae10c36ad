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
