/* SPDX-License-Identifier: GPL-2.0-only */
/* tma_device.h - one TMA device: registers, the job ring, reset, IRQ. */
#ifndef TMA_DEVICE_H
#define TMA_DEVICE_H

#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>

#include "../hw/regs/generated/tma_regs.h"

#define TMA_RING_ENTRIES 64

struct tma_device;
struct tma_job;

/**
 * struct tma_bus_ops - how a front end reaches the registers.
 * @read: a 32-bit register read; never sleeps.
 * @write: a 32-bit register write, posted; 0, or a negative errno when the
 *         write was dropped (the co-simulation mailbox stayed full). May
 *         sleep: never call it in atomic context.
 * @sync: wait until every write so far has reached the device (NULL when
 *        writes are plain MMIO); may sleep.
 */
struct tma_bus_ops {
	u32 (*read)(struct tma_device *tdev, u32 off);
	int (*write)(struct tma_device *tdev, u32 off, u32 val);
	int (*sync)(struct tma_device *tdev);
};

struct tma_device {
	struct drm_device drm;
	struct device *dev;
	const struct tma_bus_ops *bus;
	void *bus_priv;
	int irq;

	/* ID registers, read once at probe. */
	u32 version, caps, array, sram, busreg;

	/* The ring of job descriptors in DMA memory. */
	void *ring;
	dma_addr_t ring_dma;
	spinlock_t ring_lock;        /* ring_tail, ring_done, slot[] */
	u32 ring_tail;               /* next slot the driver writes */
	u32 ring_done;               /* next slot the driver expects to end */
	struct tma_job *slot[TMA_RING_ENTRIES];
	atomic_t next_seqno;
	struct mutex submit_lock;    /* arm + push keep submission order */
	wait_queue_head_t job_freed; /* SUBMITs waiting for their file's job limit */

	struct drm_gpu_scheduler sched;
	bool sched_ready;
	u64 fence_context;
	u64 fence_seqno;
	spinlock_t fence_lock;

	struct mutex reset_lock;     /* a timeout's reset vs. removal (dead) */
	u32 last_progress;           /* PROGRESS at the previous timeout */
	u32 last_jobs_done;
	atomic_t resets, timeouts, jobs_ok, jobs_failed, irqs;
	bool dead;                   /* removed: set under reset_lock and ring_lock */
};

static inline struct tma_device *to_tma_device(struct drm_device *drm)
{
	return container_of(drm, struct tma_device, drm);
}

static inline u32 tma_read(struct tma_device *tdev, u32 off)
{
	return tdev->bus->read(tdev, off);
}

static inline int tma_write(struct tma_device *tdev, u32 off, u32 val)
{
	return tdev->bus->write(tdev, off, val);
}

struct tma_device *tma_device_alloc(struct device *dev);
int tma_device_init(struct tma_device *tdev);
void tma_device_quiesce(struct tma_device *tdev);
void tma_device_fini(struct tma_device *tdev);
int tma_device_hw_reset(struct tma_device *tdev);
void tma_device_ring_push(struct tma_device *tdev, struct tma_job *job);
irqreturn_t tma_device_irq(int irq, void *data);
void tma_debugfs_init(struct drm_minor *minor);

/* The front ends register and remove the DRM device through these. */
extern const struct drm_driver tma_drm_driver;
int tma_probe_common(struct tma_device *tdev);
void tma_remove_common(struct tma_device *tdev);
void tma_shutdown_common(struct tma_device *tdev);

#endif /* TMA_DEVICE_H */
