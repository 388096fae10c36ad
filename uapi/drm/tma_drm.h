/* SPDX-License-Identifier: MIT */
/*
 * tma_drm.h - ioctls of the tmaccel DRM render driver (tmaccel.ko).
 *
 * Copyright (c) 2026 the tmaccel authors
 *
 * Permission is hereby granted, free of charge, to any person obtaining a
 * copy of this software and associated documentation files (the "Software"),
 * to deal in the Software without restriction, including without limitation
 * the rights to use, copy, modify, merge, publish, distribute, sublicense,
 * and/or sell copies of the Software, and to permit persons to whom the
 * Software is furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
 * THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
 * OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE,
 * ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR
 * OTHER DEALINGS IN THE SOFTWARE.
 */
#ifndef _UAPI_TMA_DRM_H_
#define _UAPI_TMA_DRM_H_

#if defined(__KERNEL__)
#include <drm/drm.h>
#else
#include "drm.h" /* libdrm's copy: pkg-config --cflags libdrm */
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: overview
 *
 * tmaccel exposes the TMA accelerator as a DRM render node
 * (/dev/dri/renderD*, driver name "tmaccel"). Userspace allocates buffer
 * objects (BOs), maps them, writes a command stream (uapi/tma_cmd.h) into
 * one of them and submits a job naming the BOs the commands use as the
 * job's regions. Jobs are ordered with syncobjs and implicitly with each
 * BO's reservation fences; BO_WAIT waits for a BO to go idle and
 * JOB_STATUS reads back how a job ended and what it cost.
 *
 * Every ioctl returns 0 or -1 with errno: EINVAL for a malformed argument
 * (unknown flags, non-zero padding or reserved fields, sizes out of range,
 * a command stream that fails validation), ENOENT for an unknown handle or
 * job, ENOMEM, EFAULT for a bad user pointer, ETIME when a wait expires,
 * ENODEV once the device is gone; ENOSPC and EAGAIN / EINTR for the per-file
 * limits below.
 */

/**
 * DOC: per-file limits
 *
 * An open file of the render node holds at most
 * %DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE bytes of BOs and
 * %DRM_TMA_PARAM_MAX_JOBS_PER_FILE jobs (GET_PARAM reports both; the
 * administrator sets them with tmaccel's module parameters
 * max_bo_mib_per_file, default 128 MiB, and max_jobs_per_file, default 128).
 * Both are physically contiguous memory the kernel pins for the file.
 *
 * A BO counts from BO_CREATE until it is freed: its handle closed, its
 * mappings unmapped and the jobs naming it freed. BO_CREATE beyond the
 * limit fails with ENOSPC.
 *
 * A job counts from SUBMIT until the driver frees it, shortly after its
 * fence signals. SUBMIT beyond the limit waits until one of the file's jobs
 * is freed; a signal ends the wait with EINTR (or restarts the ioctl under
 * SA_RESTART; nothing was queued), and on a node opened with O_NONBLOCK it
 * fails with EAGAIN at once.
 */

/**
 * DOC: extending
 *
 * Structures only ever grow at their end. The DRM core passes the size
 * userspace was built with in the ioctl number, copies what it has and
 * zero-fills the rest, so an older binary keeps working: every field added
 * later means "not used" when zero. Padding, reserved fields and flags
 * unknown to the driver must be zero, or the ioctl fails with EINVAL, so
 * they can be given meaning later.
 */

/**
 * DOC: regions and the command stream
 *
 * A job's commands address memory as (region, offset). SUBMIT's @regions
 * lists up to %DRM_TMA_MAX_USER_REGIONS BO handles: region i of the
 * commands is BO regions[i]. The driver copies the stream from the command
 * BO into memory userspace cannot map, and walks the copy before the device
 * sees it: known opcodes and flags, sane dimensions, region indices below
 * @region_count, aligned offsets, every operand's byte span inside its BO
 * (64-bit arithmetic), and an END command. A stream that fails gets EINVAL
 * with the failing command's index and the reason
 * (&enum drm_tma_reject) in &drm_tma_submit.error_cmd / error_reason.
 * The device adds one region of its own after the user's (the copied
 * stream and its completion record), which commands cannot name.
 */

#define DRM_TMA_GET_PARAM      0x00
#define DRM_TMA_BO_CREATE      0x01
#define DRM_TMA_BO_MMAP_OFFSET 0x02
#define DRM_TMA_SUBMIT         0x03
#define DRM_TMA_BO_WAIT        0x04
#define DRM_TMA_JOB_STATUS     0x05

/* Regions a job may name: the device has 8, the driver keeps one. */
#define DRM_TMA_MAX_USER_REGIONS 7
/* Commands in one stream, END included. */
#define DRM_TMA_MAX_CMDS         4096
/* Largest BO: one physically contiguous block (no IOMMU, no CMA). */
#define DRM_TMA_MAX_BO_SIZE      (4u << 20)
#define DRM_TMA_MAX_IN_SYNCOBJS  64

/**
 * enum drm_tma_param - what GET_PARAM reports.
 * @DRM_TMA_PARAM_DEVICE_ID: the ID register (0x544D4131, 'TMA1').
 * @DRM_TMA_PARAM_VERSION: the VERSION register (major << 16 | minor).
 * @DRM_TMA_PARAM_CAPS: the CAPS register (TMA_CAPS_* of tma_regs.h).
 * @DRM_TMA_PARAM_ARRAY: the ARRAY register (cols << 16 | rows).
 * @DRM_TMA_PARAM_SRAM: the SRAM register (wgt KiB << 16 | act KiB).
 * @DRM_TMA_PARAM_BUS: the BUS register (addr bits << 8 | bytes per beat).
 * @DRM_TMA_PARAM_MAX_BO_SIZE: largest BO_CREATE size, bytes.
 * @DRM_TMA_PARAM_MAX_REGIONS: largest SUBMIT region_count.
 * @DRM_TMA_PARAM_MAX_CMDS: largest number of commands in a stream.
 * @DRM_TMA_PARAM_TIMEOUT_MS: how long a job may run without progress
 *                            before the device is reset.
 * @DRM_TMA_PARAM_MAX_JOBS_PER_FILE: jobs a file may have queued or running
 *                                   (see "per-file limits").
 * @DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE: bytes of BOs a file may hold.
 */
enum drm_tma_param {
	DRM_TMA_PARAM_DEVICE_ID   = 0,
	DRM_TMA_PARAM_VERSION     = 1,
	DRM_TMA_PARAM_CAPS        = 2,
	DRM_TMA_PARAM_ARRAY       = 3,
	DRM_TMA_PARAM_SRAM        = 4,
	DRM_TMA_PARAM_BUS         = 5,
	DRM_TMA_PARAM_MAX_BO_SIZE = 6,
	DRM_TMA_PARAM_MAX_REGIONS = 7,
	DRM_TMA_PARAM_MAX_CMDS    = 8,
	DRM_TMA_PARAM_TIMEOUT_MS  = 9,
	DRM_TMA_PARAM_MAX_JOBS_PER_FILE     = 10,
	DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE = 11,
};

/**
 * struct drm_tma_get_param - DRM_IOCTL_TMA_GET_PARAM.
 * @param: in, &enum drm_tma_param; unknown values are EINVAL.
 * @pad: must be 0.
 * @value: out.
 */
struct drm_tma_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/**
 * struct drm_tma_bo_create - DRM_IOCTL_TMA_BO_CREATE: a zeroed BO, one
 * physically contiguous block the device addresses as one region.
 * @size: in, bytes, 1..%DRM_TMA_MAX_BO_SIZE; rounded up to whole pages.
 *        ENOSPC if the file's BOs would then exceed
 *        %DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE; ENOMEM if no contiguous
 *        block is free.
 * @flags: must be 0.
 * @handle: out, the GEM handle (close it with DRM_IOCTL_GEM_CLOSE).
 */
struct drm_tma_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_tma_bo_mmap_offset - DRM_IOCTL_TMA_BO_MMAP_OFFSET.
 * @handle: in, a BO of this file.
 * @flags: must be 0.
 * @offset: out, the offset to pass to mmap() on the render node.
 */
struct drm_tma_bo_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/**
 * enum drm_tma_reject - why SUBMIT refused a command stream (EINVAL).
 * @DRM_TMA_REJECT_NONE: the stream was accepted, or the failure was not
 *                       in the stream.
 * @DRM_TMA_REJECT_STREAM: @cmd_offset/@cmd_size not aligned, zero, too
 *                         many commands, or outside the command BO.
 * @DRM_TMA_REJECT_OPCODE: unknown opcode, or reserved bits of the op word.
 * @DRM_TMA_REJECT_FLAGS: unknown flag, flag the device lacks, or a
 *                        forbidden combination.
 * @DRM_TMA_REJECT_DIMS: a zero or inconsistent dimension, a clamp range
 *                       upside down, overlapping output pixels, or a field
 *                       FC ignores that is not 0.
 * @DRM_TMA_REJECT_REGION: an operand names a region >= region_count.
 * @DRM_TMA_REJECT_ALIGN: an operand offset not a multiple of 4.
 * @DRM_TMA_REJECT_BOUNDS: an operand's span leaves its BO.
 * @DRM_TMA_REJECT_NO_END: no END command in the stream.
 */
enum drm_tma_reject {
	DRM_TMA_REJECT_NONE   = 0,
	DRM_TMA_REJECT_STREAM = 1,
	DRM_TMA_REJECT_OPCODE = 2,
	DRM_TMA_REJECT_FLAGS  = 3,
	DRM_TMA_REJECT_DIMS   = 4,
	DRM_TMA_REJECT_REGION = 5,
	DRM_TMA_REJECT_ALIGN  = 6,
	DRM_TMA_REJECT_BOUNDS = 7,
	DRM_TMA_REJECT_NO_END = 8,
};

/**
 * struct drm_tma_submit - DRM_IOCTL_TMA_SUBMIT: queue one job. With
 * %DRM_TMA_PARAM_MAX_JOBS_PER_FILE of the file's jobs not yet freed it
 * first waits for one (EINTR on a signal), or fails with EAGAIN on a node
 * opened with O_NONBLOCK.
 * @flags: must be 0.
 * @cmd_handle: in, the BO holding the command stream.
 * @cmd_offset: in, where the stream starts in it, a multiple of 8.
 * @cmd_size: in, bytes of stream, a non-zero multiple of 64 (TMA_CMD_SIZE),
 *            at most %DRM_TMA_MAX_CMDS commands.
 * @region_count: in, entries of @regions, 1..%DRM_TMA_MAX_USER_REGIONS.
 * @regions: in, pointer to __u32 BO handles: the job's regions in order.
 *           The same BO may appear twice. The job waits for earlier jobs
 *           using these BOs and its completion is added to their fences.
 * @in_syncobjs: in, pointer to __u32 syncobj handles the job waits for
 *               (ENOENT for an unknown handle, EINVAL for one without a
 *               fence).
 * @in_syncobj_count: in, entries of @in_syncobjs, 0..%DRM_TMA_MAX_IN_SYNCOBJS.
 * @out_syncobj: in, 0 or a syncobj that gets the job's completion fence.
 * @pad: must be 0.
 * @job_id: out, the job's id for JOB_STATUS (per open file, from 1).
 * @error_cmd: out, on a rejected stream the index of the failing command.
 * @error_reason: out, &enum drm_tma_reject.
 */
struct drm_tma_submit {
	__u32 flags;
	__u32 cmd_handle;
	__u32 cmd_offset;
	__u32 cmd_size;
	__u32 region_count;
	__u32 in_syncobj_count;
	__u64 regions;
	__u64 in_syncobjs;
	__u32 out_syncobj;
	__u32 pad;
	__u64 job_id;
	__u32 error_cmd;
	__u32 error_reason;
};

/**
 * struct drm_tma_bo_wait - DRM_IOCTL_TMA_BO_WAIT: wait until no job uses a BO.
 * @handle: in, the BO.
 * @pad: must be 0.
 * @timeout_ns: in, absolute CLOCK_MONOTONIC time in ns; ETIME when it passes
 *              first. 0 only polls.
 */
struct drm_tma_bo_wait {
	__u32 handle;
	__u32 pad;
	__s64 timeout_ns;
};

/**
 * enum drm_tma_job_state - where a job is.
 * @DRM_TMA_JOB_QUEUED: not finished yet.
 * @DRM_TMA_JOB_DONE: finished; the other fields of &drm_tma_job_status hold.
 */
enum drm_tma_job_state {
	DRM_TMA_JOB_QUEUED = 0,
	DRM_TMA_JOB_DONE   = 1,
};

/*
 * Job statuses besides the device's own (&enum tma_status of tma_cmd.h,
 * 0..255): how the driver ended a job the device did not finish.
 */
#define DRM_TMA_STATUS_TIMEOUT   0x100 /* no progress; the device was reset */
#define DRM_TMA_STATUS_CANCELED  0x101 /* reset or removal while queued/running, or
				       * the device did not take the job (fence -EIO) */
#define DRM_TMA_STATUS_BAD_DONE  0x102 /* completion record not the job's */

/**
 * struct drm_tma_job_status - DRM_IOCTL_TMA_JOB_STATUS: how a job ended.
 * @job_id: in, from SUBMIT; ENOENT once it is older than the last 256 jobs
 *          of this file.
 * @state: out, &enum drm_tma_job_state.
 * @status: out, &enum tma_status or DRM_TMA_STATUS_*.
 * @err_info: out, the completion record's err_info (TMA_ERR_INFO_* fields).
 * @cmds_done: out, commands retired successfully.
 * @err_addr: out, fault address of TMA_ERR_DMA_FAULT / TMA_ERR_BUS.
 * @cycles: out, device cycles of the job.
 * @macs: out, multiply-accumulates.
 * @dma_rd: out, bytes the device read.
 * @dma_wr: out, bytes the device wrote.
 * @stall: out, cycles the array waited for data.
 * @duration_ns: out, submit-to-completion time seen by the driver.
 */
struct drm_tma_job_status {
	__u64 job_id;
	__u32 state;
	__u32 status;
	__u32 err_info;
	__u32 cmds_done;
	__u64 err_addr;
	__u64 cycles;
	__u64 macs;
	__u64 dma_rd;
	__u64 dma_wr;
	__u64 stall;
	__u64 duration_ns;
};

#define DRM_IOCTL_TMA_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TMA_GET_PARAM, struct drm_tma_get_param)
#define DRM_IOCTL_TMA_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TMA_BO_CREATE, struct drm_tma_bo_create)
#define DRM_IOCTL_TMA_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TMA_BO_MMAP_OFFSET, struct drm_tma_bo_mmap_offset)
#define DRM_IOCTL_TMA_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TMA_SUBMIT, struct drm_tma_submit)
#define DRM_IOCTL_TMA_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_TMA_BO_WAIT, struct drm_tma_bo_wait)
#define DRM_IOCTL_TMA_JOB_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TMA_JOB_STATUS, struct drm_tma_job_status)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_TMA_DRM_H_ */
