// SPDX-License-Identifier: MIT
/*
 * backend_sim.c - the simulated TMA as a backend: libtmsim in-process.
 *
 * libtmsim (hw/sim, C plus the Verilated RTL's C++) is dlopen()ed when the
 * backend is opened, so libtm itself links neither. The backend plays the
 * driver's part exactly as the drm backend's kernel driver will: it owns a
 * job ring in "device memory", writes one descriptor per job (the job's
 * regions, then the command stream and completion record regions of its
 * own), bumps RING_TAIL, runs the simulator until the interrupt and reads
 * the completion record. Device memory is host memory allocated here and
 * handed to libtmsim at bus addresses of this backend's choosing.
 *
 * Finding things (first hit wins):
 *   libtmsim.so  $TM_SIMLIB; next to the object holding libtm's code
 *                (libtm.so, or the program linking libtm.a) as
 *                ../lib/libtmsim.so or ./libtmsim.so; the loader's path.
 *   device tree  $TM_SIM_DTB; <dir of libtmsim.so>/../dts/tma-sim.dtb
 *                (build/dts/ holds the compiled dts/examples/).
 *   engine       "sim:<engine>", else $TM_SIM_ENGINE, else libtmsim's
 *                default ("rtl" when built, else "model").
 * Fault injection for tests: $TM_SIM_FAULT = dma | hang | status makes the
 * first job this backend runs fail that way (once).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "lower_tma.h"
#include "tmsim.h"
#include "tma_regs.h"

#define SIM_RING_SLOTS   16
#define SIM_BUS_BASE     0x100000000ull /* above 4 GiB: catches 32-bit truncation */
#define SIM_BUS_GAP      0x10000ull     /* unbacked guard between buffers */
#define SIM_BUDGET_BASE  (1ull << 22)   /* cycles a job may take beyond its work */
#define SIM_RUN_CHUNK    (1ull << 20)
#define SIM_DTB_MAX      (1u << 20)
/*
 * The clock the simulated board is taken to run at (the device tree has no
 * clock property): what the partitioner's cost model and docs/perf.md use.
 */
#define SIM_CLOCK_MHZ    200

/* The libtmsim entry points this backend uses, resolved by dlsym(). */
struct simlib {
	void *dl;
	__typeof__(tmsim_create_dtb) *create_dtb;
	__typeof__(tmsim_destroy) *destroy;
	__typeof__(tmsim_engine_name) *engine_name;
	__typeof__(tmsim_get_params) *get_params;
	__typeof__(tmsim_mem_add) *mem_add;
	__typeof__(tmsim_mem_remove) *mem_remove;
	__typeof__(tmsim_csr_read) *csr_read;
	__typeof__(tmsim_csr_write) *csr_write;
	__typeof__(tmsim_run) *run;
	__typeof__(tmsim_set_faults) *set_faults;
};

struct tm_buf {
	struct tm_buf *next, *prev;
	void *host;
	size_t size;
	uint64_t bus;
};

enum sim_fault { SIM_FAULT_NONE, SIM_FAULT_DMA, SIM_FAULT_HANG, SIM_FAULT_STATUS };

struct sim_backend {
	struct tm_backend base;
	struct simlib lib;
	struct tmsim *sim;
	struct tmsim_params params;
	struct tm_buf bufs;              /* list head of live buffers */
	uint64_t next_bus;
	struct tm_buf *ring;             /* descriptors, then completion records */
	uint32_t tail;
	uint32_t seqno;
	uint64_t budget;                 /* cycle budget of the queued job */
	int queued;                      /* a job is in the ring and not waited for */
	enum sim_fault fault;
	char libpath[PATH_MAX];
};

static struct sim_backend *to_sim(struct tm_backend *be)
{
	return (struct sim_backend *)be;
}

/* ---- finding and loading libtmsim and the device tree ------------------- */

static void *try_dlopen(const char *dir, const char *rel, char *path, size_t len)
{
	void *dl;

	if ((size_t)snprintf(path, len, "%s%s", dir, rel) >= len)
		return NULL;
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	return dl;
}

static void *open_simlib(char *path, size_t len)
{
	const char *env = getenv("TM_SIMLIB");
	char dir[PATH_MAX];
	Dl_info info;
	char *slash;
	void *dl;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return dlopen(env, RTLD_NOW | RTLD_LOCAL);
	}
	/* The object libtm's code lives in: libtm.so, or a program with libtm.a. */
	if (dladdr((void *)open_simlib, &info) && info.dli_fname &&
	    snprintf(dir, sizeof(dir), "%s", info.dli_fname) < (int)sizeof(dir) &&
	    (slash = strrchr(dir, '/'))) {
		slash[1] = '\0';
		dl = try_dlopen(dir, "../lib/libtmsim.so", path, len);
		if (!dl)
			dl = try_dlopen(dir, "libtmsim.so", path, len);
		if (dl)
			return dl;
	}
	snprintf(path, len, "libtmsim.so");
	return dlopen("libtmsim.so", RTLD_NOW | RTLD_LOCAL);
}

#define SIM_SYM(lib, field, sym) ((lib)->field = (__typeof__((lib)->field))dlsym((lib)->dl, sym))

static int load_simlib(struct sim_backend *sb, char *err, size_t errlen)
{
	struct simlib *l = &sb->lib;

	l->dl = open_simlib(sb->libpath, sizeof(sb->libpath));
	if (!l->dl) {
		tm_set_error(err, errlen, "device 'sim' not available: cannot load libtmsim.so "
			     "(set TM_SIMLIB to its path): %s", dlerror());
		return -ENODEV;
	}
	if (!SIM_SYM(l, create_dtb, "tmsim_create_dtb") || !SIM_SYM(l, destroy, "tmsim_destroy") ||
	    !SIM_SYM(l, engine_name, "tmsim_engine_name") ||
	    !SIM_SYM(l, get_params, "tmsim_get_params") || !SIM_SYM(l, mem_add, "tmsim_mem_add") ||
	    !SIM_SYM(l, mem_remove, "tmsim_mem_remove") || !SIM_SYM(l, csr_read, "tmsim_csr_read") ||
	    !SIM_SYM(l, csr_write, "tmsim_csr_write") || !SIM_SYM(l, run, "tmsim_run") ||
	    !SIM_SYM(l, set_faults, "tmsim_set_faults")) {
		tm_set_error(err, errlen, "device 'sim': %s is not a usable libtmsim: %s",
			     sb->libpath, dlerror());
		return -ENODEV;
	}
	return 0;
}

/* Read the device tree blob: $TM_SIM_DTB, else the build's compiled example. */
static void *read_dtb(const char *libpath, size_t *size, char *path, size_t len, char *err,
		      size_t errlen)
{
	const char *env = getenv("TM_SIM_DTB");
	const char *slash = strrchr(libpath, '/');
	void *blob;
	FILE *f;

	if (env && *env)
		snprintf(path, len, "%s", env);
	else if (slash)
		snprintf(path, len, "%.*s/../dts/tma-sim.dtb", (int)(slash - libpath), libpath);
	else
		snprintf(path, len, "tma-sim.dtb");
	f = fopen(path, "rb");
	if (!f) {
		tm_set_error(err, errlen, "device 'sim': cannot open the device tree %s "
			     "(set TM_SIM_DTB): %s", path, strerror(errno));
		return NULL;
	}
	blob = malloc(SIM_DTB_MAX);
	*size = blob ? fread(blob, 1, SIM_DTB_MAX, f) : 0;
	fclose(f);
	if (!*size || *size == SIM_DTB_MAX) {
		tm_set_error(err, errlen, "device 'sim': device tree %s is empty or too large", path);
		free(blob);
		return NULL;
	}
	return blob;
}

static enum sim_fault fault_from_env(void)
{
	const char *f = getenv("TM_SIM_FAULT");

	if (!f)
		return SIM_FAULT_NONE;
	if (!strcmp(f, "dma"))
		return SIM_FAULT_DMA;
	if (!strcmp(f, "hang"))
		return SIM_FAULT_HANG;
	if (!strcmp(f, "status"))
		return SIM_FAULT_STATUS;
	return SIM_FAULT_NONE;
}

/* ---- buffers: host memory at bus addresses of our choosing -------------- */

static void sim_buf_free(struct tm_backend *be, struct tm_buf *buf)
{
	struct sim_backend *sb = to_sim(be);

	if (!buf)
		return;
	sb->lib.mem_remove(sb->sim, buf->bus);
	buf->prev->next = buf->next;
	buf->next->prev = buf->prev;
	free(buf->host);
	free(buf);
}

static int sim_buf_alloc(struct tm_backend *be, size_t size, struct tm_buf **out)
{
	struct sim_backend *sb = to_sim(be);
	size_t total = (size + 63) & ~(size_t)63;
	struct tm_buf *buf;
	int ret;

	if (size > SIZE_MAX - 64)
		return -ENOMEM;
	if (!total)
		total = 64; /* every buffer is mapped: a 0-byte arena is still a region */
	buf = calloc(1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	buf->host = aligned_alloc(64, total);
	if (!buf->host) {
		free(buf);
		return -ENOMEM;
	}
	buf->size = total;
	buf->bus = sb->next_bus;
	ret = sb->lib.mem_add(sb->sim, buf->bus, buf->host, total);
	if (ret) {
		free(buf->host);
		free(buf);
		return ret;
	}
	sb->next_bus += ((total + 4095) & ~(uint64_t)4095) + SIM_BUS_GAP;
	buf->next = sb->bufs.next;
	buf->prev = &sb->bufs;
	sb->bufs.next->prev = buf;
	sb->bufs.next = buf;
	*out = buf;
	return 0;
}

static void *sim_buf_map(struct tm_backend *be, struct tm_buf *buf)
{
	(void)be;
	return buf->host;
}

/* ---- the ring ----------------------------------------------------------- */

static struct tma_job_desc *ring_desc(struct sim_backend *sb, uint32_t slot)
{
	return (struct tma_job_desc *)sb->ring->host + slot;
}

static uint64_t ring_done_offset(uint32_t slot)
{
	return (uint64_t)SIM_RING_SLOTS * TMA_JOB_DESC_SIZE + (uint64_t)slot * TMA_DONE_SIZE;
}

static struct tma_done *ring_done(struct sim_backend *sb, uint32_t slot)
{
	return (struct tma_done *)((uint8_t *)sb->ring->host + ring_done_offset(slot));
}

/* Program the ring registers and enable the device (after open or a reset). */
static void ring_start(struct sim_backend *sb)
{
	struct simlib *l = &sb->lib;

	sb->tail = 0;
	l->csr_write(sb->sim, TMA_REG_RING_BASE_LO, (uint32_t)sb->ring->bus);
	l->csr_write(sb->sim, TMA_REG_RING_BASE_HI, (uint32_t)(sb->ring->bus >> 32));
	l->csr_write(sb->sim, TMA_REG_RING_SIZE, SIM_RING_SLOTS);
	l->csr_write(sb->sim, TMA_REG_RING_TAIL, 0);
	l->csr_write(sb->sim, TMA_REG_IRQ_MASK, TMA_IRQ_MASK_JOB_DONE_MASK |
		     TMA_IRQ_MASK_JOB_ERROR_MASK | TMA_IRQ_MASK_RING_ERROR_MASK);
	l->csr_write(sb->sim, TMA_REG_CTRL, TMA_CTRL_ENABLE_MASK);
}

static void ring_reset(struct sim_backend *sb)
{
	sb->lib.csr_write(sb->sim, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);
	ring_start(sb);
}

/* ---- open / close / caps ------------------------------------------------ */

static void sim_close(struct tm_backend *be)
{
	struct sim_backend *sb = to_sim(be);

	if (sb->sim) {
		while (sb->bufs.next != &sb->bufs)
			sim_buf_free(be, sb->bufs.next);
		sb->lib.destroy(sb->sim);
	}
	if (sb->lib.dl)
		dlclose(sb->lib.dl);
	free(sb);
}

static int sim_create(struct sim_backend *sb, const char *engine, char *err, size_t errlen)
{
	char path[PATH_MAX], msg[TM_ERRLEN];
	size_t size = 0;
	void *dtb = read_dtb(sb->libpath, &size, path, sizeof(path), err, errlen);
	int ret;

	if (!dtb)
		return -ENODEV;
	msg[0] = '\0';
	ret = sb->lib.create_dtb(engine, dtb, size, &sb->sim, msg, sizeof(msg));
	free(dtb);
	if (ret) {
		tm_set_error(err, errlen, "device 'sim': %s (engine %s, device tree %s)", msg,
			     engine ? engine : "default", path);
		sb->sim = NULL;
		return ret == -ENOMEM ? ret : -ENODEV;
	}
	sb->lib.get_params(sb->sim, &sb->params);
	return 0;
}

static int sim_open(struct tm_backend **out, const char *arg, char *err, size_t errlen)
{
	struct sim_backend *sb = calloc(1, sizeof(*sb));
	const char *engine = arg && *arg ? arg : getenv("TM_SIM_ENGINE");
	int ret;

	if (!sb) {
		tm_set_error(err, errlen, "device 'sim': out of memory");
		return -ENOMEM;
	}
	sb->base.ops = &tm_backend_sim_ops;
	sb->bufs.next = sb->bufs.prev = &sb->bufs;
	sb->next_bus = SIM_BUS_BASE;
	sb->fault = fault_from_env();
	ret = load_simlib(sb, err, errlen);
	if (!ret)
		ret = sim_create(sb, engine && *engine ? engine : NULL, err, errlen);
	if (!ret && sim_buf_alloc(&sb->base, ring_done_offset(SIM_RING_SLOTS), &sb->ring)) {
		tm_set_error(err, errlen, "device 'sim': out of memory for the job ring");
		ret = -ENOMEM;
	}
	if (ret) {
		sim_close(&sb->base);
		return ret;
	}
	memset(sb->ring->host, 0, sb->ring->size);
	ring_start(sb);
	*out = &sb->base;
	return 0;
}

static void sim_caps(const struct tm_backend *be, struct tm_backend_caps *caps)
{
	const struct sim_backend *sb = (const struct sim_backend *)be;
	const struct simlib *l = &sb->lib;

	tm_tma_caps(l->csr_read(sb->sim, TMA_REG_CAPS), l->csr_read(sb->sim, TMA_REG_ARRAY),
		    l->csr_read(sb->sim, TMA_REG_SRAM), caps);
	caps->flags |= TM_CAP_HOST_MEMORY;
	caps->bus_bytes = (l->csr_read(sb->sim, TMA_REG_BUS) & TMA_BUS_BYTES_MASK) >>
			  TMA_BUS_BYTES_SHIFT;
	caps->clock_mhz = SIM_CLOCK_MHZ;
}

static int sim_op_supported(const struct tm_backend *be, const struct tm_op_ctx *ctx, char *why,
			    size_t whylen)
{
	struct tm_backend_caps caps;

	sim_caps(be, &caps);
	return tm_lower_op_check(&caps, ctx, why, whylen);
}

/* ---- jobs --------------------------------------------------------------- */

/*
 * How long a job may run before it counts as hung: its MACs at one per
 * cycle (far below the array's rate) plus a fixed allowance for DMA.
 */
static uint64_t job_budget(const struct tm_buf *cmd, uint64_t off, uint64_t bytes)
{
	const struct tma_cmd *c = (const struct tma_cmd *)((const uint8_t *)cmd->host + off);
	uint64_t budget = SIM_BUDGET_BASE;

	for (uint64_t i = 0; i < bytes / TMA_CMD_SIZE; i++) {
		uint64_t out = (uint64_t)(c[i].out_hw >> 16) * (c[i].out_hw & 0xffff);
		uint64_t k = (uint64_t)(c[i].kernel & 0xff) * ((c[i].kernel >> 8) & 0xff);

		budget += out * (c[i].chans >> 16) * (k ? k : 1) * (c[i].chans & 0xffff) +
			  4 * out * (c[i].chans >> 16);
	}
	return budget;
}

static void arm_fault(struct sim_backend *sb, const struct tm_job *job)
{
	struct tmsim_faults f = { 0 };

	switch (sb->fault) {
	case SIM_FAULT_NONE:
		return;
	case SIM_FAULT_DMA:
		/* The job's first region (the activations) answers with bus errors. */
		f.dma_fault_addr = job->regions[0].buf->bus + job->regions[0].offset;
		f.dma_fault_len = job->regions[0].size ? job->regions[0].size : 1;
		break;
	case SIM_FAULT_HANG:
		f.hang = 1;
		break;
	case SIM_FAULT_STATUS:
		f.bad_status = TMA_ERR_BAD_DIMS;
		break;
	}
	sb->lib.set_faults(sb->sim, &f);
}

static int sim_submit(struct tm_backend *be, struct tm_job *job, uint64_t *fence)
{
	struct sim_backend *sb = to_sim(be);
	uint32_t slot = sb->tail;
	struct tma_job_desc *d = ring_desc(sb, slot);
	unsigned n = job->n_regions;

	if (!job->cmd || !job->cmd_bytes || job->cmd_bytes % TMA_CMD_SIZE ||
	    job->cmd_offset % TMA_CMD_STREAM_ALIGN || n + 2 > TMA_MAX_REGIONS)
		return -EINVAL; /* the simulator runs command streams, not CPU ops */
	if (sb->queued)
		return -EBUSY;  /* one job at a time: the runtime waits for each */
	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < n; i++)
		d->regions[i] = (struct tma_region){ job->regions[i].buf->bus + job->regions[i].offset,
						     job->regions[i].size };
	d->regions[n] = (struct tma_region){ job->cmd->bus, job->cmd->size };
	d->regions[n + 1] = (struct tma_region){ sb->ring->bus, sb->ring->size };
	d->seqno = ++sb->seqno;
	d->region_count = n + 2;
	d->cmd_region = n;
	d->cmd_offset = (uint32_t)job->cmd_offset;
	d->cmd_size = (uint32_t)job->cmd_bytes;
	d->done_region = n + 1;
	d->done_offset = (uint32_t)ring_done_offset(slot);
	memset(ring_done(sb, slot), 0xff, TMA_DONE_SIZE); /* no record yet */
	sb->budget = job_budget(job->cmd, job->cmd_offset, job->cmd_bytes);
	arm_fault(sb, job);
	sb->tail = (slot + 1) % SIM_RING_SLOTS;
	sb->lib.csr_write(sb->sim, TMA_REG_RING_TAIL, sb->tail);
	sb->queued = 1;
	*fence = sb->seqno;
	return 0;
}

/* The completion record of @slot into @st. */
static void read_record(struct sim_backend *sb, uint32_t slot, struct tm_job_status *st)
{
	const struct tma_done *r = ring_done(sb, slot);
	uint32_t info = r->err_info;

	st->cycles = r->cycles;
	if (r->seqno != sb->seqno) {
		uint32_t es = sb->lib.csr_read(sb->sim, TMA_REG_ERR_STATUS);

		st->error = -EIO;
		snprintf(st->msg, sizeof(st->msg), "device sim: job %u ended without a completion "
			 "record (ERR_STATUS 0x%08x: %s)", sb->seqno, es,
			 tm_tma_status_name(es & TMA_ERR_STATUS_CODE_MASK));
		return;
	}
	if (r->status != TMA_OK)
		tm_tma_job_failed(st, "sim", sb->seqno, r->status, info, r->err_addr);
}

/*
 * Run the simulator until the interrupt, as an interrupt handler would
 * see it; a job that outlives its cycle budget is hung: soft reset.
 */
static int sim_wait(struct tm_backend *be, uint64_t fence, uint64_t timeout_ns,
		    struct tm_job_status *st)
{
	struct sim_backend *sb = to_sim(be);
	uint32_t slot = (sb->tail + SIM_RING_SLOTS - 1) % SIM_RING_SLOTS;
	uint64_t spent = 0, ran;
	int stop = TMSIM_STOP_LIMIT;

	(void)timeout_ns; /* simulated time: the cycle budget bounds the wait */
	if (!sb->queued || fence != sb->seqno)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	while (spent < sb->budget && stop == TMSIM_STOP_LIMIT) {
		uint64_t chunk = sb->budget - spent < SIM_RUN_CHUNK ? sb->budget - spent : SIM_RUN_CHUNK;

		stop = sb->lib.run(sb->sim, chunk, &ran);
		spent += ran;
		if (!ran && stop == TMSIM_STOP_LIMIT)
			break;
	}
	sb->queued = 0;
	if (sb->fault) {
		struct tmsim_faults none = { 0 };

		sb->lib.set_faults(sb->sim, &none); /* injected faults are one-shot */
		sb->fault = SIM_FAULT_NONE;
	}
	if (stop != TMSIM_STOP_IRQ) {
		ring_reset(sb);
		st->error = -ETIMEDOUT;
		snprintf(st->msg, sizeof(st->msg), "device sim: job %u did not finish in %llu "
			 "cycles (device reset)", sb->seqno, (unsigned long long)spent);
		return 0;
	}
	sb->lib.csr_write(sb->sim, TMA_REG_IRQ_STATUS, sb->lib.csr_read(sb->sim, TMA_REG_IRQ_STATUS));
	read_record(sb, slot, st);
	if (sb->lib.csr_read(sb->sim, TMA_REG_STATUS) & TMA_STATUS_HALTED_MASK)
		ring_reset(sb);
	return 0;
}

const struct tm_backend_ops tm_backend_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.caps = sim_caps,
	.op_supported = sim_op_supported,
	.buf_alloc = sim_buf_alloc,
	.buf_map = sim_buf_map,
	.buf_free = sim_buf_free,
	.submit = sim_submit,
	.wait = sim_wait,
};
