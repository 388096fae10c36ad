# hw/sim: libtmsim, the simulated TMA device (a shared library that libtm's
# `sim` backend dlopens). Own rules: link_prog is for programs on libtm.
#
# The RTL engine (C++ Verilator glue, hw/rtl) joins by appending to
# TMSIM_ENGINE_OBJS / TMSIM_ENGINE_LDLIBS in its own fragment; hw/rtl/*.mk
# is included before this file (fragments are included in sorted order).
DEPS_APT += libfdt-dev

TMSIM_SRCS := hw/sim/tmsim.c hw/sim/tmsim_dtb.c $(TMA_MODEL_SRCS)
TMSIM_OBJS := $(TMSIM_SRCS:%.c=$(BUILD)/%.o)
TMSIM_SO   := $(BUILD)/lib/libtmsim.so
TMSIM_ENGINE_OBJS   ?=
TMSIM_ENGINE_LDLIBS ?=

$(TMSIM_OBJS): CPPFLAGS += -DTMSIM_BUILDING

$(TMSIM_SO): $(TMSIM_OBJS) $(TMSIM_ENGINE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libtmsim.so -Wl,--no-undefined $(LDFLAGS) -o $@ $^ \
		$(TMSIM_ENGINE_LDLIBS) -lfdt

all: $(TMSIM_SO)
