# tests/hw: the TMA model and libtmsim.
UNIT_TESTS += test_tma_model
test_tma_model_SRCS := tests/hw/test_tma_model.c $(TMA_MODEL_SRCS)

$(BUILD)/tests/hw/%.o: CPPFLAGS += -Ihw/regs/generated -Ihw/model -Ihw/sim -Itests/hw
