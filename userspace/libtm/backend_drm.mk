# The drm backend (backend_drm.c) needs libdrm's headers to build (uapi's
# tma_drm.h includes libdrm's drm.h; xf86drm.h gives the prototypes) but not
# the library to link: libdrm.so.2 is dlopen()ed when a render node exists.
# backend.c shares the TMA register decoding of the sim and drm backends.
DEPS_APT += libdrm-dev
LIBDRM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdrm 2>/dev/null || echo -I/usr/include/libdrm)
$(BUILD)/userspace/libtm/backend_drm.o: CPPFLAGS += $(LIBDRM_CFLAGS) -Ihw/regs/generated
$(BUILD)/userspace/libtm/backend.o: CPPFLAGS += -Ihw/regs/generated
