# tmc's compression front end (userspace/tools/tmc/cli/): the report (runs
# libtm's runtime) and the --target DTB reader (libfdt). They live outside
# userspace/tools/tmc/*.c so the importer's fuzz target and other tests that
# link the compiler's passes need neither. This fragment sorts after tmc.mk,
# whose := it appends to.
DEPS_APT += libfdt-dev

TMC_CLI_SRCS := $(wildcard userspace/tools/tmc/cli/*.c)
tmc_SRCS     += $(TMC_CLI_SRCS) userspace/tools/common/json.c
tmc_LDLIBS   += -lfdt

$(patsubst %.c,$(BUILD)/%.o,$(TMC_CLI_SRCS)): $(TMC_GEN)/onnx.pb-c.h
$(patsubst %.c,$(BUILD)/%.o,$(TMC_CLI_SRCS)): CPPFLAGS += -I$(TMC_GEN) -Iuserspace/tools/tmc
