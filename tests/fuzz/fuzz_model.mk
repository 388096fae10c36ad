# libFuzzer target for the model.bin loader, built with clang when present.
# `make fuzz-model` builds it and runs it for FUZZ_SECONDS from a seed corpus
# the writer makes (tests/fuzz/fuzz_seeds.c); the result is recorded.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_MODEL_SRCS := userspace/libtm/format.c userspace/libtm/model.c \
		   userspace/libtm/model_validate.c userspace/libtm/writer.c \
		   tests/unit/model_fixture.c
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -DTM_BUILDING_LIB $(WARN) \
		-Iuapi -Iuserspace/include -Iuserspace -Iuserspace/libtm -Itests/unit

# Debian 12's clang is clang-14; libFuzzer's runtime is in libclang-rt-14-dev,
# which --no-install-recommends would leave out.
DEPS_APT += clang libclang-rt-14-dev

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
CHECK_TARGETS += fuzz-model
endif

$(BUILD)/fuzz/fuzz_model: tests/fuzz/fuzz_model.c $(FUZZ_MODEL_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$^ -o $@ -lm

$(BUILD)/fuzz/fuzz_seeds: tests/fuzz/fuzz_seeds.c $(FUZZ_MODEL_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -o $@ -lm

# The build is part of the recorded command, so a fuzzer that fails to build counts.
.PHONY: fuzz-model
fuzz-model:
	@tests/record.sh fuzz-model sh -c '$(MAKE) --no-print-directory $(BUILD)/fuzz/fuzz_model \
		$(BUILD)/fuzz/fuzz_seeds && tests/fuzz/run-fuzz.sh $(BUILD)/fuzz/fuzz_model \
		$(BUILD)/fuzz/fuzz_seeds $(FUZZ_SECONDS)'
