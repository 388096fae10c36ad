// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_util.c - helpers of the tmaccel selftests. The reference FC is written
 * from uapi/tma_cmd.h's formula (MBQM as floor((x * mult + 2^30) / 2^31)
 * then a rounding right shift half away from zero), independent of the
 * device model and the driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "tma_cosim.h"
#include "tma_regs.h"
#include "tma_util.h"
/* After libdrm's drm.h (through tma_util.h): vgem_drm.h's "drm.h" is then a no-op. */
#include "vgem_drm.h"

/* The first node /dev/dri/<prefix><first..first+7> whose driver is @driver. */
static int open_node(const char *prefix, int first, const char *driver)
{
	char path[64];

	for (int i = first; i < first + 8; i++) {
		struct drm_version v = { 0 };
		char name[32] = "";
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/%s%d", prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, driver))
			return fd;
		close(fd);
	}
	return -1;
}

int tma_open(void)
{
	return open_node("renderD", 128, "tmaccel");
}

static int bo_new(int fd, uint32_t *h, void **map)
{
	struct drm_tma_bo_create c = { .size = TMA_BO_SIZE };
	struct drm_tma_bo_mmap_offset mo = { 0 };

	if (ioctl(fd, DRM_IOCTL_TMA_BO_CREATE, &c))
		return -errno;
	mo.handle = *h = c.handle;
	if (ioctl(fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo))
		return -errno;
	*map = mmap(NULL, TMA_BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	return *map == MAP_FAILED ? -errno : 0;
}

static void fc_command(struct tma_fc *fc, struct tma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = TMA_OP_FC;
	c->regions = TMA_FC_REGION_IN | TMA_FC_REGION_WGT << 8 | TMA_FC_REGION_CHAN << 16 |
		     TMA_FC_REGION_OUT << 24;
	c->chans = fc->k | fc->n << 16;
	c->out_hw = fc->m << 16;
	c->quant = (uint8_t)fc->in_zp | (uint32_t)(uint8_t)fc->out_zp << 8 |
		   (uint32_t)0x80 << 16 | (uint32_t)0x7f << 24;
	c->in_pix_stride = fc->k;
	c->out_pix_stride = fc->n;
}

int tma_fc_setup(int fd, struct tma_fc *fc, uint32_t m, uint32_t k, uint32_t n)
{
	memset(fc, 0, sizeof(*fc));
	for (int i = 0; i < 5; i++) {
		int ret = bo_new(fd, &fc->h[i], &fc->map[i]);

		if (ret)
			return ret;
	}
	fc->m = m;
	fc->k = k;
	fc->n = n;
	fc->in = fc->map[TMA_FC_REGION_IN];
	fc->wgt = fc->map[TMA_FC_REGION_WGT];
	fc->chan = fc->map[TMA_FC_REGION_CHAN];
	fc->out = fc->map[TMA_FC_REGION_OUT];
	fc->cmds = fc->map[TMA_FC_BO_CMD];
	fc->in_zp = 3;
	fc->out_zp = -5;
	fc_command(fc, &fc->cmds[0]);
	tma_cmd_end(&fc->cmds[1]);
	return 0;
}

void tma_fc_free(int fd, struct tma_fc *fc)
{
	for (int i = 0; i < 5; i++) {
		struct drm_gem_close gc = { .handle = fc->h[i] };

		munmap(fc->map[i], TMA_BO_SIZE);
		ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
	}
}

void tma_cmd_end(struct tma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = TMA_OP_END;
}

void tma_fc_fill(struct tma_fc *fc, unsigned int seed)
{
	srand(seed);
	for (uint32_t i = 0; i < fc->m * fc->k; i++)
		fc->in[i] = (int8_t)(rand() % 16 - 8);
	for (uint32_t i = 0; i < fc->n * fc->k; i++)
		fc->wgt[i] = (int8_t)(rand() % 9 - 4);
	for (uint32_t c = 0; c < fc->n; c++) {
		fc->chan[c].bias = (uint32_t)(rand() % 101 - 50);
		fc->chan[c].mult = (1u << 30) + c * 12345u;
		fc->chan[c].shift = (uint32_t)(c % 2 ? 0 : -1);
		fc->chan[c].reserved = 0;
	}
}

static int32_t mbqm(int32_t acc, int32_t mult, int32_t shift)
{
	int left = shift > 0 ? shift : 0, right = shift < 0 ? -shift : 0;
	int32_t x = (int32_t)((uint32_t)acc << left);
	int64_t v = ((int64_t)x * mult + (1ll << 30)) >> 31;

	if (!right)
		return (int32_t)v;
	return (int32_t)(v >= 0 ? (v + (1ll << (right - 1))) >> right :
			 -((-v + (1ll << (right - 1))) >> right));
}

void tma_fc_reference(const struct tma_fc *fc, int8_t *want)
{
	for (uint32_t m = 0; m < fc->m; m++)
		for (uint32_t n = 0; n < fc->n; n++) {
			int32_t acc = (int32_t)fc->chan[n].bias, v;

			for (uint32_t k = 0; k < fc->k; k++)
				acc += (fc->in[m * fc->k + k] - fc->in_zp) * fc->wgt[n * fc->k + k];
			v = mbqm(acc, (int32_t)fc->chan[n].mult, (int32_t)fc->chan[n].shift) +
			    fc->out_zp;
			want[m * fc->n + n] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
		}
}

void tma_fc_submit_args(struct tma_fc *fc, uint32_t ncmds, struct drm_tma_submit *s)
{
	memset(s, 0, sizeof(*s));
	s->cmd_handle = fc->h[TMA_FC_BO_CMD];
	s->cmd_size = ncmds * TMA_CMD_SIZE;
	s->region_count = 4;
	s->regions = (uintptr_t)fc->h;
}

int tma_fc_submit(int fd, struct tma_fc *fc, uint32_t ncmds, struct drm_tma_submit *out)
{
	struct drm_tma_submit s;
	int ret;

	tma_fc_submit_args(fc, ncmds, &s);
	ret = ioctl(fd, DRM_IOCTL_TMA_SUBMIT, &s);
	if (!ret)
		fc->last_job = s.job_id;
	if (out)
		*out = s;
	return ret;
}

int tma_fc_submit_sync(int fd, struct tma_fc *fc, uint32_t ncmds, const uint32_t *in_so,
		       uint32_t out_so)
{
	struct drm_tma_submit s;

	tma_fc_submit_args(fc, ncmds, &s);
	s.in_syncobjs = (uintptr_t)in_so;
	s.in_syncobj_count = in_so ? 1 : 0;
	s.out_syncobj = out_so;
	if (ioctl(fd, DRM_IOCTL_TMA_SUBMIT, &s))
		return -errno;
	fc->last_job = s.job_id;
	return 0;
}

static int64_t deadline_ns(unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec + ms * 1000000ll;
}

int tma_job_status(int fd, uint64_t id, struct drm_tma_job_status *st)
{
	memset(st, 0, sizeof(*st));
	st->job_id = id;
	return ioctl(fd, DRM_IOCTL_TMA_JOB_STATUS, st) ? -errno : 0;
}

/* Wait for the output BO to go idle, then read the last job's status. */
int tma_wait_job(int fd, struct tma_fc *fc, struct drm_tma_job_status *st)
{
	struct drm_tma_bo_wait w = { .handle = fc->h[TMA_FC_REGION_OUT],
				     .timeout_ns = deadline_ns(10000) };
	int ret;

	if (ioctl(fd, DRM_IOCTL_TMA_BO_WAIT, &w))
		return -errno;
	ret = tma_job_status(fd, fc->last_job, st);
	if (!ret && st->state != DRM_TMA_JOB_DONE)
		return -EBUSY;
	return ret;
}

int tma_syncobj_create(int fd, uint32_t *h)
{
	struct drm_syncobj_create c = { 0 };

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c))
		return -errno;
	*h = c.handle;
	return 0;
}

int tma_syncobj_wait(int fd, uint32_t h, unsigned int ms)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h,
		.timeout_nsec = deadline_ns(ms),
		.count_handles = 1,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ? -errno : 0;
}

/*
 * The state of syncobj @h's fence, read through a sync_file: 1 signaled,
 * 0 pending, a negative errno when the job failed. 2 if it cannot be read.
 */
int tma_syncobj_status(int fd, uint32_t h)
{
	struct drm_syncobj_handle sh = {
		.handle = h,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct sync_file_info info = { 0 };
	int ret;

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh))
		return 2;
	ret = ioctl(sh.fd, SYNC_IOC_FILE_INFO, &info) ? 2 : info.status;
	close(sh.fd);
	return ret;
}

/*
 * Ask tmsim to misbehave (the page the driver never uses): the tmsim whose
 * ID register reads TMA1, the guest has another one that reports a wrong
 * ID. tmsim takes the request at the next doorbell or within 100 ms;
 * with @wait, return once it has (up to 2 s).
 */
static int fault_request(const struct tma_cosim_fault *req, int wait)
{
	glob_t g;
	int ret = -ENODEV;

	if (glob("/sys/bus/pci/devices/*/resource2", 0, NULL, &g))
		return -ENODEV;
	for (size_t i = 0; i < g.gl_pathc && ret == -ENODEV; i++) {
		int fd = open(g.gl_pathv[i], O_RDWR | O_SYNC);
		uint8_t *shm;
		volatile struct tma_cosim_fault *f;
		volatile struct tma_cosim_mbox *mb;

		if (fd < 0)
			continue;
		shm = mmap(NULL, TMA_COSIM_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (shm == MAP_FAILED)
			continue;
		mb = (void *)(shm + TMA_COSIM_MBOX);
		f = (void *)(shm + TMA_COSIM_FAULT);
		if (mb->magic == TMA_COSIM_MBOX_MAGIC &&
		    *(volatile uint32_t *)(shm + TMA_COSIM_CSR + TMA_REG_ID) == TMA_ID_MAGIC) {
			uint32_t seq = f->ack + 1;

			f->hang = req->hang;
			f->bus_error_region = req->bus_error_region;
			f->bad_status = req->bad_status;
			f->mbox_stall = req->mbox_stall;
			f->seq = seq;
			__sync_synchronize();
			f->magic = TMA_COSIM_FAULT_MAGIC;
			ret = 0;
			for (int t = 0; wait && f->ack != seq && t < 200; t++)
				usleep(10 * 1000);
			if (wait && f->ack != seq)
				ret = -ETIMEDOUT;
		}
		munmap(shm, TMA_COSIM_SHM_SIZE);
	}
	globfree(&g);
	return ret;
}

int tma_inject(uint32_t hang, uint32_t bus_error_region)
{
	struct tma_cosim_fault req = { .hang = hang, .bus_error_region = bus_error_region };

	return fault_request(&req, 0);
}

int tma_mbox_stall(uint32_t stall)
{
	struct tma_cosim_fault req = { .mbox_stall = stall };

	return fault_request(&req, 1);
}

/*
 * A fence userspace controls, in a syncobj of @fd: vgem attaches an unsignaled
 * fence to one of its BOs; the BO's dma-buf hands it out as a sync_file,
 * which the syncobj imports. tma_vgem_signal() signals it.
 */
int tma_vgem_fence(int fd, uint32_t syncobj, struct tma_vgem *v)
{
	struct drm_mode_create_dumb cd = { .width = 16, .height = 1, .bpp = 32 };
	struct drm_vgem_fence_attach fa = { .flags = VGEM_FENCE_WRITE };
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct dma_buf_export_sync_file es = { .flags = DMA_BUF_SYNC_RW };
	struct drm_syncobj_handle sh = {
		.handle = syncobj,
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
	};
	int ret = -errno;

	v->fd = open_node("card", 0, "vgem");
	if (v->fd < 0)
		return -ENODEV;
	if (ioctl(v->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return -errno;
	fa.handle = ph.handle = cd.handle;
	if (ioctl(v->fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &fa) ||
	    ioctl(v->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph))
		return -errno;
	v->fence = fa.out_fence;
	ret = ioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &es) ? -errno : 0;
	close(ph.fd);
	if (ret)
		return ret;
	sh.fd = es.fd;
	ret = ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &sh) ? -errno : 0;
	close(es.fd);
	return ret;
}

int tma_vgem_signal(struct tma_vgem *v)
{
	struct drm_vgem_fence_signal fs = { .fence = v->fence };
	int ret = ioctl(v->fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &fs) ? -errno : 0;

	close(v->fd);
	return ret;
}

/* "in_flight: N" of the driver's debugfs ring file, or -1. */
int tma_debugfs_in_flight(void)
{
	glob_t g;
	int n = -1;

	if (glob("/sys/kernel/debug/dri/*/ring", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc && n < 0; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[128];

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "in_flight: %d", &n) == 1)
				break;
		if (f)
			fclose(f);
	}
	globfree(&g);
	return n;
}

/* One process of the concurrency test: its own file, layer and results. */
int tma_worker(unsigned int seed, unsigned int njobs)
{
	struct drm_tma_job_status st = { 0 };
	struct tma_fc fc;
	int8_t want[256];
	int fd = tma_open();

	if (fd < 0 || tma_fc_setup(fd, &fc, 4, 12, 6))
		return 1;
	for (unsigned int j = 0; j < njobs; j++) {
		tma_fc_fill(&fc, seed * 1000 + j);
		tma_fc_reference(&fc, want);
		memset(fc.out, 0, 4 * 6);
		if (tma_fc_submit(fd, &fc, 2, NULL) || tma_wait_job(fd, &fc, &st) ||
		    st.status != TMA_OK || memcmp(want, fc.out, 4 * 6)) {
			fprintf(stderr, "worker %u: job %u failed (status %u)\n", seed, j, st.status);
			return 1;
		}
	}
	close(fd);
	return 0;
}

void tma_spoil_opcode(struct tma_cmd *c)
{
	c->op = 0x55;
}

void tma_spoil_flags(struct tma_cmd *c)
{
	c->op |= 0x80u << TMA_CMD_OP_FLAGS_SHIFT;
}

void tma_spoil_dims(struct tma_cmd *c)
{
	c->chans &= 0xffff0000u;
}

void tma_spoil_fc_field(struct tma_cmd *c)
{
	c->kernel = 1;
}

void tma_spoil_region(struct tma_cmd *c)
{
	c->regions = (c->regions & 0x00ffffffu) | 7u << 24;
}

void tma_spoil_align(struct tma_cmd *c)
{
	c->in_offset = 2;
}

void tma_spoil_bounds(struct tma_cmd *c)
{
	c->out_offset = TMA_BO_SIZE - 4;
}

void tma_spoil_overflow(struct tma_cmd *c)
{
	c->in_pix_stride = 0xffffffffu;
	c->in_offset = 0xfffffffcu;
}

void tma_spoil_no_end(struct tma_cmd *c)
{
	c[1].op = TMA_OP_NOP;
}
