# Unit tests: tests/unit/test_<unit>.c, one program each, TAP-like output.
UNIT_TESTS += test_format
test_format_SRCS := tests/unit/test_format.c

$(UNIT_TESTS:%=$(BUILD)/tests/unit/%.o): CPPFLAGS += -Iuserspace/libtm -Iuserspace/kernels -Itests/unit
