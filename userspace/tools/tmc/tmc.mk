# tmc, the compiler. The ONNX protobuf-c bindings are generated at build time
# from Debian's onnx.proto (libonnx-dev) into $(BUILD)/gen; nothing generated
# is committed.
DEPS_APT += protobuf-c-compiler libprotobuf-c-dev libonnx-dev

TMC_GEN   := $(BUILD)/gen
TMC_PROTO := /usr/include/onnx/onnx.proto

TOOLS      += tmc
tmc_SRCS   := $(wildcard userspace/tools/tmc/*.c) $(TMC_GEN)/onnx.pb-c.c \
              userspace/tools/common/npy.c
tmc_LDLIBS := -lprotobuf-c

$(TMC_GEN)/onnx.pb-c.c $(TMC_GEN)/onnx.pb-c.h &: $(TMC_PROTO)
	@mkdir -p $(TMC_GEN)
	cp $< $(TMC_GEN)/onnx.proto
	cd $(TMC_GEN) && protoc-c --c_out=. onnx.proto

TMC_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard userspace/tools/tmc/*.c))
$(TMC_OBJS): $(TMC_GEN)/onnx.pb-c.h
$(TMC_OBJS) $(BUILD)/$(TMC_GEN)/onnx.pb-c.o: CPPFLAGS += -I$(TMC_GEN) -Iuserspace/tools/tmc
