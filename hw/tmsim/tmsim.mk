# hw/tmsim: `tmsim`, the QEMU co-simulation daemon (ivshmem server + libtmsim).
# It shares the cosim memory layout with the driver (driver/tma_cosim.h).
TMSIM_DAEMON := $(BUILD)/bin/tmsim
TMSIM_DAEMON_OBJ := $(BUILD)/hw/tmsim/tmsim_daemon.o

$(TMSIM_DAEMON_OBJ): CPPFLAGS += -Ihw/sim -Ihw/regs/generated -Idriver

$(TMSIM_DAEMON): $(TMSIM_DAEMON_OBJ) $(TMSIM_SO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(TMSIM_DAEMON_OBJ) -L$(dir $(TMSIM_SO)) -ltmsim \
		-Wl,-rpath,$(abspath $(dir $(TMSIM_SO)))

all: $(TMSIM_DAEMON)
