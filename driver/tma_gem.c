// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_gem.c - GEM buffer objects over dma_alloc_coherent().
 *
 * The device addresses each BO as one region (base, size) with no page
 * table, so a BO must be physically contiguous. Debian's kernel has no CMA:
 * the buddy allocator's largest block, 4 MiB, bounds a BO
 * (DRM_TMA_MAX_BO_SIZE). The memory is zeroed, so a fresh BO never shows
 * another process's data. A file's BOs together are bounded by the module
 * parameter max_bo_mib_per_file (tma_job.c).
 */
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_utils.h>

#include "../uapi/drm/tma_drm.h"
#include "tma_device.h"
#include "tma_gem.h"
#include "tma_job.h"

static void tma_bo_free(struct drm_gem_object *obj)
{
	struct tma_bo *bo = to_tma_bo(obj);

	drm_gem_object_release(obj);
	dma_free_coherent(obj->dev->dev, obj->size, bo->vaddr, bo->dma);
	tma_file_uncharge_bo(bo->tfile, obj->size);
	kfree(bo);
}

static int tma_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct tma_bo *bo = to_tma_bo(obj);

	/* drm_gem_mmap() left the fake offset in vm_pgoff; the pages start at 0. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	vma->vm_flags &= ~VM_PFNMAP;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	/*
	 * On failure drm_gem_mmap_obj() drops the reference it took for this
	 * mapping; dropping it here too (drm_gem_vm_close) would free the BO
	 * under its handle.
	 */
	return dma_mmap_coherent(obj->dev->dev, vma, bo->vaddr, bo->dma, obj->size);
}

static const struct vm_operations_struct tma_bo_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs tma_bo_funcs = {
	.free = tma_bo_free,
	.mmap = tma_bo_mmap,
	.vm_ops = &tma_bo_vm_ops,
};

static struct tma_bo *tma_bo_create(struct drm_device *drm, struct tma_file *tfile,
				    size_t size)
{
	struct tma_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	int ret;

	if (!bo)
		return ERR_PTR(-ENOMEM);
	size = PAGE_ALIGN(size);
	ret = tma_file_charge_bo(tfile, size);
	if (ret) {
		kfree(bo);
		return ERR_PTR(ret);
	}
	bo->tfile = tfile;
	bo->base.funcs = &tma_bo_funcs;
	drm_gem_private_object_init(drm, &bo->base, size);
	bo->vaddr = dma_alloc_coherent(drm->dev, size, &bo->dma, GFP_KERNEL | __GFP_NOWARN);
	if (!bo->vaddr) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret)
		goto err_free;
	return bo;

err_free:
	dma_free_coherent(drm->dev, size, bo->vaddr, bo->dma);
err_release:
	drm_gem_object_release(&bo->base);
	tma_file_uncharge_bo(tfile, size);
	kfree(bo);
	return ERR_PTR(ret);
}

int tma_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_tma_bo_create *args = data;
	struct tma_bo *bo;
	int ret;

	if (args->flags || !args->size || args->size > DRM_TMA_MAX_BO_SIZE)
		return -EINVAL;
	bo = tma_bo_create(drm, file->driver_priv, args->size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base, &args->handle);
	/* The handle holds the reference from here on (or nothing does). */
	drm_gem_object_put(&bo->base);
	return ret;
}

int tma_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_tma_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

int tma_ioctl_bo_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_tma_bo_wait *args = data;
	struct drm_gem_object *obj;
	long ret;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
				    drm_timeout_abs_to_jiffies(args->timeout_ns));
	drm_gem_object_put(obj);
	if (ret == 0)
		return -ETIME;
	return ret < 0 ? ret : 0;
}
