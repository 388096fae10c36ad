# tests/driver: the kernel driver under QEMU with tmsim as the device, and
# the command-stream validator (driver/tma_validate.c) in userspace.
#
# `make driver-check` builds tmaccel.ko against Debian's 6.1 headers, the
# static kselftests (harness extracted from linux-source-6.1 at build time,
# never copied into the tree), an initramfs, starts tmsim, boots the kernel
# with -accel tcg and records every selftest case and guest check.
DEPS_APT += qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio \
	    kmod linux-source-6.1 libdrm-dev
# The kernel version of the installed Debian headers (not uname -r: the build
# machine's own kernel is not Debian's).
KVER := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 | \
	  sed 's|/usr/src/linux-headers-||')
KSFT_DIR := $(BUILD)/driver/ksft

UNIT_TESTS += test_validate
test_validate_SRCS := tests/driver/test_validate.c driver/tma_validate.c
$(BUILD)/tests/driver/test_validate.o $(BUILD)/driver/tma_validate.o: \
	CPPFLAGS += -I/usr/include/libdrm -Idriver -Ihw/regs/generated

# libtm's drm backend without a device, and the TMA decoding it shares with sim.
UNIT_TESTS += test_backend_drm
test_backend_drm_SRCS := tests/driver/test_backend_drm.c
$(BUILD)/tests/driver/test_backend_drm.o: CPPFLAGS += -Iuserspace/libtm -Ihw/regs/generated

ifneq ($(KVER),)
CHECK_TARGETS += driver-check
endif

.PHONY: driver-module driver-pdev-module driver-check
driver-module:
	$(MAKE) -C /usr/src/linux-headers-$(KVER) M=$(CURDIR)/driver modules

# Test only: a platform device for the platform front end (platform/tma_pdev.c).
driver-pdev-module:
	$(MAKE) -C /usr/src/linux-headers-$(KVER) M=$(CURDIR)/tests/driver/platform modules

$(KSFT_DIR)/kselftest_harness.h:
	@mkdir -p $(dir $@)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(dir $@) --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h

DRIVER_SELFTESTS := $(BUILD)/driver/tma_test $(BUILD)/driver/tma_limits $(BUILD)/driver/tma_burst
$(DRIVER_SELFTESTS): $(KSFT_DIR)/kselftest_harness.h $(wildcard tests/driver/selftests/*.[ch]) \
		     uapi/drm/tma_drm.h driver/tma_cosim.h hw/regs/generated/tma_regs.h
	$(MAKE) -C tests/driver/selftests KSFT_DIR=$(CURDIR)/$(KSFT_DIR) \
		OUTPUT=$(CURDIR)/$(BUILD)/driver ROOT=$(CURDIR)

# The guest runs tmrun --device drm on the compiled int8 openWakeWord models
# when `make models` can build them (else on mkmodel's fc_int8 only).
driver-check:
	-@$(MAKE) --no-print-directory $(OWW_INT8) >$(BUILD)/driver-models.log 2>&1 || \
		echo "driver-check: no real models (make models failed, see $(BUILD)/driver-models.log)"
	@tests/record.sh driver-build sh -c '$(MAKE) --no-print-directory driver-module driver-pdev-module \
		$(DRIVER_SELFTESTS) $(BUILD)/bin/tmsim $(BUILD)/dts/tma-sim.dtb $(BUILD)/bin/tmrun \
		$(BUILD)/tests/mkmodel >$(BUILD)/driver-build.log 2>&1 \
		|| { tail -n 30 $(BUILD)/driver-build.log; exit 1; }; \
		tests/driver/mk-initramfs.sh $(BUILD) $(KVER)'
	-@tests/driver/run-qemu.sh $(BUILD) $(KVER)

# libFuzzer target for the validator (clang), like tests/fuzz/fuzz_model.mk.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_VALIDATE_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE $(WARN) -Iuapi -Idriver \
			-Ihw/regs/generated -I/usr/include/libdrm
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
CHECK_TARGETS += fuzz-validate
endif

$(BUILD)/fuzz/fuzz_validate: tests/driver/fuzz_validate.c driver/tma_validate.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_VALIDATE_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $^ -o $@

$(BUILD)/fuzz/fuzz_validate_seeds: tests/driver/fuzz_validate_seeds.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_VALIDATE_CFLAGS) $^ -o $@

.PHONY: fuzz-validate
fuzz-validate:
	@tests/record.sh fuzz-validate sh -c '$(MAKE) --no-print-directory \
		$(BUILD)/fuzz/fuzz_validate $(BUILD)/fuzz/fuzz_validate_seeds && \
		tests/fuzz/run-fuzz.sh $(BUILD)/fuzz/fuzz_validate \
		$(BUILD)/fuzz/fuzz_validate_seeds $(FUZZ_SECONDS)'
