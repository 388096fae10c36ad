# model.bin loader and writer tests; the fixture model is shared with the fuzzer.
UNIT_TESTS += test_model test_writer
test_model_SRCS := tests/unit/test_model.c tests/unit/model_fixture.c
test_writer_SRCS := tests/unit/test_writer.c tests/unit/model_fixture.c
