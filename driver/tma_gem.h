/* SPDX-License-Identifier: GPL-2.0-only */
/* tma_gem.h - buffer objects: one physically contiguous block each. */
#ifndef TMA_GEM_H
#define TMA_GEM_H

#include <drm/drm_gem.h>

struct tma_file;

struct tma_bo {
	struct drm_gem_object base;
	void *vaddr;
	dma_addr_t dma;
	struct tma_file *tfile;       /* charged for the BO until it is freed */
};

static inline struct tma_bo *to_tma_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct tma_bo, base);
}

int tma_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int tma_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);
int tma_ioctl_bo_wait(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* TMA_GEM_H */
