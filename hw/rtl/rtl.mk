# hw/rtl: the TMA accelerator RTL, Verilated with Verilator 5.006.
#
#   rtl-lint   verilator --lint-only -Wall on every block (a check target)
#   rtl-unit   block testbenches (hw/tests/rtl/tb_<block>.cpp) against plain
#              C++ definitions of the arithmetic (a check target)
#
# Verilated builds live in build/verilated/<name>/ (one per top), whatever
# $(BUILD) is: the RTL is not built with the sanitizers.
DEPS_APT      += verilator yosys
CHECK_TARGETS += rtl-lint rtl-unit

VERILATOR ?= verilator
VL_DIR    := build/verilated
VL_FLAGS  := -Wall -O2 --x-assign fast --x-initial fast hw/rtl/tma.vlt
RTL_SRCS  := $(shell sed -e '/^\/\//d' hw/rtl/tma.f)
RTL_TB_CFLAGS := -O2 -I$(CURDIR)/hw/tests/rtl

# Blocks linted on their own (each is a top of its own testbench or will be
# instantiated by tma_top).
RTL_LINT_TOPS := tma_bytebuf tma_mac_array tma_requant tma_dma_rd

.PHONY: rtl-lint rtl-unit
rtl-lint:
	@tests/record.sh rtl-lint sh -c 'for t in $(RTL_LINT_TOPS); do \
		$(VERILATOR) --lint-only -Wall hw/rtl/tma.vlt $(RTL_SRCS) --top-module $$t || exit 1; \
	done'

# rtl_unit_tb(name, top): build/verilated/<name>/<name> from the RTL and
# hw/tests/rtl/<name>.cpp.
define rtl_unit_tb
$(VL_DIR)/$(1)/$(1): $(RTL_SRCS) hw/rtl/tma.vlt hw/tests/rtl/$(1).cpp hw/tests/rtl/tb_util.h
	@mkdir -p $(VL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(VL_FLAGS) -Mdir $(VL_DIR)/$(1) \
		--top-module $(2) -CFLAGS "$(RTL_TB_CFLAGS)" $(RTL_SRCS) \
		$(CURDIR)/hw/tests/rtl/$(1).cpp -o $(1) >$(VL_DIR)/$(1).log
RTL_UNIT_BINS += $(VL_DIR)/$(1)/$(1)
endef
RTL_UNIT_BINS :=
$(eval $(call rtl_unit_tb,tb_mac_array,tma_mac_array))
$(eval $(call rtl_unit_tb,tb_requant,tma_requant))
$(eval $(call rtl_unit_tb,tb_dma_rd,tma_dma_rd))

rtl-unit: $(RTL_UNIT_BINS)
	@BUILD=$(VL_DIR) tests/run-tests.sh $(RTL_UNIT_BINS)

# bench-hw: yosys generic synthesis of the blocks (cells, CMOS transistor
# estimate, flip-flop and SRAM bits) into build/synth/area.txt.
BENCH_TARGETS += bench-hw
.PHONY: bench-hw rtl-area
bench-hw: rtl-area
rtl-area:
	@mkdir -p build/synth
	hw/synth/synth.sh build/synth | grep -v '^Warning' | tee build/synth/area.txt
