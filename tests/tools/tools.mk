# tmrun end to end: small models written by tests/tools/mkmodel.c are run by
# tests/tools/test_tmrun.sh (outputs checked against numpy, exit codes, bad
# files). tmrun-check tests the variant's own $(BUILD); run from the plain
# variant (as `make check` does) it then runs again as SAN=1 with the
# sanitizer build beside it ($(BUILD)/asan), recorded as tmrun and tmrun-asan.
CHECK_TARGETS += tmrun-check

$(BUILD)/tests/mkmodel: $(BUILD)/tests/tools/mkmodel.o $(BUILD)/lib/libtm.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lm -ldl

.PHONY: tmrun-check
tmrun-check: $(BUILD)/bin/tmrun $(BUILD)/tests/mkmodel
	@tests/record.sh tmrun$(if $(filter 1,$(SAN)),-asan) tests/tools/test_tmrun.sh \
		$(BUILD)/bin/tmrun $(BUILD)/tests/mkmodel
ifneq ($(SAN),1)
	@$(MAKE) --no-print-directory SAN=1 BUILD=$(BUILD)/asan tmrun-check
endif
