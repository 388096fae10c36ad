// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_drv.c - tmaccel: the DRM render driver of the TMA accelerator. The
 * drm_driver and its ioctls, the platform (device tree) front end, and the
 * module entry points. The PCI co-simulation front end is tma_pci.c.
 *
 * Written for DRM render nodes as Debian's 6.1 kernel has them (no accel
 * subsystem); moving to /dev/accel means DRIVER_COMPUTE_ACCEL in place of
 * DRIVER_RENDER and nothing else here.
 */
#include <linux/module.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>

#include "../uapi/drm/tma_drm.h"
#include "tma_device.h"
#include "tma_gem.h"
#include "tma_job.h"

static int tma_ioctl_get_param(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct tma_device *tdev = to_tma_device(drm);
	struct drm_tma_get_param *args = data;

	if (args->pad)
		return -EINVAL;
	switch (args->param) {
	case DRM_TMA_PARAM_DEVICE_ID:   args->value = TMA_ID_MAGIC; break;
	case DRM_TMA_PARAM_VERSION:     args->value = tdev->version; break;
	case DRM_TMA_PARAM_CAPS:        args->value = tdev->caps; break;
	case DRM_TMA_PARAM_ARRAY:       args->value = tdev->array; break;
	case DRM_TMA_PARAM_SRAM:        args->value = tdev->sram; break;
	case DRM_TMA_PARAM_BUS:         args->value = tdev->busreg; break;
	case DRM_TMA_PARAM_MAX_BO_SIZE: args->value = DRM_TMA_MAX_BO_SIZE; break;
	case DRM_TMA_PARAM_MAX_REGIONS: args->value = DRM_TMA_MAX_USER_REGIONS; break;
	case DRM_TMA_PARAM_MAX_CMDS:    args->value = DRM_TMA_MAX_CMDS; break;
	case DRM_TMA_PARAM_TIMEOUT_MS:  args->value = tma_timeout_ms(); break;
	case DRM_TMA_PARAM_MAX_JOBS_PER_FILE:
		args->value = tma_max_jobs_per_file();
		break;
	case DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE:
		args->value = tma_max_bo_bytes_per_file();
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const struct drm_ioctl_desc tma_ioctls[] = {
#define TMA_IOCTL(n, f) DRM_IOCTL_DEF_DRV(TMA_##n, f, DRM_RENDER_ALLOW)
	TMA_IOCTL(GET_PARAM, tma_ioctl_get_param),
	TMA_IOCTL(BO_CREATE, tma_ioctl_bo_create),
	TMA_IOCTL(BO_MMAP_OFFSET, tma_ioctl_bo_mmap_offset),
	TMA_IOCTL(SUBMIT, tma_ioctl_submit),
	TMA_IOCTL(BO_WAIT, tma_ioctl_bo_wait),
	TMA_IOCTL(JOB_STATUS, tma_ioctl_job_status),
#undef TMA_IOCTL
};

DEFINE_DRM_GEM_FOPS(tma_fops);

const struct drm_driver tma_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ,
	.open = tma_job_open,
	.postclose = tma_job_postclose,
	.ioctls = tma_ioctls,
	.num_ioctls = ARRAY_SIZE(tma_ioctls),
	.fops = &tma_fops,
	.debugfs_init = tma_debugfs_init,
	.name = "tmaccel",
	.desc = "TinyML accelerator",
	.date = "20260101",
	.major = 1,
	.minor = 0,
};

int tma_probe_common(struct tma_device *tdev)
{
	int ret = tma_device_init(tdev);

	if (ret)
		return ret;
	ret = drm_dev_register(&tdev->drm, 0);
	if (ret) {
		tma_device_fini(tdev);
		return ret;
	}
	drm_info(&tdev->drm, "TMA %u.%u, %ux%u MACs, caps %#x\n",
		 tdev->version >> 16, tdev->version & 0xffff, tdev->array & 0xffff,
		 tdev->array >> 16, tdev->caps);
	return 0;
}

/* New ioctls fail with ENODEV, SUBMITs waiting for a job slot give up. */
static void tma_unplug(struct tma_device *tdev)
{
	/* Once only: shutdown may have unplugged the device already. */
	if (!drm_dev_is_unplugged(&tdev->drm))
		drm_dev_unplug(&tdev->drm);
	wake_up_all(&tdev->job_freed);
}

void tma_remove_common(struct tma_device *tdev)
{
	tma_unplug(tdev);
	tma_device_fini(tdev);
}

/*
 * Reboot, power-off, kexec: stop the device's DMA and interrupts. Nothing
 * is freed; the scheduler and open files stay as they are, their runs ended.
 */
void tma_shutdown_common(struct tma_device *tdev)
{
	tma_unplug(tdev);
	tma_device_quiesce(tdev);
	drm_info(&tdev->drm, "shut down: device reset, interrupts masked\n");
}

/* ---- platform front end: registers are MMIO, one interrupt line -------- */

static u32 tma_mmio_read(struct tma_device *tdev, u32 off)
{
	return readl((void __iomem *)tdev->bus_priv + off);
}

static int tma_mmio_write(struct tma_device *tdev, u32 off, u32 val)
{
	writel(val, (void __iomem *)tdev->bus_priv + off);
	return 0;
}

static const struct tma_bus_ops tma_mmio_ops = {
	.read = tma_mmio_read,
	.write = tma_mmio_write,
};

static int tma_platform_probe(struct platform_device *pdev)
{
	struct tma_device *tdev;
	void __iomem *regs;
	int ret;

	tdev = tma_device_alloc(&pdev->dev);
	if (IS_ERR(tdev))
		return PTR_ERR(tdev);
	regs = devm_platform_ioremap_resource_byname(pdev, "csr");
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	tdev->bus_priv = (void __force *)regs;
	tdev->bus = &tma_mmio_ops;
	tdev->irq = platform_get_irq(pdev, 0);
	if (tdev->irq < 0)
		return tdev->irq;
	/* Quiet before the handler exists: the line may be high from before. */
	if (readl(regs + TMA_REG_ID) == TMA_ID_MAGIC)
		writel(0, regs + TMA_REG_IRQ_MASK);
	ret = devm_request_threaded_irq(&pdev->dev, tdev->irq, NULL, tma_device_irq,
					IRQF_ONESHOT, "tmaccel", tdev);
	if (ret)
		return ret;
	ret = tma_probe_common(tdev);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, tdev);
	return 0;
}

static int tma_platform_remove(struct platform_device *pdev)
{
	tma_remove_common(platform_get_drvdata(pdev));
	return 0;
}

static void tma_platform_shutdown(struct platform_device *pdev)
{
	tma_shutdown_common(platform_get_drvdata(pdev));
}

static const struct of_device_id tma_of_match[] = {
	{ .compatible = "tmaccel,tma" },
	{ }
};
MODULE_DEVICE_TABLE(of, tma_of_match);

static struct platform_driver tma_platform_driver = {
	.probe = tma_platform_probe,
	.remove = tma_platform_remove,
	.shutdown = tma_platform_shutdown,
	.driver = {
		.name = "tmaccel",
		.of_match_table = tma_of_match,
	},
};

extern struct pci_driver tma_pci_driver;

static int __init tma_init(void)
{
	int ret;

	/* drm_sched would time every job out at once and reset in a loop. */
	if (!tma_timeout_ms()) {
		pr_err("tmaccel: timeout_ms must be at least 1\n");
		return -EINVAL;
	}
	ret = platform_driver_register(&tma_platform_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&tma_pci_driver);
	if (ret)
		platform_driver_unregister(&tma_platform_driver);
	return ret;
}

static void __exit tma_exit(void)
{
	pci_unregister_driver(&tma_pci_driver);
	platform_driver_unregister(&tma_platform_driver);
}

module_init(tma_init);
module_exit(tma_exit);

MODULE_DESCRIPTION("tmaccel: DRM driver for the TMA TinyML accelerator");
MODULE_AUTHOR("the tmaccel authors");
MODULE_LICENSE("GPL");
