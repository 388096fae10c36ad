# The optimised CPU kernels (userspace/kernels/dispatch.h, x86/, arm/): every
# variant the machine runs against the reference kernels, over seeded shape
# sweeps; int8 bit-exact, float within the bound stated in the test.
UNIT_TESTS += test_kernels_fast
test_kernels_fast_SRCS := tests/unit/test_kernels_fast.c
