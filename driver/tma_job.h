/* SPDX-License-Identifier: GPL-2.0-only */
/* tma_job.h - jobs: SUBMIT, drm_sched, completion, timeout and status. */
#ifndef TMA_JOB_H
#define TMA_JOB_H

#include <linux/kref.h>
#include <drm/drm_file.h>
#include <drm/gpu_scheduler.h>

#include "../uapi/drm/tma_drm.h"

#define TMA_STATUS_SLOTS 256  /* job statuses kept per open file */

/*
 * Per open file: its scheduler entity, the status of its last jobs, and what
 * it holds against the per-file limits (module parameters max_jobs_per_file,
 * max_bo_mib_per_file).
 */
struct tma_file {
	struct kref ref;             /* the file, each of its jobs and BOs */
	struct drm_sched_entity entity;
	atomic_t jobs;               /* SUBMITs in progress and jobs not yet freed */
	atomic64_t bo_bytes;         /* bytes of this file's BOs not yet freed */
	spinlock_t lock;             /* next_id, st[] */
	u64 next_id;
	struct drm_tma_job_status st[TMA_STATUS_SLOTS];
};

struct tma_job {
	struct drm_sched_job base;
	struct tma_device *tdev;
	struct tma_file *tfile;
	u64 id;
	u32 seqno;
	struct drm_gem_object **bos;  /* the regions, referenced */
	u32 nbos;
	void *kbuf;                   /* private copy of the stream + record */
	dma_addr_t kbuf_dma;
	size_t kbuf_size;
	u32 cmd_size;
	u32 done_offset;
	struct dma_fence *hw_fence;   /* of the current run on the device */
	struct dma_fence *done_fence; /* the scheduler's finished fence */
	bool timed_out;
	ktime_t submitted;
};

int tma_job_sched_init(struct tma_device *tdev);
int tma_job_open(struct drm_device *drm, struct drm_file *file);
void tma_job_postclose(struct drm_device *drm, struct drm_file *file);
int tma_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int tma_ioctl_job_status(struct drm_device *drm, void *data, struct drm_file *file);

/* The device layer calls these under ring_lock. */
void tma_job_write_desc(struct tma_job *job, void *desc);
void tma_job_complete(struct tma_job *job);
void tma_job_cancel(struct tma_job *job, int error, bool final);

unsigned int tma_timeout_ms(void);
unsigned int tma_max_jobs_per_file(void);
u64 tma_max_bo_bytes_per_file(void);
int tma_file_charge_bo(struct tma_file *tfile, size_t size);
void tma_file_uncharge_bo(struct tma_file *tfile, size_t size);

#endif /* TMA_JOB_H */
