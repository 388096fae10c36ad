// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_pci.c - the PCI front end: a TMA behind QEMU's ivshmem-doorbell, the
 * co-simulation transport (hw/tmsim is the device on the host side).
 *
 * BAR0 holds ivshmem's own registers (IVPosition at 0x08, Doorbell at
 * 0x0c), BAR2 the shared memory laid out as tma_cosim.h says: a register
 * image to read, a mailbox for writes. MSI-X vector 0 is the device's
 * interrupt. ivshmem is a generic device, so probe insists on the
 * daemon's mailbox magic and on the TMA ID register, and leaves any other
 * ivshmem device alone.
 *
 * A register write waits for room in the mailbox, sleeping: the daemon
 * drains it at every doorbell, so it is only ever full when the daemon has
 * stopped serving, and then the write is dropped after TMA_PCI_MBOX_FULL_MS
 * with an error its caller handles (a job is taken back off the ring and
 * fails, a reset fails). Writes therefore never happen in atomic context.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <drm/drm_drv.h>

#include "tma_cosim.h"
#include "tma_device.h"

#define IVSHMEM_VENDOR     0x1af4
#define IVSHMEM_DEVICE     0x1110
#define IVSHMEM_DOORBELL   0x0c

/* How long a write waits for room in a full mailbox before it is dropped. */
#define TMA_PCI_MBOX_FULL_MS 100
/* How long sync waits for the daemon to apply every write. */
#define TMA_PCI_SYNC_MS      1000

struct tma_pci {
	void __iomem *regs;          /* BAR0 */
	void __iomem *shm;           /* BAR2 */
	struct mutex lock;           /* mailbox head */
	u32 head;
	u32 peer;
};

static struct tma_cosim_mbox __iomem *tma_mbox(struct tma_pci *tp)
{
	return tp->shm + TMA_COSIM_MBOX;
}

static u32 tma_pci_read(struct tma_device *tdev, u32 off)
{
	struct tma_pci *tp = tdev->bus_priv;

	return readl(tp->shm + TMA_COSIM_CSR + off);
}

/*
 * Sleep until at most @pending writes are still unapplied, for at most @ms.
 * The daemon's tail only moves forward towards our head.
 */
static int tma_mbox_wait(struct tma_pci *tp, u32 pending, unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	for (;;) {
		if (READ_ONCE(tp->head) - readl(&tma_mbox(tp)->tail) <= pending)
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(50, 100);
	}
}

static int tma_pci_write(struct tma_device *tdev, u32 off, u32 val)
{
	struct tma_pci *tp = tdev->bus_priv;
	struct tma_cosim_mbox __iomem *mb = tma_mbox(tp);
	u32 i;

	might_sleep();
	mutex_lock(&tp->lock);
	if (tma_mbox_wait(tp, TMA_COSIM_MBOX_ENTRIES - 1, TMA_PCI_MBOX_FULL_MS)) {
		mutex_unlock(&tp->lock);
		dev_warn_ratelimited(tdev->dev,
				     "tmsim mailbox full for %u ms: write of %#x to register %#x dropped\n",
				     TMA_PCI_MBOX_FULL_MS, val, off);
		return -EIO;
	}
	i = tp->head % TMA_COSIM_MBOX_ENTRIES;
	writel(off, &mb->ent[i].off);
	writel(val, &mb->ent[i].val);
	/* The entry is in memory before the daemon can see the new head. */
	wmb();
	WRITE_ONCE(tp->head, tp->head + 1);
	writel(tp->head, &mb->head);
	writel(tp->peer << 16 | TMA_COSIM_VECTOR, tp->regs + IVSHMEM_DOORBELL);
	mutex_unlock(&tp->lock);
	return 0;
}

static int tma_pci_sync(struct tma_device *tdev)
{
	return tma_mbox_wait(tdev->bus_priv, 0, TMA_PCI_SYNC_MS);
}

static const struct tma_bus_ops tma_pci_ops = {
	.read = tma_pci_read,
	.write = tma_pci_write,
	.sync = tma_pci_sync,
};

static int tma_pci_map(struct pci_dev *pdev, struct tma_pci *tp)
{
	int ret = pcim_enable_device(pdev);

	if (ret)
		return ret;
	if (pci_resource_len(pdev, 2) < TMA_COSIM_SHM_SIZE) {
		dev_info(&pdev->dev, "ivshmem BAR2 of %llu bytes: not a TMA co-simulation\n",
			 (u64)pci_resource_len(pdev, 2));
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(0), "tmaccel");
	if (ret)
		return ret;
	tp->regs = pcim_iomap_table(pdev)[0];
	/*
	 * BAR2 is mapped but not claimed: its third page belongs to the test
	 * tooling (fault injection through sysfs resource2), and a claimed
	 * region cannot be mapped there with the kernel's strict devmem.
	 */
	tp->shm = pcim_iomap(pdev, 2, TMA_COSIM_SHM_SIZE);
	if (!tp->shm)
		return -ENOMEM;
	if (readl(&tma_mbox(tp)->magic) != TMA_COSIM_MBOX_MAGIC) {
		dev_info(&pdev->dev, "ivshmem without the tmsim mailbox: not a TMA\n");
		return -ENODEV;
	}
	tp->peer = readl(&tma_mbox(tp)->dev_peer);
	/* Writes continue where an earlier driver instance stopped. */
	tp->head = readl(&tma_mbox(tp)->head);
	mutex_init(&tp->lock);
	pci_set_master(pdev);
	return 0;
}

static int tma_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct tma_device *tdev;
	struct tma_pci *tp;
	int ret;

	tp = devm_kzalloc(&pdev->dev, sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	ret = tma_pci_map(pdev, tp);
	if (ret)
		return ret;
	tdev = tma_device_alloc(&pdev->dev);
	if (IS_ERR(tdev))
		return PTR_ERR(tdev);
	tdev->bus = &tma_pci_ops;
	tdev->bus_priv = tp;
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	tdev->irq = pci_irq_vector(pdev, TMA_COSIM_VECTOR);
	ret = request_threaded_irq(tdev->irq, NULL, tma_device_irq, IRQF_ONESHOT, "tmaccel",
				   tdev);
	if (ret)
		goto err_vectors;
	ret = tma_probe_common(tdev);
	if (ret)
		goto err_irq;
	pci_set_drvdata(pdev, tdev);
	return 0;

err_irq:
	free_irq(tdev->irq, tdev);
err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void tma_pci_remove(struct pci_dev *pdev)
{
	struct tma_device *tdev = pci_get_drvdata(pdev);

	tma_remove_common(tdev);
	free_irq(tdev->irq, tdev);
	pci_free_irq_vectors(pdev);
}

/* The memory the device writes belongs to the next kernel (kexec) or to nobody. */
static void tma_pci_shutdown(struct pci_dev *pdev)
{
	tma_shutdown_common(pci_get_drvdata(pdev));
	pci_clear_master(pdev);
}

/*
 * Every ivshmem device has these IDs, and QEMU gives ivshmem no way to set
 * its subsystem IDs or class, so the table cannot be narrower: probe is the
 * guard: a device whose BAR2 is too small, without the tmsim mailbox magic
 * or whose ID register is not TMA1 gets -ENODEV, having had nothing
 * written to its shared memory, and stays free for another driver (uio,
 * or pick one with driver_override).
 */
static const struct pci_device_id tma_pci_ids[] = {
	{ PCI_DEVICE(IVSHMEM_VENDOR, IVSHMEM_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, tma_pci_ids);

struct pci_driver tma_pci_driver = {
	.name = "tmaccel",
	.id_table = tma_pci_ids,
	.probe = tma_pci_probe,
	.remove = tma_pci_remove,
	.shutdown = tma_pci_shutdown,
};
