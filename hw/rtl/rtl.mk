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
$(eval $(call rtl_unit_tb,tb_bytebuf,tma_bytebuf))

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

# rtl-cov: the block testbenches rebuilt with --coverage-line and
# --coverage-toggle; verilator_coverage totals per kind over all of them
# (build/verilated/cov/summary.txt). Part of bench-hw: six extra builds.
RTL_COV_DIR := $(VL_DIR)/cov
.PHONY: rtl-cov
bench-hw: rtl-cov
rtl-cov:
	@mkdir -p $(RTL_COV_DIR)
	@set -e; for kind in line toggle; do \
		for tb in $(notdir $(RTL_UNIT_BINS)); do \
			top=$$(sed -n "s/.*rtl_unit_tb,$$tb,\([a-z_]*\)).*/\1/p" hw/rtl/rtl.mk); \
			$(VERILATOR) --cc --exe --build -j 2 $(VL_FLAGS) --coverage-$$kind \
				-Mdir $(RTL_COV_DIR)/$$tb-$$kind --top-module $$top \
				-CFLAGS "$(RTL_TB_CFLAGS)" $(RTL_SRCS) \
				$(CURDIR)/hw/tests/rtl/$$tb.cpp -o $$tb >$(RTL_COV_DIR)/$$tb-$$kind.log; \
			TB_COV=$(RTL_COV_DIR)/$$tb-$$kind.dat $(RTL_COV_DIR)/$$tb-$$kind/$$tb >/dev/null; \
		done; \
		rm -rf $(RTL_COV_DIR)/annotate-$$kind; \
		printf '%-7s ' $$kind; verilator_coverage --annotate $(RTL_COV_DIR)/annotate-$$kind \
			$(RTL_COV_DIR)/*-$$kind.dat | sed -n 's/^Total coverage/coverage/p'; \
	done | tee $(RTL_COV_DIR)/summary.txt
