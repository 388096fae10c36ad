# tmc's compression tests: the compiler's passes (TMC_LIB_SRCS, from
# tmc_tests.mk, which this fragment sorts after) plus its cli/ front end
# (report, --target), which needs libfdt. The importer fuzz target links
# neither cli/ file.
UNIT_TESTS               += test_tmc_compress
test_tmc_compress_SRCS   := tests/tmc/test_tmc_compress.c tests/tmc/onnx_build.c \
                            $(TMC_LIB_SRCS) $(wildcard userspace/tools/tmc/cli/*.c) \
                            userspace/tools/common/json.c
test_tmc_compress_LDLIBS := -lprotobuf-c -lfdt
