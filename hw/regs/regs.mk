# hw/regs: the register description and its generated headers.
# regs-check regenerates into the build tree and diffs against the committed
# copies, so a stale or hand-edited generated file fails make check.
DEPS_APT      += python3-yaml
CHECK_TARGETS += regs-check

REGS_GEN  := hw/regs/generated/tma_regs.h hw/regs/generated/tma_regs.md \
             hw/regs/generated/tma_abi_check.h hw/rtl/tma_reg_pkg.sv

.PHONY: regs regs-check
# Regenerate the committed files (after editing tma_regs.yaml).
regs:
	$(PYTHON) hw/regs/gen_regs.py hw/regs/tma_regs.yaml

regs-check:
	@tests/record.sh regs-check sh -c '\
		rm -rf $(BUILD)/regs-check && \
		$(PYTHON) hw/regs/gen_regs.py --outdir $(BUILD)/regs-check \
			--svdir $(BUILD)/regs-check hw/regs/tma_regs.yaml && \
		for f in $(REGS_GEN); do \
			diff -u $$f $(BUILD)/regs-check/$$(basename $$f) || exit 1; \
		done'
