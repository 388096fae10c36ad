# The optimised CPU kernels (userspace/kernels/dispatch.h, x86/, arm/): every
# variant the machine runs against the reference kernels, over seeded shape
# sweeps; int8 bit-exact, float within the bound stated in the test.
UNIT_TESTS += test_kernels_fast
test_kernels_fast_SRCS := tests/unit/test_kernels_fast.c

# The op tests (one-op models through the runtime) under every variant the
# machine runs, forced with TM_CPU: the glue's choice and packing, per variant.
CHECK_TARGETS += variants-check
VARIANT_TESTS := test_ops_nn test_ops_elementwise test_runtime

.PHONY: variants-check
variants-check: $(BUILD)/tests/test_kernels_fast $(VARIANT_TESTS:%=$(BUILD)/tests/%)
	@tests/record.sh cpu-variants tests/kernels/variants-check.sh $(BUILD) $(VARIANT_TESTS)

# AArch64: the same tree cross-built with Debian's gcc-aarch64-linux-gnu into
# build/aarch64, its unit tests and tmrun on the int8 models run under
# qemu-user (tests/kernels/aarch64-check.sh; qemu's default CPU has the dot
# product, and the script runs both the neon and dotprod variants). The real
# models come from `make models`; without them the model check fails.
DEPS_APT += gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
CHECK_TARGETS += aarch64-check
A64_BUILD := build/aarch64
A64_TESTS := test_kernels_fast test_kernels_nn test_ops_nn test_kernels_elementwise \
             test_ops_elementwise test_model test_runtime test_planner test_format

.PHONY: aarch64-check
aarch64-check:
	@tests/record.sh aarch64-build $(MAKE) --no-print-directory CC=aarch64-linux-gnu-gcc \
		BUILD=$(A64_BUILD) SAN= $(A64_TESTS:%=$(A64_BUILD)/tests/%) $(A64_BUILD)/bin/tmrun
	@$(MAKE) --no-print-directory build/bin/tmrun >/dev/null
	-@$(MAKE) --no-print-directory models >/dev/null
	@tests/record.sh aarch64-run tests/kernels/aarch64-check.sh $(A64_BUILD) build/bin/tmrun \
		build/models $(A64_TESTS)
