# tmrun end to end: small models written by tests/tools/mkmodel.c are run by
# tests/tools/test_tmrun.sh (outputs checked against numpy, exit codes, bad
# files), once with the plain build and once with ASan+UBSan (owner: runtime).
CHECK_TARGETS += tmrun-check

$(BUILD)/tests/mkmodel: $(BUILD)/tests/tools/mkmodel.o $(BUILD)/lib/libtm.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lm -ldl

.PHONY: tmrun-check
tmrun-check: $(BUILD)/bin/tmrun $(BUILD)/tests/mkmodel
	@tests/record.sh tmrun tests/tools/test_tmrun.sh $(BUILD)/bin/tmrun $(BUILD)/tests/mkmodel
	@$(MAKE) --no-print-directory SAN=1 build/asan/bin/tmrun build/asan/tests/mkmodel >/dev/null
	@tests/record.sh tmrun-asan tests/tools/test_tmrun.sh build/asan/bin/tmrun build/asan/tests/mkmodel
