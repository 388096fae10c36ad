# AArch64 fast kernels (cross-built with Debian's gcc-aarch64-linux-gnu:
# `make CC=aarch64-linux-gnu-gcc BUILD=build/aarch64`). dotprod.c alone is
# built with +dotprod; the dispatcher runs it only when HWCAP says asimddp.
ifneq ($(filter aarch64%,$(shell $(CC) -dumpmachine)),)
LIBTM_SRCS += userspace/kernels/arm/neon.c userspace/kernels/arm/neon_rows.c \
	userspace/kernels/arm/dotprod.c
$(BUILD)/userspace/kernels/arm/dotprod.o: CFLAGS += -march=armv8.2-a+dotprod
endif
