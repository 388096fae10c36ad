# libFuzzer target for the TFLite importer (clang, ASan + UBSan). The
# importer and the compiler's passes are built with the fuzzer's
# instrumentation; libtm comes from the plain build's libtm.a. `make
# fuzz-tflite` runs it for FUZZ_SECONDS from a seed corpus of small models
# written by tests/tmc/tflite_seeds.c; the result is recorded.
FUZZ_TFLITE      := $(BUILD)/fuzz/fuzz_tflite
FUZZ_TFLITE_SRCS  = tests/fuzz/fuzz_tflite.c $(filter-out %/tmc.c %/inspect.c, \
                    $(wildcard userspace/tools/tmc/*.c)) $(BUILD)/gen/onnx.pb-c.c \
                    userspace/tools/common/npy.c

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
CHECK_TARGETS += fuzz-tflite
endif

$(FUZZ_TFLITE): $(FUZZ_TFLITE_SRCS) $(BUILD)/lib/libtm.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=c11 -D_GNU_SOURCE $(WARN) -Wno-unused-command-line-argument \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iuapi -Iuserspace/include -Iuserspace -I$(BUILD)/gen -Iuserspace/tools/tmc \
		$(FUZZ_TFLITE_SRCS) $(BUILD)/lib/libtm.a -o $@ -lprotobuf-c -lm -ldl

$(BUILD)/fuzz/tflite_seeds: tests/tmc/tflite_seeds.c tests/tmc/tflite_build.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -Itests/tmc $^ -o $@

.PHONY: fuzz-tflite
fuzz-tflite:
	@tests/record.sh fuzz-tflite sh -c '$(MAKE) --no-print-directory $(FUZZ_TFLITE) \
		$(BUILD)/fuzz/tflite_seeds && tests/fuzz/run-fuzz.sh $(FUZZ_TFLITE) \
		$(BUILD)/fuzz/tflite_seeds $(FUZZ_SECONDS)'
