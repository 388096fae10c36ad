# ONNX backend node tests (Debian's libonnx-testdata) through tmc's importer
# and passes, linked as a library, and libtm's runtime. `make conformance`
# runs every test and checks that each one in the committed pass list
# (tests/conformance/expected_pass.txt) still passes; the full results go to
# build/conformance/results.txt. docs/conformance.md explains the failures.
DEPS_APT += libonnx-testdata

CONF_BIN      := $(BUILD)/conformance/onnx_conformance
CONF_NODE_DIR := /usr/share/libonnx-testdata/data/node
CONF_SRCS     := tests/conformance/onnx_conformance.c \
                 $(filter-out %/tmc.c %/inspect.c,$(wildcard userspace/tools/tmc/*.c)) \
                 $(BUILD)/gen/onnx.pb-c.c userspace/tools/common/npy.c

$(BUILD)/tests/conformance/onnx_conformance.o: $(BUILD)/gen/onnx.pb-c.h
$(BUILD)/tests/conformance/onnx_conformance.o: CPPFLAGS += -I$(BUILD)/gen -Iuserspace/tools/tmc

$(CONF_BIN): $(patsubst %.c,$(BUILD)/%.o,$(CONF_SRCS)) $(BUILD)/lib/libtm.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lprotobuf-c -lm -ldl

.PHONY: conformance
conformance:
	@mkdir -p build/conformance
	@tests/record.sh onnx-conformance sh -c '$(MAKE) --no-print-directory $(CONF_BIN) && \
		$(CONF_BIN) $(CONF_NODE_DIR) --expect tests/conformance/expected_pass.txt \
		--out build/conformance/results.txt'

CHECK_TARGETS += conformance
