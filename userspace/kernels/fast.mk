# The fast kernels' per-architecture fragments live one level down
# (userspace/kernels/x86/x86.mk, userspace/kernels/arm/arm.mk), below the top
# Makefile's userspace/*/*.mk wildcard; this pulls them in.
include $(sort $(wildcard userspace/kernels/*/*.mk))
