# x86-64 fast kernels: each file is compiled with its own -m flags (and only
# that file, so the rest of libtm still runs on any x86-64); the dispatcher
# (kernels/dispatch.c) calls them only when CPUID reports the features.
ifneq ($(filter x86_64%,$(shell $(CC) -dumpmachine)),)
X86_KERNELS := userspace/kernels/x86/avx2.c userspace/kernels/x86/avx512_vnni.c
LIBTM_SRCS += $(X86_KERNELS)

$(BUILD)/userspace/kernels/x86/avx2.o: CFLAGS += -mavx2 -mfma
$(BUILD)/userspace/kernels/x86/avx512_vnni.o: CFLAGS += -mavx2 -mfma -mavx512f -mavx512bw \
	-mavx512vl -mavx512vnni
endif
