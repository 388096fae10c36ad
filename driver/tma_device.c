// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_device.c - the device: identification, the job ring, interrupts,
 * soft reset, teardown and debugfs. Registers are reached through the
 * front end's tma_bus_ops (plain MMIO, or the co-simulation mailbox).
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/seq_file.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "../uapi/tma_cmd.h"
#include "tma_device.h"
#include "tma_job.h"

#define TMA_IRQS (TMA_IRQ_STATUS_JOB_DONE_MASK | TMA_IRQ_STATUS_JOB_ERROR_MASK | \
		  TMA_IRQ_STATUS_RING_ERROR_MASK)

static int tma_sync(struct tma_device *tdev)
{
	return tdev->bus->sync ? tdev->bus->sync(tdev) : 0;
}

/*
 * Soft reset, then program the ring and interrupts; software ring state to
 * 0. Stops at the first write the bus drops.
 */
static int tma_hw_start(struct tma_device *tdev)
{
	const u32 regs[][2] = {
		{ TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK },
		{ TMA_REG_RING_BASE_LO, lower_32_bits(tdev->ring_dma) },
		{ TMA_REG_RING_BASE_HI, upper_32_bits(tdev->ring_dma) },
		{ TMA_REG_RING_SIZE, TMA_RING_ENTRIES },
		{ TMA_REG_IRQ_STATUS, TMA_IRQS },
		{ TMA_REG_IRQ_MASK, TMA_IRQS },
		{ TMA_REG_CTRL, TMA_CTRL_ENABLE_MASK },
	};
	unsigned int i;
	int ret;

	tdev->ring_tail = 0;
	tdev->ring_done = 0;
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		ret = tma_write(tdev, regs[i][0], regs[i][1]);
		if (ret)
			return ret;
	}
	return tma_sync(tdev);
}

static int tma_check_id(struct tma_device *tdev)
{
	u32 id = tma_read(tdev, TMA_REG_ID);

	if (id != TMA_ID_MAGIC) {
		dev_err(tdev->dev, "ID register reads %#x, not a TMA (%#x)\n", id, TMA_ID_MAGIC);
		return -ENODEV;
	}
	tdev->version = tma_read(tdev, TMA_REG_VERSION);
	if ((tdev->version & TMA_VERSION_MAJOR_MASK) >> TMA_VERSION_MAJOR_SHIFT !=
	    TMA_VERSION_MAJOR) {
		dev_err(tdev->dev, "TMA version %#x, this driver knows major %u\n",
			tdev->version, TMA_VERSION_MAJOR);
		return -ENODEV;
	}
	tdev->caps = tma_read(tdev, TMA_REG_CAPS);
	tdev->array = tma_read(tdev, TMA_REG_ARRAY);
	tdev->sram = tma_read(tdev, TMA_REG_SRAM);
	tdev->busreg = tma_read(tdev, TMA_REG_BUS);
	return 0;
}

/*
 * A front end's first step. The locks are ready before the front end
 * requests its interrupt: a stray one may run the handler before
 * tma_device_init().
 */
struct tma_device *tma_device_alloc(struct device *dev)
{
	struct tma_device *tdev = devm_drm_dev_alloc(dev, &tma_drm_driver, struct tma_device,
						     drm);

	if (IS_ERR(tdev))
		return tdev;
	tdev->dev = dev;
	spin_lock_init(&tdev->ring_lock);
	mutex_init(&tdev->submit_lock);
	mutex_init(&tdev->reset_lock);
	init_waitqueue_head(&tdev->job_freed);
	return tdev;
}

int tma_device_init(struct tma_device *tdev)
{
	u32 addr_bits;
	int ret;

	ret = tma_check_id(tdev);
	if (ret)
		return ret;
	addr_bits = (tdev->busreg & TMA_BUS_ADDR_BITS_MASK) >> TMA_BUS_ADDR_BITS_SHIFT;
	ret = dma_set_mask_and_coherent(tdev->dev, DMA_BIT_MASK(min(addr_bits, 64u)));
	if (ret)
		return ret;
	tdev->ring = dma_alloc_coherent(tdev->dev, TMA_RING_ENTRIES * TMA_JOB_DESC_SIZE,
					&tdev->ring_dma, GFP_KERNEL);
	if (!tdev->ring)
		return -ENOMEM;
	ret = tma_hw_start(tdev);
	if (ret) {
		dev_err(tdev->dev, "device does not take register writes (%d)\n", ret);
		goto err_ring;
	}
	ret = tma_job_sched_init(tdev);
	if (ret)
		goto err_ring;
	tdev->sched_ready = true;
	return 0;

err_ring:
	dma_free_coherent(tdev->dev, TMA_RING_ENTRIES * TMA_JOB_DESC_SIZE, tdev->ring,
			  tdev->ring_dma);
	tdev->ring = NULL;
	return ret;
}

/*
 * Put a job on the ring. Called by run_job only (the scheduler's one
 * thread, never during a reset: drm_sched_stop parks it), so nobody else
 * moves ring_tail meanwhile. The RING_TAIL write may sleep (co-simulation
 * mailbox): it happens outside ring_lock.
 */
void tma_device_ring_push(struct tma_device *tdev, struct tma_job *job)
{
	unsigned long flags;
	u32 slot, tail;
	int ret;

	spin_lock_irqsave(&tdev->ring_lock, flags);
	/*
	 * Removal cancelled the ring under this lock after setting dead: a run
	 * that gets here later would never end, so end it now.
	 */
	if (tdev->dead) {
		tma_job_cancel(job, -ENODEV, true);
		spin_unlock_irqrestore(&tdev->ring_lock, flags);
		return;
	}
	slot = tdev->ring_tail;
	tma_job_write_desc(job, tdev->ring + slot * TMA_JOB_DESC_SIZE);
	tdev->slot[slot] = job;
	tail = (slot + 1) % TMA_RING_ENTRIES;
	tdev->ring_tail = tail;
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
	/* The descriptor is in memory before the device can see the new tail. */
	dma_wmb();
	ret = tma_write(tdev, TMA_REG_RING_TAIL, tail);
	if (!ret)
		return;
	/*
	 * The device never saw this tail: take the job back off the ring (a
	 * later push reuses the slot) and end it, rather than leave it for
	 * the timeout. Removal may have ended it already.
	 */
	spin_lock_irqsave(&tdev->ring_lock, flags);
	if (tdev->slot[slot] == job) {
		tdev->slot[slot] = NULL;
		tdev->ring_tail = slot;
		tma_job_cancel(job, -EIO, true);
	}
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
}

/*
 * Retire every job the device finished: RING_HEAD moves past a job when it
 * ends. Returns how many ended.
 */
static u32 tma_retire(struct tma_device *tdev)
{
	unsigned long flags;
	u32 head, n = 0;

	spin_lock_irqsave(&tdev->ring_lock, flags);
	head = tma_read(tdev, TMA_REG_RING_HEAD);
	if (head >= TMA_RING_ENTRIES) {
		spin_unlock_irqrestore(&tdev->ring_lock, flags);
		return 0;
	}
	/* Completion records were written before RING_HEAD moved. */
	dma_rmb();
	while (tdev->ring_done != head && tdev->ring_done != tdev->ring_tail) {
		struct tma_job *job = tdev->slot[tdev->ring_done];

		tdev->slot[tdev->ring_done] = NULL;
		if (job)
			tma_job_complete(job);
		tdev->ring_done = (tdev->ring_done + 1) % TMA_RING_ENTRIES;
		n++;
	}
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
	return n;
}

irqreturn_t tma_device_irq(int irq, void *data)
{
	struct tma_device *tdev = data;
	u32 status, retired;

	if (READ_ONCE(tdev->dead))
		return IRQ_NONE;
	status = tma_read(tdev, TMA_REG_IRQ_STATUS) & TMA_IRQS;
	atomic_inc(&tdev->irqs);
	if (status)
		tma_write(tdev, TMA_REG_IRQ_STATUS, status);
	/*
	 * Clear before reading RING_HEAD: a job ending after the clear raises
	 * the line again. Over the co-simulation mailbox the clear is posted,
	 * so wait for it (the threaded handler may sleep).
	 */
	tma_sync(tdev);
	/* Retire even without a cause bit: with co-simulation the image may lag. */
	retired = tma_retire(tdev);
	if (status & TMA_IRQ_STATUS_RING_ERROR_MASK)
		drm_err(&tdev->drm, "ring halted (ERR_STATUS %#x); the job timeout resets it\n",
			tma_read(tdev, TMA_REG_ERR_STATUS));
	/* Jobs retired on a lagging image were ours too: not a spurious IRQ. */
	return status || retired ? IRQ_HANDLED : IRQ_NONE;
}

/* Jobs still on the ring will not end by themselves: end their runs. */
static void tma_cancel_ring(struct tma_device *tdev, int error, bool final)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&tdev->ring_lock, flags);
	for (i = 0; i < TMA_RING_ENTRIES; i++) {
		if (tdev->slot[i])
			tma_job_cancel(tdev->slot[i], error, final);
		tdev->slot[i] = NULL;
	}
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
}

/* Called with the scheduler stopped: nothing pushes to the ring meanwhile. */
int tma_device_hw_reset(struct tma_device *tdev)
{
	int ret;

	atomic_inc(&tdev->resets);
	disable_irq(tdev->irq);
	tma_cancel_ring(tdev, -ECANCELED, false);
	ret = tma_hw_start(tdev);
	enable_irq(tdev->irq);
	if (ret)
		drm_err(&tdev->drm, "reset failed (%d)\n", ret);
	return ret;
}

/*
 * Stop the device for good: no timeout's reset re-enables it, no run
 * reaches the ring any more, it does no more DMA and raises no interrupt,
 * and the runs that were on the ring end with -ENODEV. Leaves the IRQ
 * disabled. For removal and for shutdown (reboot, kexec: the memory the
 * device would write belongs to the next kernel).
 */
void tma_device_quiesce(struct tma_device *tdev)
{
	unsigned long flags;

	/* No timeout handler is resetting (and re-enabling) the device after this. */
	mutex_lock(&tdev->reset_lock);
	spin_lock_irqsave(&tdev->ring_lock, flags);
	WRITE_ONCE(tdev->dead, true);
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
	mutex_unlock(&tdev->reset_lock);
	if (tdev->irq > 0)
		disable_irq(tdev->irq);
	tma_write(tdev, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);
	tma_write(tdev, TMA_REG_IRQ_MASK, 0);
	tma_sync(tdev);
	tma_cancel_ring(tdev, -ENODEV, true);
}

/*
 * Removal with jobs in flight: stop the device, end every run with -ENODEV,
 * let the scheduler retire them, then stop it. Open files keep their BOs
 * until they close; new ioctls already fail (drm_dev_unplug).
 */
void tma_device_fini(struct tma_device *tdev)
{
	int i;

	tma_device_quiesce(tdev);
	if (tdev->sched_ready) {
		/* free_job runs in the scheduler's thread: give it time to drain. */
		for (i = 0; i < 200 && !list_empty_careful(&tdev->sched.pending_list); i++)
			msleep(10);
		drm_sched_fini(&tdev->sched);
		tdev->sched_ready = false;
	}
	if (tdev->irq > 0)
		enable_irq(tdev->irq);
	if (tdev->ring)
		dma_free_coherent(tdev->dev, TMA_RING_ENTRIES * TMA_JOB_DESC_SIZE, tdev->ring,
				  tdev->ring_dma);
	tdev->ring = NULL;
}

/* ---- debugfs ----------------------------------------------------------- */

static u64 tma_read64(struct tma_device *tdev, u32 lo)
{
	return tma_read(tdev, lo) | (u64)tma_read(tdev, lo + 4) << 32;
}

static int tma_debugfs_ring(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct tma_device *tdev = to_tma_device(node->minor->dev);
	unsigned long flags;
	u32 i, busy = 0;

	spin_lock_irqsave(&tdev->ring_lock, flags);
	for (i = 0; i < TMA_RING_ENTRIES; i++)
		busy += !!tdev->slot[i];
	seq_printf(m, "entries: %u\nsw_tail: %u\nsw_done: %u\nin_flight: %u\n",
		   TMA_RING_ENTRIES, tdev->ring_tail, tdev->ring_done, busy);
	spin_unlock_irqrestore(&tdev->ring_lock, flags);
	seq_printf(m, "RING_HEAD: %u\nRING_TAIL: %u\nSTATUS: %#x\nCTRL: %#x\n",
		   tma_read(tdev, TMA_REG_RING_HEAD), tma_read(tdev, TMA_REG_RING_TAIL),
		   tma_read(tdev, TMA_REG_STATUS), tma_read(tdev, TMA_REG_CTRL));
	seq_printf(m, "IRQ_STATUS: %#x\nERR_STATUS: %#x\nERR_ADDR: %#llx\n",
		   tma_read(tdev, TMA_REG_IRQ_STATUS), tma_read(tdev, TMA_REG_ERR_STATUS),
		   tma_read64(tdev, TMA_REG_ERR_ADDR_LO));
	seq_printf(m, "PROGRESS: %u\nJOBS_DONE: %u\nLAST_SEQNO: %u\n",
		   tma_read(tdev, TMA_REG_PROGRESS), tma_read(tdev, TMA_REG_JOBS_DONE),
		   tma_read(tdev, TMA_REG_LAST_SEQNO));
	return 0;
}

static int tma_debugfs_perf(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct tma_device *tdev = to_tma_device(node->minor->dev);

	seq_printf(m, "cycles: %llu\nbusy: %llu\nmacs: %llu\ndma_rd: %llu\ndma_wr: %llu\n",
		   tma_read64(tdev, TMA_REG_PERF_CYCLES_LO), tma_read64(tdev, TMA_REG_PERF_BUSY_LO),
		   tma_read64(tdev, TMA_REG_PERF_MACS_LO), tma_read64(tdev, TMA_REG_PERF_DMA_RD_LO),
		   tma_read64(tdev, TMA_REG_PERF_DMA_WR_LO));
	seq_printf(m, "stall: %llu\njobs_ok: %d\njobs_failed: %d\ntimeouts: %d\nresets: %d\n",
		   tma_read64(tdev, TMA_REG_PERF_STALL_LO), atomic_read(&tdev->jobs_ok),
		   atomic_read(&tdev->jobs_failed), atomic_read(&tdev->timeouts),
		   atomic_read(&tdev->resets));
	seq_printf(m, "irqs: %d\n", atomic_read(&tdev->irqs));
	return 0;
}

static const struct drm_info_list tma_debugfs_list[] = {
	{ "ring", tma_debugfs_ring, 0 },
	{ "perf", tma_debugfs_perf, 0 },
};

void tma_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(tma_debugfs_list, ARRAY_SIZE(tma_debugfs_list),
				 minor->debugfs_root, minor);
}
