# Runtime, planner and .npy tests (owner: runtime).
UNIT_TESTS += test_planner
test_planner_SRCS := tests/unit/test_planner.c
UNIT_TESTS += test_runtime
test_runtime_SRCS := tests/unit/test_runtime.c
UNIT_TESTS += test_npy
test_npy_SRCS := tests/unit/test_npy.c userspace/tools/common/npy.c
