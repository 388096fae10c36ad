# Offload: partitioner, lowering and the sim backend (owner: offload).
# libtm's sim backend includes the device ABI, libtmsim's API and the register header.
$(BUILD)/userspace/libtm/backend_sim.o: CPPFLAGS += -Ihw/sim -Ihw/regs/generated
# The sim backend reads the compiled example device tree next to libtmsim.so.
all: $(BUILD)/dts/tma-sim.dtb

UNIT_TESTS += test_offload
test_offload_SRCS := tests/offload/test_offload.c

# The compiled openWakeWord models (int8, int4, int8+2:4) on the simulated TMA,
# rtl and model engines: byte-identical to the CPU, and each injected device
# fault re-run on the CPU with a warning.
OFFLOAD_MODELS = $(OWW_INT8) $(OWW_INT4) $(OWW_INT8_24)
CHECK_TARGETS += offload-models
# make bench: the device table of docs/perf.md (clock stated here).
BENCH_TARGETS += bench-offload
OFFLOAD_CLOCK_MHZ ?= 200
.PHONY: offload-models bench-offload
offload-models: models all
	@tests/record.sh offload-models $(PYTHON) tests/offload/offload_models.py check \
		$(BUILD)/bin/tmrun $(OFFLOAD_MODELS)
bench-offload: models all
	@$(PYTHON) tests/offload/offload_models.py bench $(BUILD)/bin/tmrun $(OFFLOAD_CLOCK_MHZ) \
		$(OFFLOAD_MODELS)
