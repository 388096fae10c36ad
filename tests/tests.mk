# Unit tests: tests/unit/test_<unit>.c, one program each, TAP-like output.
# Other fragments in tests/*/ add their own programs and check targets.
UNIT_TESTS += test_format
test_format_SRCS := tests/unit/test_format.c

# Test programs may look inside libtm.
$(BUILD)/tests/%.o: CPPFLAGS += -Iuserspace/libtm -Iuserspace/kernels -Itests/unit
