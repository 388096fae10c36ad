/* SPDX-License-Identifier: MIT */
/*
 * backend.h - the one door between libtm's core and a device.
 *
 * The runtime never touches a device directly: it opens a backend by name,
 * asks it what it can do (capabilities, and per op whether it can take it,
 * with a reason when not), allocates the arena and job buffers through it,
 * and submits jobs (a contiguous run of ops, a "segment") and waits for them.
 *
 * Backends:
 *   cpu  in libtm: host memory; runs a segment's ops with the CPU kernels.
 *        Always present; also where a failed device segment is re-run.
 *   sim  the TMA simulator (backend_sim.c): libtmsim, dlopen()ed on demand so
 *        libtm on a board carries no Verilator or C++ code. "sim:model" or
 *        "sim:rtl" picks the engine.
 *   drm  the tmaccel kernel driver (backend_drm.c) on its render node, through
 *        libdrm, dlopen()ed on demand like libtmsim so libtm does not need it.
 *
 * A backend that is not built reports why; tm_backend_open() fails with
 * -ENODEV and that text. Everything here is synchronous from the caller's
 * view except submit/wait, which a device implements asynchronously.
 */
#ifndef TM_BACKEND_H
#define TM_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "tm_priv.h"

#define TM_JOB_MAX_REGIONS 8 /* the device's region table (design.md) */

/* Capability bits of struct tm_backend_caps.flags. */
enum tm_backend_cap {
	TM_CAP_HOST_MEMORY = 1u << 0, /* buffers are host memory: map is free, no copies */
	TM_CAP_CPU_OPS     = 1u << 1, /* runs op glue (struct tm_op_impl) directly */
	TM_CAP_INT8        = 1u << 2, /* int8 activations and weights */
	TM_CAP_INT4        = 1u << 3, /* int4 packed weights */
	TM_CAP_SPARSE_2_4  = 1u << 4, /* 2:4 compressed weights */
	TM_CAP_DEPTHWISE   = 1u << 5, /* depthwise convolution */
	TM_CAP_TMA_CMDS    = 1u << 6, /* runs uapi/tma_cmd.h command streams */
};

/**
 * struct tm_backend_caps - what a backend's device is.
 * @flags: TM_CAP_*.
 * @array_rows: MAC array shape (0 on the CPU).
 * @array_cols: see @array_rows.
 * @sram_bytes: on-device buffer memory (0 on the CPU).
 * @max_regions: regions a job may address (TM_JOB_MAX_REGIONS on the TMA).
 * @bus_bytes: bytes the device's DMA moves per cycle (0: unknown).
 * @clock_mhz: the device's clock (0: unknown; the partitioner then cannot
 *             weigh its time against the CPU's and offloads what it can).
 */
struct tm_backend_caps {
	uint32_t flags;
	uint32_t array_rows, array_cols;
	uint64_t sram_bytes;
	uint32_t max_regions;
	uint32_t bus_bytes;
	uint32_t clock_mhz;
};

struct tm_backend;
struct tm_buf; /* a buffer of one backend; opaque to the runtime */

/**
 * struct tm_job_region - a window of a buffer a job may touch; device
 * commands address memory only as (region, offset).
 */
struct tm_job_region {
	struct tm_buf *buf;
	uint64_t offset, size;
};

/**
 * struct tm_job - one segment: ops [@first_op, @first_op + @n_ops) of subgraph 0.
 * @ctx: the runtime's op contexts of the segment (tensors bound to the arena).
 * @impl: the CPU implementations of those ops (backends with TM_CAP_CPU_OPS).
 * @cmd: the buffer of the lowered command stream (device backends; NULL on the CPU).
 * @cmd_offset: where the stream starts in @cmd.
 * @cmd_bytes: its length.
 * @regions: the memory the command stream may address; the backend adds
 *           regions of its own after these (command stream, completion
 *           record), so a job leaves TM_JOB_MAX_REGIONS - 2 at most.
 * @n_regions: entries used in @regions.
 * @op_ns: if not NULL, receives the wall time of each op (CPU) or of the job.
 * @op_cycles: if not NULL, receives device cycles per op.
 */
struct tm_job {
	unsigned first_op, n_ops;
	struct tm_op_ctx *ctx;
	const struct tm_op_impl *const *impl;
	struct tm_buf *cmd;
	uint64_t cmd_offset, cmd_bytes;
	struct tm_job_region regions[TM_JOB_MAX_REGIONS];
	unsigned n_regions;
	uint64_t *op_ns;
	uint64_t *op_cycles;
};

/**
 * struct tm_job_status - how a job ended.
 * @error: 0, or the negative errno of the failure (-EIO device error,
 *         -ETIMEDOUT hang, -EFAULT DMA fault, or what an op's eval returned).
 * @failed_op: the op index the failure is attributed to, if known.
 * @cycles: device cycles of the job (0 on the CPU).
 * @msg: a human-readable account of @error.
 */
struct tm_job_status {
	int error;
	unsigned failed_op;
	uint64_t cycles;
	char msg[TM_ERRLEN];
};

/**
 * struct tm_backend_ops - what a backend implements.
 * @name: "cpu", "sim", "drm".
 * @open: create an instance; -ENODEV with a message when the device is absent.
 *        @arg is what followed ':' in the device name ("sim:model"), or NULL.
 * @close: release the instance and every buffer still allocated.
 * @caps: describe the device.
 * @op_supported: the partitioner's question: can this op run here? 1 yes,
 *                0 no with the reason in @why (shown by tmrun --profile).
 * @buf_alloc: @size bytes, aligned to at least 64; contents undefined.
 * @buf_map: CPU address of a buffer (stable until @buf_free).
 * @buf_free: release a buffer.
 * @submit: queue @job; returns a fence for @wait. @job stays the caller's and
 *          must stay valid until @wait returns.
 * @wait: wait for a fence (timeout 0: forever); 0 and *@st filled when the job
 *        ended (successfully or not: see @st->error), -ETIMEDOUT if it did not.
 */
struct tm_backend_ops {
	const char *name;
	int (*open)(struct tm_backend **out, const char *arg, char *err, size_t errlen);
	void (*close)(struct tm_backend *be);
	void (*caps)(const struct tm_backend *be, struct tm_backend_caps *caps);
	int (*op_supported)(const struct tm_backend *be, const struct tm_op_ctx *ctx,
			    char *why, size_t whylen);
	int (*buf_alloc)(struct tm_backend *be, size_t size, struct tm_buf **out);
	void *(*buf_map)(struct tm_backend *be, struct tm_buf *buf);
	void (*buf_free)(struct tm_backend *be, struct tm_buf *buf);
	int (*submit)(struct tm_backend *be, struct tm_job *job, uint64_t *fence);
	int (*wait)(struct tm_backend *be, uint64_t fence, uint64_t timeout_ns,
		    struct tm_job_status *st);
};

/** struct tm_backend - the common head of every backend instance. */
struct tm_backend {
	const struct tm_backend_ops *ops;
};

/**
 * tm_backend_open() - open a backend by name.
 * @name: "cpu", "sim", "drm", or "auto"/NULL for the best one present (a
 *        device if there is one, else the CPU; the simulator is never
 *        picked by "auto": it is not hardware). "name:arg" passes arg to the
 *        backend ("sim:model").
 * @return 0, -ENODEV (named backend absent or not built: why in @err),
 *         -EINVAL (unknown name), -ENOMEM.
 */
int tm_backend_open(const char *name, struct tm_backend **out, char *err, size_t errlen);

static inline void tm_backend_close(struct tm_backend *be)
{
	if (be)
		be->ops->close(be);
}

/* The CPU backend (backend_cpu.c). */
extern const struct tm_backend_ops tm_backend_cpu_ops;
/* The simulated TMA (backend_sim.c). */
extern const struct tm_backend_ops tm_backend_sim_ops;
/* The TMA through its kernel driver (backend_drm.c). */
extern const struct tm_backend_ops tm_backend_drm_ops;

/*
 * What the TMA backends (sim, drm) share: both read the same device
 * registers and completion records, so they describe them the same way.
 */

/**
 * tm_tma_caps() - @caps from the TMA's CAPS, ARRAY and SRAM registers.
 * @caps_reg: CAPS (TMA_CAPS_* bits).
 * @array_reg: ARRAY (cols << 16 | rows).
 * @sram_reg: SRAM (weight KiB << 16 | activation KiB).
 */
void tm_tma_caps(uint32_t caps_reg, uint32_t array_reg, uint32_t sram_reg,
		 struct tm_backend_caps *caps);

/** tm_tma_status_name() - a device job status (enum tma_status) in words. */
const char *tm_tma_status_name(uint32_t status);

/**
 * tm_tma_job_failed() - fill @st for a job the device ended with @status != TMA_OK.
 * @dev: the backend's name, for the message.
 * @job: the job's number (seqno or driver job id), for the message.
 * @err_info: the completion record's TMA_ERR_INFO_* word.
 * @err_addr: its fault address.
 *
 * DMA faults and bus errors become -EFAULT, every other status -EIO;
 * @st->failed_op is the failing command's index in the stream.
 */
void tm_tma_job_failed(struct tm_job_status *st, const char *dev, uint64_t job, uint32_t status,
		       uint32_t err_info, uint64_t err_addr);

#endif /* TM_BACKEND_H */
