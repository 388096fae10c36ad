// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_pdev.c - test only: make tmaccel's platform (device tree) front end
 * probe in the x86 QEMU guest, which has no device tree to describe a TMA.
 *
 * It registers a platform device named "tmaccel" (the platform driver
 * matches that name as well as compatible = "tmaccel,tma") with the two
 * resources the binding gives it: a memory region named "csr" and one
 * interrupt. The region is page 0 of the co-simulation's ivshmem BAR2, the
 * register image tmsim keeps (driver/tma_cosim.h): reads return the real
 * device's ID, VERSION, CAPS, ... registers; writes only land in the image
 * (tmsim takes writes through its mailbox), so this instance can probe,
 * register its DRM device, answer GET_PARAM and be removed, but not run a
 * job. The interrupt is a software IRQ on dummy_irq_chip that never fires.
 * Unbind the PCI front end first so only one instance uses the image.
 *
 * With warn=1 it only WARNs and fails to load, so the guest can prove that
 * its dmesg check catches a real kernel warning.
 */
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>

#include "../../../driver/tma_cosim.h"
#include "../../../hw/regs/generated/tma_regs.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110

/*
 * The ivshmem device tmsim serves as a TMA1 (the guest has others, one a
 * tmsim reporting another ID): a reference.
 */
static struct pci_dev *tma_pdev_find_cosim(void)
{
	struct pci_dev *pci = NULL;

	while ((pci = pci_get_device(IVSHMEM_VENDOR, IVSHMEM_DEVICE, pci))) {
		void __iomem *shm;
		u32 magic, id;

		if (pci_resource_len(pci, 2) < TMA_COSIM_SHM_SIZE)
			continue;
		shm = ioremap(pci_resource_start(pci, 2), TMA_COSIM_SHM_SIZE);
		if (!shm)
			continue;
		magic = readl(shm + TMA_COSIM_MBOX);
		id = readl(shm + TMA_COSIM_CSR + TMA_REG_ID);
		iounmap(shm);
		if (magic == TMA_COSIM_MBOX_MAGIC && id == TMA_ID_MAGIC)
			return pci;
	}
	return NULL;
}

static struct platform_device *tma_pdev;
static int tma_pdev_irq;

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "only WARN and fail to load: proves the guest's dmesg check sees a warning");

static int __init tma_pdev_init(void)
{
	struct pci_dev *pci = tma_pdev_find_cosim();
	struct resource res[2];
	int ret;

	if (WARN(warn, "tma_pdev: deliberate warning for the dmesg check\n")) {
		pci_dev_put(pci);
		return -ECANCELED;
	}
	if (!pci)
		return -ENODEV;
	res[0] = (struct resource)DEFINE_RES_MEM_NAMED(pci_resource_start(pci, 2), PAGE_SIZE,
						       "csr");
	pci_dev_put(pci);
	/*
	 * No owner module: request_irq() pins the owner of a descriptor, and
	 * tmaccel holds the IRQ until this module's exit removes the device.
	 */
	tma_pdev_irq = __irq_alloc_descs(-1, 0, 1, NUMA_NO_NODE, NULL, NULL);
	if (tma_pdev_irq < 0)
		return tma_pdev_irq;
	irq_set_chip_and_handler(tma_pdev_irq, &dummy_irq_chip, handle_simple_irq);
	res[1] = (struct resource)DEFINE_RES_IRQ(tma_pdev_irq);
	tma_pdev = platform_device_register_simple("tmaccel", PLATFORM_DEVID_NONE, res, 2);
	if (IS_ERR(tma_pdev)) {
		ret = PTR_ERR(tma_pdev);
		irq_free_desc(tma_pdev_irq);
		return ret;
	}
	return 0;
}

static void __exit tma_pdev_exit(void)
{
	platform_device_unregister(tma_pdev);
	irq_free_desc(tma_pdev_irq);
}

module_init(tma_pdev_init);
module_exit(tma_pdev_exit);

MODULE_DESCRIPTION("test only: a platform device for tmaccel's platform front end");
MODULE_LICENSE("GPL");
