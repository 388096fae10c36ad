// SPDX-License-Identifier: MIT
/*
 * backend_drm.c - the TMA through its kernel driver, tmaccel.ko
 * (uapi/drm/tma_drm.h), on the driver's render node.
 *
 * Buffers are the driver's BOs (physically contiguous, zeroed, at most
 * DRM_TMA_PARAM_MAX_BO_SIZE bytes) mapped into this process, so the CPU
 * ops of the runtime work on the same memory the device reads and writes:
 * no copies. A buffer larger than a BO can be (an arena or weights beyond
 * 4 MiB) is plain host memory the device cannot reach: the model still
 * loads, and every job naming it fails at submit and is re-run on the CPU. A job is one SUBMIT naming the job's buffers as regions 0..n-1
 * (the driver appends its private stream and completion region) with one
 * out-syncobj; waiting is a syncobj wait, and how the job ended is read back
 * with JOB_STATUS. Whatever the driver or device makes of a job (a stream
 * the driver refuses, a device error, a reset after a hang, a device that
 * went away) comes back as a failed job, which the runtime re-runs on the
 * CPU: only the backend's own misuse is an error of submit/wait.
 *
 * libdrm is dlopen()ed (libdrm.so.2) when a render node exists, like
 * libtmsim for the sim backend: libtm itself needs nothing beyond libc, and
 * "auto" on a board without DRM touches neither libdrm nor a device.
 *
 * The node: $TM_DRM_NODE if set, else the first /dev/dri/renderD* whose
 * driver is "tmaccel". $TM_DRM_MAX_BO (bytes) lowers the BO limit, so tests
 * reach the host-memory path with small models.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>
#include "backend.h"
#include "drm/tma_drm.h"
#include "lower_tma.h"
#include "tma_regs.h"

#define DRM_LIBNAME      "libdrm.so.2"
#define DRM_DRIVER_NAME  "tmaccel"
#define DRM_RENDER_FIRST 128
#define DRM_RENDER_LAST  191
#define TMA_DEVICE_ID    0x544D4131u /* 'TMA1' */

/* The libdrm entry points this backend uses, resolved by dlsym(). */
struct drmlib {
	void *dl;
	__typeof__(drmGetVersion) *get_version;
	__typeof__(drmFreeVersion) *free_version;
	__typeof__(drmIoctl) *ioctl;
	__typeof__(drmSyncobjCreate) *syncobj_create;
	__typeof__(drmSyncobjDestroy) *syncobj_destroy;
	__typeof__(drmSyncobjWait) *syncobj_wait;
};

struct tm_buf {
	struct tm_buf *next, *prev;
	void *map;
	size_t size;      /* mapped bytes: the BO's whole pages */
	uint32_t handle;  /* 0: host memory, too large for a BO */
};

struct drm_backend {
	struct tm_backend base;
	struct drmlib lib;
	int fd;
	uint32_t syncobj;                /* the out-syncobj of every job */
	struct tm_backend_caps caps;
	uint64_t max_bo;
	uint32_t max_user_regions;
	struct tm_buf bufs;              /* list head of live buffers */
	uint64_t queued;                 /* fence of the job not yet waited for, 0 if none */
	uint64_t next_fence;
	uint64_t job_id;                 /* the driver's id of the queued job; 0: refused */
	struct tm_job_status refused;    /* why SUBMIT did not queue it */
	char node[32];
};

static struct drm_backend *to_drm(struct tm_backend *be)
{
	return (struct drm_backend *)be;
}

/* ---- libdrm and the render node ------------------------------------------ */

#define DRM_SYM(lib, field, sym) ((lib)->field = (__typeof__((lib)->field))dlsym((lib)->dl, sym))

static int load_libdrm(struct drmlib *l, char *err, size_t errlen)
{
	if (l->dl)
		return 0;
	l->dl = dlopen(DRM_LIBNAME, RTLD_NOW | RTLD_LOCAL);
	if (!l->dl) {
		tm_set_error(err, errlen, "device 'drm' not available: cannot load %s: %s",
			     DRM_LIBNAME, dlerror());
		return -ENODEV;
	}
	if (!DRM_SYM(l, get_version, "drmGetVersion") ||
	    !DRM_SYM(l, free_version, "drmFreeVersion") || !DRM_SYM(l, ioctl, "drmIoctl") ||
	    !DRM_SYM(l, syncobj_create, "drmSyncobjCreate") ||
	    !DRM_SYM(l, syncobj_destroy, "drmSyncobjDestroy") ||
	    !DRM_SYM(l, syncobj_wait, "drmSyncobjWait")) {
		tm_set_error(err, errlen, "device 'drm': %s lacks syncobj support: %s", DRM_LIBNAME,
			     dlerror());
		return -ENODEV;
	}
	return 0;
}

/* 1 if @fd is a tmaccel node, 0 if another driver's, negative errno on failure. */
static int is_tmaccel(struct drmlib *l, int fd)
{
	drmVersionPtr v = l->get_version(fd);
	int match;

	if (!v)
		return errno ? -errno : -EIO;
	match = v->name && !strcmp(v->name, DRM_DRIVER_NAME);
	l->free_version(v);
	return match;
}

/*
 * Open @path if it is a tmaccel node: fd, -ENXIO if it belongs to another
 * driver, or the negative errno of open(), of loading libdrm (with @err).
 */
static int open_node(struct drm_backend *d, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = load_libdrm(&d->lib, err, errlen);
	if (!ret)
		ret = is_tmaccel(&d->lib, fd);
	if (ret <= 0) {
		close(fd);
		return ret ? ret : -ENXIO;
	}
	return fd;
}

/* The node named by $TM_DRM_NODE, else the first tmaccel render node. */
static int find_node(struct drm_backend *d, char *err, size_t errlen)
{
	const char *env = getenv("TM_DRM_NODE");
	int first_err = 0;

	if (env && *env) {
		int fd = open_node(d, env, err, errlen);

		snprintf(d->node, sizeof(d->node), "%s", env);
		if (fd == -ENXIO)
			tm_set_error(err, errlen, "device 'drm': %s (TM_DRM_NODE) is not a %s node",
				     env, DRM_DRIVER_NAME);
		else if (fd < 0 && fd != -ENODEV)
			tm_set_error(err, errlen, "device 'drm': cannot use %s (TM_DRM_NODE): %s",
				     env, strerror(-fd));
		return fd < 0 ? -ENODEV : fd;
	}
	for (int i = DRM_RENDER_FIRST; i <= DRM_RENDER_LAST; i++) {
		int fd;

		snprintf(d->node, sizeof(d->node), "/dev/dri/renderD%d", i);
		fd = open_node(d, d->node, err, errlen);
		if (fd >= 0 || fd == -ENODEV)
			return fd;
		/* A node we may not open might be ours: say so if nothing else is found. */
		if (fd != -ENOENT && fd != -ENXIO && !first_err) {
			first_err = fd;
			tm_set_error(err, errlen, "device 'drm' not available: cannot open %s: %s",
				     d->node, strerror(-fd));
		}
	}
	if (!first_err)
		tm_set_error(err, errlen, "device 'drm' not available: no %s render node in "
			     "/dev/dri (is tmaccel.ko loaded?)", DRM_DRIVER_NAME);
	return -ENODEV;
}

static int get_param(struct drm_backend *d, uint32_t param, uint64_t *value)
{
	struct drm_tma_get_param p = { .param = param };

	if (d->lib.ioctl(d->fd, DRM_IOCTL_TMA_GET_PARAM, &p))
		return -errno;
	*value = p.value;
	return 0;
}

static void lower_max_bo(struct drm_backend *d)
{
	const char *env = getenv("TM_DRM_MAX_BO");
	unsigned long long v = env ? strtoull(env, NULL, 0) : 0;

	if (v && v < d->max_bo)
		d->max_bo = v;
}

/* The device's identity and capabilities, as the driver reports them. */
static int query_device(struct drm_backend *d, char *err, size_t errlen)
{
	uint64_t id = 0, caps = 0, array = 0, sram = 0, regions = 0;
	int ret = get_param(d, DRM_TMA_PARAM_DEVICE_ID, &id);

	if (!ret)
		ret = get_param(d, DRM_TMA_PARAM_CAPS, &caps);
	if (!ret)
		ret = get_param(d, DRM_TMA_PARAM_ARRAY, &array);
	if (!ret)
		ret = get_param(d, DRM_TMA_PARAM_SRAM, &sram);
	if (!ret)
		ret = get_param(d, DRM_TMA_PARAM_MAX_BO_SIZE, &d->max_bo);
	if (!ret)
		ret = get_param(d, DRM_TMA_PARAM_MAX_REGIONS, &regions);
	if (ret) {
		tm_set_error(err, errlen, "device 'drm': GET_PARAM on %s failed: %s", d->node,
			     strerror(-ret));
		return -ENODEV;
	}
	if (id != TMA_DEVICE_ID || !d->max_bo || !regions) {
		tm_set_error(err, errlen, "device 'drm': %s reports device id 0x%llx, %llu-byte "
			     "BOs, %llu regions: not a usable TMA", d->node, (unsigned long long)id,
			     (unsigned long long)d->max_bo, (unsigned long long)regions);
		return -ENODEV;
	}
	lower_max_bo(d);
	tm_tma_caps((uint32_t)caps, (uint32_t)array, (uint32_t)sram, &d->caps);
	d->max_user_regions = regions < DRM_TMA_MAX_USER_REGIONS ? (uint32_t)regions :
				  DRM_TMA_MAX_USER_REGIONS;
	return 0;
}

/* ---- buffers: BOs mapped into this process -------------------------------- */

static void gem_close(struct drm_backend *d, uint32_t handle)
{
	struct drm_gem_close gc = { .handle = handle };

	d->lib.ioctl(d->fd, DRM_IOCTL_GEM_CLOSE, &gc);
}

static void buf_link(struct drm_backend *d, struct tm_buf *buf)
{
	buf->next = d->bufs.next;
	buf->prev = &d->bufs;
	d->bufs.next->prev = buf;
	d->bufs.next = buf;
}

static void drm_buf_free(struct tm_backend *be, struct tm_buf *buf)
{
	struct drm_backend *d = to_drm(be);

	if (!buf)
		return;
	if (buf->handle) {
		munmap(buf->map, buf->size);
		gem_close(d, buf->handle);
	} else {
		free(buf->map);
	}
	buf->prev->next = buf->next;
	buf->next->prev = buf->prev;
	free(buf);
}

static int bo_map(struct drm_backend *d, struct tm_buf *buf)
{
	struct drm_tma_bo_mmap_offset mo = { .handle = buf->handle };

	if (d->lib.ioctl(d->fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo))
		return -errno;
	buf->map = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
			(off_t)mo.offset);
	return buf->map == MAP_FAILED ? -errno : 0;
}

/* A buffer beyond the BO limit: host memory, for the CPU only. */
static int host_alloc(struct tm_buf *buf, size_t size)
{
	if (size > SIZE_MAX - 63)
		return -ENOMEM;
	buf->size = (size + 63) & ~(size_t)63;
	buf->map = aligned_alloc(64, buf->size);
	return buf->map ? 0 : -ENOMEM;
}

static int bo_alloc(struct drm_backend *d, struct tm_buf *buf, size_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct drm_tma_bo_create c = { .size = size ? size : 1 };
	int ret;

	if (d->lib.ioctl(d->fd, DRM_IOCTL_TMA_BO_CREATE, &c))
		return -errno;
	buf->handle = c.handle;
	buf->size = (size_t)((c.size + page - 1) / page * page); /* the driver's rounding */
	ret = bo_map(d, buf);
	if (ret)
		gem_close(d, buf->handle);
	return ret;
}

static int drm_buf_alloc(struct tm_backend *be, size_t size, struct tm_buf **out)
{
	struct drm_backend *d = to_drm(be);
	struct tm_buf *buf = calloc(1, sizeof(*buf));
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = size > d->max_bo ? host_alloc(buf, size) : bo_alloc(d, buf, size);
	if (ret) {
		free(buf);
		return ret;
	}
	buf_link(d, buf);
	*out = buf;
	return 0;
}

static void *drm_buf_map(struct tm_backend *be, struct tm_buf *buf)
{
	(void)be;
	return buf->map;
}

/* ---- open / close / caps ------------------------------------------------- */

static void drm_close(struct tm_backend *be)
{
	struct drm_backend *d = to_drm(be);

	if (d->fd >= 0) {
		while (d->bufs.next != &d->bufs)
			drm_buf_free(be, d->bufs.next);
		if (d->syncobj)
			d->lib.syncobj_destroy(d->fd, d->syncobj);
		close(d->fd);
	}
	if (d->lib.dl)
		dlclose(d->lib.dl);
	free(d);
}

static int drm_open(struct tm_backend **out, const char *arg, char *err, size_t errlen)
{
	struct drm_backend *d = calloc(1, sizeof(*d));
	int ret;

	if (!d) {
		tm_set_error(err, errlen, "device 'drm': out of memory");
		return -ENOMEM;
	}
	d->base.ops = &tm_backend_drm_ops;
	d->bufs.next = d->bufs.prev = &d->bufs;
	d->fd = -1;
	if (arg && *arg) {
		tm_set_error(err, errlen, "device 'drm' takes no argument (got '%s'; "
			     "TM_DRM_NODE picks the node)", arg);
		free(d);
		return -EINVAL;
	}
	d->fd = ret = find_node(d, err, errlen);
	if (ret >= 0)
		ret = query_device(d, err, errlen);
	if (!ret && d->lib.syncobj_create(d->fd, 0, &d->syncobj)) {
		tm_set_error(err, errlen, "device 'drm': cannot create a syncobj on %s: %s",
			     d->node, strerror(errno));
		ret = -ENODEV;
	}
	if (ret < 0) {
		drm_close(&d->base);
		return ret;
	}
	*out = &d->base;
	return 0;
}

static void drm_caps(const struct tm_backend *be, struct tm_backend_caps *caps)
{
	*caps = ((const struct drm_backend *)be)->caps;
}

static int drm_op_supported(const struct tm_backend *be, const struct tm_op_ctx *ctx, char *why,
			    size_t whylen)
{
	return tm_lower_op_check(&((const struct drm_backend *)be)->caps, ctx, why, whylen);
}

/* ---- jobs ---------------------------------------------------------------- */

static const char *reject_name(uint32_t reason)
{
	static const char *const names[] = {
		[DRM_TMA_REJECT_NONE] = "not the stream",
		[DRM_TMA_REJECT_STREAM] = "stream offset or size",
		[DRM_TMA_REJECT_OPCODE] = "opcode",
		[DRM_TMA_REJECT_FLAGS] = "flags",
		[DRM_TMA_REJECT_DIMS] = "dimensions",
		[DRM_TMA_REJECT_REGION] = "region index",
		[DRM_TMA_REJECT_ALIGN] = "operand alignment",
		[DRM_TMA_REJECT_BOUNDS] = "operand outside its buffer",
		[DRM_TMA_REJECT_NO_END] = "no END command",
	};
	return reason < TM_ARRAY_SIZE(names) && names[reason] ? names[reason] : "unknown reason";
}

/* The driver did not queue the job: a failed job for wait() to report. */
static void submit_refused(struct drm_backend *d, const struct drm_tma_submit *s, int error)
{
	struct tm_job_status *st = &d->refused;

	memset(st, 0, sizeof(*st));
	st->error = error;
	if (error == -EINVAL && s->error_reason != DRM_TMA_REJECT_NONE) {
		st->failed_op = s->error_cmd;
		snprintf(st->msg, sizeof(st->msg), "device drm: %s refused the command stream at "
			 "command %u: %s", d->node, s->error_cmd, reject_name(s->error_reason));
	} else {
		snprintf(st->msg, sizeof(st->msg), "device drm: SUBMIT on %s failed: %s", d->node,
			 strerror(-error));
	}
}

static int job_valid(const struct drm_backend *d, const struct tm_job *job)
{
	if (!job->cmd || !job->cmd_bytes || job->cmd_bytes % TMA_CMD_SIZE ||
	    job->cmd_offset % TMA_CMD_STREAM_ALIGN || job->cmd_offset > UINT32_MAX ||
	    job->cmd_bytes > UINT32_MAX || !job->n_regions ||
	    job->n_regions > d->max_user_regions)
		return 0;
	/* A region is a whole BO: the driver has no windows into one. */
	for (unsigned i = 0; i < job->n_regions; i++)
		if (!job->regions[i].buf || job->regions[i].offset)
			return 0;
	return 1;
}

/* A buffer of the job that is host memory (too large for a BO), or NULL. */
static const struct tm_buf *host_buf(const struct tm_job *job)
{
	if (!job->cmd->handle)
		return job->cmd;
	for (unsigned i = 0; i < job->n_regions; i++)
		if (!job->regions[i].buf->handle)
			return job->regions[i].buf;
	return NULL;
}

/* The job cannot reach one of its buffers: a failed job, never queued. */
static void job_unreachable(struct drm_backend *d, const struct tm_buf *buf)
{
	struct tm_job_status *st = &d->refused;

	memset(st, 0, sizeof(*st));
	st->error = -E2BIG;
	snprintf(st->msg, sizeof(st->msg), "device drm: a %zu-byte buffer of the job exceeds "
		 "the driver's %llu-byte BO limit", buf->size,
		 (unsigned long long)d->max_bo);
}

static int drm_submit(struct tm_backend *be, struct tm_job *job, uint64_t *fence)
{
	struct drm_backend *d = to_drm(be);
	uint32_t handles[DRM_TMA_MAX_USER_REGIONS];
	struct drm_tma_submit s = { 0 };

	if (!job_valid(d, job))
		return -EINVAL; /* the device runs command streams over whole BOs */
	if (d->queued)
		return -EBUSY;  /* one job at a time: the runtime waits for each */
	d->job_id = 0;
	d->queued = ++d->next_fence;
	*fence = d->queued;
	if (host_buf(job)) {
		job_unreachable(d, host_buf(job));
		return 0;
	}
	for (unsigned i = 0; i < job->n_regions; i++)
		handles[i] = job->regions[i].buf->handle;
	s.cmd_handle = job->cmd->handle;
	s.cmd_offset = (uint32_t)job->cmd_offset;
	s.cmd_size = (uint32_t)job->cmd_bytes;
	s.region_count = job->n_regions;
	s.regions = (uint64_t)(uintptr_t)handles;
	s.out_syncobj = d->syncobj;
	if (d->lib.ioctl(d->fd, DRM_IOCTL_TMA_SUBMIT, &s))
		submit_refused(d, &s, -errno);
	else
		d->job_id = s.job_id;
	return 0;
}

/* A status the driver set for a job the device did not finish. */
static void driver_status(const struct drm_tma_job_status *js,
			  struct tm_job_status *st)
{
	const char *what = "ended with an unknown status";

	st->error = -EIO;
	if (js->status == DRM_TMA_STATUS_TIMEOUT) {
		st->error = -ETIMEDOUT;
		what = "made no progress: the driver reset the device";
	} else if (js->status == DRM_TMA_STATUS_CANCELED) {
		st->error = -ECANCELED;
		what = "was canceled by a device reset or removal";
	} else if (js->status == DRM_TMA_STATUS_BAD_DONE) {
		what = "ended without its completion record";
	}
	snprintf(st->msg, sizeof(st->msg), "device drm: job %llu %s (status 0x%x)",
		 (unsigned long long)js->job_id, what, js->status);
}

/* How the queued job ended, from JOB_STATUS. */
static void read_status(struct drm_backend *d, struct tm_job_status *st)
{
	struct drm_tma_job_status js = { .job_id = d->job_id };

	if (d->lib.ioctl(d->fd, DRM_IOCTL_TMA_JOB_STATUS, &js)) {
		st->error = -errno;
		snprintf(st->msg, sizeof(st->msg), "device drm: JOB_STATUS of job %llu failed: %s",
			 (unsigned long long)d->job_id, strerror(errno));
		return;
	}
	if (js.state != DRM_TMA_JOB_DONE) {
		st->error = -EIO;
		snprintf(st->msg, sizeof(st->msg), "device drm: job %llu signalled but not done",
			 (unsigned long long)d->job_id);
		return;
	}
	st->cycles = js.cycles;
	if (js.status > 0xff)
		driver_status(&js, st);
	else if (js.status != TMA_OK)
		tm_tma_job_failed(st, "drm", js.job_id, js.status, js.err_info, js.err_addr);
}

static int64_t deadline(uint64_t timeout_ns)
{
	struct timespec ts;
	uint64_t now;

	if (!timeout_ns)
		return INT64_MAX; /* the driver's own timeout bounds a hung job */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return timeout_ns > (uint64_t)INT64_MAX - now ? INT64_MAX : (int64_t)(now + timeout_ns);
}

static int drm_wait(struct tm_backend *be, uint64_t fence, uint64_t timeout_ns,
		    struct tm_job_status *st)
{
	struct drm_backend *d = to_drm(be);

	if (!d->queued || fence != d->queued)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	if (!d->job_id) {
		*st = d->refused;
		d->queued = 0;
		return 0;
	}
	if (d->lib.syncobj_wait(d->fd, &d->syncobj, 1, deadline(timeout_ns),
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL)) {
		if (errno == ETIME && timeout_ns)
			return -ETIMEDOUT; /* still queued: wait again */
		st->error = -errno;
		snprintf(st->msg, sizeof(st->msg), "device drm: waiting for job %llu failed: %s",
			 (unsigned long long)d->job_id, strerror(errno));
		d->queued = 0;
		return 0;
	}
	d->queued = 0;
	read_status(d, st);
	return 0;
}

const struct tm_backend_ops tm_backend_drm_ops = {
	.name = "drm",
	.open = drm_open,
	.close = drm_close,
	.caps = drm_caps,
	.op_supported = drm_op_supported,
	.buf_alloc = drm_buf_alloc,
	.buf_map = drm_buf_map,
	.buf_free = drm_buf_free,
	.submit = drm_submit,
	.wait = drm_wait,
};
