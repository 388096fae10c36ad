# Offload: partitioner, lowering and the sim backend (owner: offload).
# libtm's sim backend includes the device ABI, libtmsim's API and the register header.
$(BUILD)/userspace/libtm/backend_sim.o: CPPFLAGS += -Ihw/sim -Ihw/regs/generated
# The sim backend reads the compiled example device tree next to libtmsim.so.
all: $(BUILD)/dts/tma-sim.dtb

UNIT_TESTS += test_offload
test_offload_SRCS := tests/offload/test_offload.c
