// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_job.c - SUBMIT, the drm_sched backend, completion and hang recovery.
 *
 * A job owns a private DMA buffer holding its copy of the command stream
 * and its completion record; the device sees it as one more region after
 * the user's. The copy is validated (tma_validate.c) before anything else
 * happens, so userspace cannot change the stream after it was checked.
 *
 * Hang recovery: when drm_sched's timeout fires, the PROGRESS and JOBS_DONE
 * registers are compared with their values at the previous timeout. If they
 * moved, the device is slow, not stuck, and the job keeps running.
 * Otherwise the device is reset, the job ends with DRM_TMA_STATUS_TIMEOUT,
 * and the jobs behind it in the ring run again from the start.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "../uapi/tma_cmd.h"
#include "tma_device.h"
#include "tma_gem.h"
#include "tma_job.h"
#include "tma_validate.h"

static unsigned int timeout_ms = 2000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "a job's time without progress before a device reset (ms)");

unsigned int tma_timeout_ms(void)
{
	return timeout_ms;
}

/*
 * Per-file limits. Every job pins a private DMA buffer (its stream copy, up
 * to 256 KiB) and every BO up to 4 MiB of contiguous memory, from a render
 * node anyone in the render group may open: without a bound one file could
 * pin all of it. Writable at run time (root); at least 1.
 */
static int tma_limit_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 65536);
}

static const struct kernel_param_ops tma_limit_ops = {
	.set = tma_limit_set,
	.get = param_get_uint,
};

static unsigned int max_jobs_per_file = 128;
module_param_cb(max_jobs_per_file, &tma_limit_ops, &max_jobs_per_file, 0644);
MODULE_PARM_DESC(max_jobs_per_file,
		 "jobs a file may have queued or running; SUBMIT waits (EAGAIN if O_NONBLOCK) beyond");

static unsigned int max_bo_mib_per_file = 128;
module_param_cb(max_bo_mib_per_file, &tma_limit_ops, &max_bo_mib_per_file, 0644);
MODULE_PARM_DESC(max_bo_mib_per_file, "MiB of BOs a file may hold; BO_CREATE fails with ENOSPC beyond");

unsigned int tma_max_jobs_per_file(void)
{
	return READ_ONCE(max_jobs_per_file);
}

u64 tma_max_bo_bytes_per_file(void)
{
	return (u64)READ_ONCE(max_bo_mib_per_file) << 20;
}

static struct tma_job *to_tma_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct tma_job, base);
}

/* ---- per-file state ---------------------------------------------------- */

static void tma_file_release(struct kref *ref)
{
	kvfree(container_of(ref, struct tma_file, ref));
}

int tma_job_open(struct drm_device *drm, struct drm_file *file)
{
	struct tma_device *tdev = to_tma_device(drm);
	struct drm_gpu_scheduler *sched = &tdev->sched;
	struct tma_file *tfile = kvzalloc(sizeof(*tfile), GFP_KERNEL);
	int ret;

	if (!tfile)
		return -ENOMEM;
	kref_init(&tfile->ref);
	spin_lock_init(&tfile->lock);
	tfile->next_id = 1;
	ret = drm_sched_entity_init(&tfile->entity, DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret) {
		kvfree(tfile);
		return ret;
	}
	file->driver_priv = tfile;
	return 0;
}

void tma_job_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct tma_file *tfile = file->driver_priv;

	/* Waits (bounded) for the file's queued jobs, then drops the rest. */
	drm_sched_entity_destroy(&tfile->entity);
	kref_put(&tfile->ref, tma_file_release);
}

/*
 * A BO counts against its file until it is freed, not until its handle is
 * closed: a mapping or a job keeps the memory, so it keeps the charge too.
 */
int tma_file_charge_bo(struct tma_file *tfile, size_t size)
{
	if (atomic64_add_return(size, &tfile->bo_bytes) > tma_max_bo_bytes_per_file()) {
		atomic64_sub(size, &tfile->bo_bytes);
		return -ENOSPC;
	}
	kref_get(&tfile->ref);
	return 0;
}

void tma_file_uncharge_bo(struct tma_file *tfile, size_t size)
{
	atomic64_sub(size, &tfile->bo_bytes);
	kref_put(&tfile->ref, tma_file_release);
}

/* Take one of the file's job slots; false when all are taken. */
static bool tma_file_take_job(struct tma_file *tfile)
{
	unsigned int max = tma_max_jobs_per_file();
	int n = atomic_read(&tfile->jobs);

	do {
		if (n >= max)
			return false;
	} while (!atomic_try_cmpxchg(&tfile->jobs, &n, n + 1));
	return true;
}

static void tma_file_put_job(struct tma_device *tdev, struct tma_file *tfile)
{
	atomic_dec(&tfile->jobs);
	wake_up_all(&tdev->job_freed);
}

static bool tma_submit_may_go(struct drm_device *drm, struct tma_file *tfile, bool *taken)
{
	*taken = tma_file_take_job(tfile);
	return *taken || drm_dev_is_unplugged(drm);
}

/*
 * A job slot for SUBMIT: wait for one of the file's jobs to be freed, like
 * a full ring makes other drivers wait, or EAGAIN with O_NONBLOCK. Outside
 * drm_dev_enter(): removal must not wait for a SUBMIT that waits for jobs
 * only removal ends, so it wakes the waiters (ENODEV).
 */
static int tma_submit_take_job(struct drm_device *drm, struct drm_file *file)
{
	struct tma_file *tfile = file->driver_priv;
	bool taken;
	int ret;

	if (tma_file_take_job(tfile))
		return 0;
	if (file->filp->f_flags & O_NONBLOCK)
		return -EAGAIN;
	ret = wait_event_interruptible(to_tma_device(drm)->job_freed,
				       tma_submit_may_go(drm, tfile, &taken));
	if (ret)
		return ret;
	return taken ? 0 : -ENODEV;
}

/* Record how a job ended where JOB_STATUS finds it. */
static void tma_job_set_status(struct tma_job *job, u32 status, const struct tma_done *d)
{
	struct tma_file *tfile = job->tfile;
	struct drm_tma_job_status *st = &tfile->st[job->id % TMA_STATUS_SLOTS];
	unsigned long flags;

	spin_lock_irqsave(&tfile->lock, flags);
	if (st->job_id == job->id) {
		memset(st, 0, sizeof(*st));
		st->job_id = job->id;
		st->state = DRM_TMA_JOB_DONE;
		st->status = status;
		if (d) {
			st->err_info = le32_to_cpu(d->err_info);
			st->cmds_done = le32_to_cpu(d->cmds_done);
			st->err_addr = le64_to_cpu(d->err_addr);
			st->cycles = le64_to_cpu(d->cycles);
			st->macs = le64_to_cpu(d->macs);
			st->dma_rd = le64_to_cpu(d->dma_rd);
			st->dma_wr = le64_to_cpu(d->dma_wr);
			st->stall = le64_to_cpu(d->stall);
		}
		st->duration_ns = ktime_to_ns(ktime_sub(ktime_get(), job->submitted));
	}
	spin_unlock_irqrestore(&tfile->lock, flags);
}

int tma_ioctl_job_status(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_tma_job_status *args = data;
	struct tma_file *tfile = file->driver_priv;
	u64 id = args->job_id;
	int ret = 0;

	spin_lock_irq(&tfile->lock);
	if (!id || id >= tfile->next_id || tfile->st[id % TMA_STATUS_SLOTS].job_id != id)
		ret = -ENOENT;
	else
		*args = tfile->st[id % TMA_STATUS_SLOTS];
	spin_unlock_irq(&tfile->lock);
	return ret;
}

/* ---- the device side, called by tma_device.c under ring_lock ----------- */

void tma_job_write_desc(struct tma_job *job, void *desc)
{
	struct tma_job_desc *d = desc;
	u32 i, own = job->nbos;

	memset(d, 0, sizeof(*d));
	d->seqno = cpu_to_le32(job->seqno);
	d->region_count = cpu_to_le32(own + 1);
	for (i = 0; i < job->nbos; i++) {
		struct tma_bo *bo = to_tma_bo(job->bos[i]);

		d->regions[i].base = cpu_to_le64(bo->dma);
		d->regions[i].size = cpu_to_le64(bo->base.size);
	}
	d->regions[own].base = cpu_to_le64(job->kbuf_dma);
	d->regions[own].size = cpu_to_le64(job->kbuf_size);
	d->cmd_region = cpu_to_le32(own);
	d->cmd_size = cpu_to_le32(job->cmd_size);
	d->done_region = cpu_to_le32(own);
	d->done_offset = cpu_to_le32(job->done_offset);
}

/*
 * Debian's 6.1 drm_sched signals the finished fence (the one syncobjs, BO
 * fences and sync_files carry) without the hardware fence's error: set it
 * there too, before the hardware fence's signal lets drm_sched signal it.
 * Only for a job's last run (a run cancelled by a reset runs again).
 */
static void tma_job_set_fence_error(struct tma_job *job, int error)
{
	struct dma_fence *finished = &job->base.s_fence->finished;

	dma_fence_set_error(job->hw_fence, error);
	if (!test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &finished->flags))
		dma_fence_set_error(finished, error);
}

void tma_job_complete(struct tma_job *job)
{
	struct tma_done *d = job->kbuf + job->done_offset;
	u32 status = le32_to_cpu(d->status);

	/* The device wrote no record, or not this job's: say so, never guess. */
	if (le32_to_cpu(d->seqno) != job->seqno)
		status = DRM_TMA_STATUS_BAD_DONE;
	tma_job_set_status(job, status, status == DRM_TMA_STATUS_BAD_DONE ? NULL : d);
	if (status == TMA_OK) {
		atomic_inc(&job->tdev->jobs_ok);
	} else {
		atomic_inc(&job->tdev->jobs_failed);
		tma_job_set_fence_error(job, -EIO);
	}
	dma_fence_signal(job->hw_fence);
}

/*
 * End the device run of a job that will not complete. After a reset the job
 * runs again (@final false); on removal it never will.
 */
void tma_job_cancel(struct tma_job *job, int error, bool final)
{
	if (dma_fence_is_signaled(job->hw_fence))
		return;
	if (final) {
		tma_job_set_status(job, DRM_TMA_STATUS_CANCELED, NULL);
		tma_job_set_fence_error(job, error);
	} else {
		dma_fence_set_error(job->hw_fence, error);
	}
	dma_fence_signal(job->hw_fence);
}

/* ---- drm_sched backend ------------------------------------------------- */

static const char *tma_fence_driver_name(struct dma_fence *fence)
{
	return "tmaccel";
}

static const char *tma_fence_timeline_name(struct dma_fence *fence)
{
	return "tma-ring";
}

static const struct dma_fence_ops tma_fence_ops = {
	.get_driver_name = tma_fence_driver_name,
	.get_timeline_name = tma_fence_timeline_name,
};

static struct dma_fence *tma_job_run(struct drm_sched_job *sched_job)
{
	struct tma_job *job = to_tma_job(sched_job);
	struct tma_device *tdev = job->tdev;
	struct dma_fence *fence;

	if (job->timed_out)
		return ERR_PTR(-ETIMEDOUT);
	if (READ_ONCE(tdev->dead))
		return ERR_PTR(-ENODEV);
	if (sched_job->s_fence->finished.error)
		return NULL;
	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	if (!fence)
		return ERR_PTR(-ENOMEM);
	dma_fence_init(fence, &tma_fence_ops, &tdev->fence_lock, tdev->fence_context,
		       ++tdev->fence_seqno);
	dma_fence_put(job->hw_fence);
	job->hw_fence = dma_fence_get(fence);
	/* A run starts from a clean record, so a stale one is never read. */
	memset(job->kbuf + job->done_offset, 0, TMA_DONE_SIZE);
	tma_device_ring_push(tdev, job);
	return fence;
}

static void tma_job_requeue(struct drm_sched_job *sched_job)
{
	struct drm_gpu_scheduler *sched = sched_job->sched;

	/* drm_sched took the job off the pending list; it is still running. */
	spin_lock(&sched->job_list_lock);
	list_add(&sched_job->list, &sched->pending_list);
	spin_unlock(&sched->job_list_lock);
}

/* Not dead: put a slow job back, or reset the device under a stuck one. */
static enum drm_gpu_sched_stat tma_job_recover(struct tma_device *tdev, struct tma_job *job)
{
	struct drm_sched_job *sched_job = &job->base;
	u32 progress, jobs_done;

	progress = tma_read(tdev, TMA_REG_PROGRESS);
	jobs_done = tma_read(tdev, TMA_REG_JOBS_DONE);
	/* No hw_fence: the timer started just before run_job(); not stuck yet. */
	if (!job->hw_fence || dma_fence_is_signaled(job->hw_fence) ||
	    progress != tdev->last_progress || jobs_done != tdev->last_jobs_done) {
		tdev->last_progress = progress;
		tdev->last_jobs_done = jobs_done;
		tma_job_requeue(sched_job);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	drm_warn(&tdev->drm, "job %u: no progress in %u ms, resetting the device\n",
		 job->seqno, timeout_ms);
	atomic_inc(&tdev->timeouts);
	drm_sched_stop(&tdev->sched, sched_job);
	job->timed_out = true;
	tma_job_set_status(job, DRM_TMA_STATUS_TIMEOUT, NULL);
	tma_device_hw_reset(tdev);
	tdev->last_progress = tma_read(tdev, TMA_REG_PROGRESS);
	tdev->last_jobs_done = tma_read(tdev, TMA_REG_JOBS_DONE);
	/* The hung job gets -ETIMEDOUT from run_job; the others run again. */
	drm_sched_resubmit_jobs(&tdev->sched);
	drm_sched_start(&tdev->sched, true);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static enum drm_gpu_sched_stat tma_job_timedout(struct drm_sched_job *sched_job)
{
	struct tma_job *job = to_tma_job(sched_job);
	struct tma_device *tdev = job->tdev;
	enum drm_gpu_sched_stat ret;

	/* Removal sets dead under reset_lock: it never meets a reset half done. */
	mutex_lock(&tdev->reset_lock);
	if (tdev->dead) {
		tma_job_requeue(sched_job);
		ret = DRM_GPU_SCHED_STAT_ENODEV;
	} else {
		ret = tma_job_recover(tdev, job);
	}
	mutex_unlock(&tdev->reset_lock);
	return ret;
}

static void tma_job_free(struct drm_sched_job *sched_job)
{
	struct tma_job *job = to_tma_job(sched_job);
	struct tma_device *tdev = job->tdev;
	u32 i;

	/*
	 * drm_sched holds the last run's hardware fence (s_fence->parent) until
	 * the finished fence is released, which a sync_file can delay past
	 * rmmod: releasing it then reads this module's fence ops (an Oops).
	 * The job is done and off the pending list, nothing reads parent any
	 * more: drop that reference now.
	 */
	dma_fence_put(xchg(&sched_job->s_fence->parent, NULL));
	drm_sched_job_cleanup(sched_job);
	/* A job that never reached the device still ends with a status. */
	if (!job->hw_fence)
		tma_job_set_status(job, DRM_TMA_STATUS_CANCELED, NULL);
	dma_fence_put(job->hw_fence);
	dma_fence_put(job->done_fence);
	for (i = 0; i < job->nbos; i++)
		drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	if (job->kbuf)
		dma_free_coherent(tdev->drm.dev, job->kbuf_size, job->kbuf, job->kbuf_dma);
	tma_file_put_job(tdev, job->tfile);
	kref_put(&job->tfile->ref, tma_file_release);
	kfree(job);
	drm_dev_put(&tdev->drm);
}

static const struct drm_sched_backend_ops tma_sched_ops = {
	.run_job = tma_job_run,
	.timedout_job = tma_job_timedout,
	.free_job = tma_job_free,
};

int tma_job_sched_init(struct tma_device *tdev)
{
	const struct drm_sched_init_args args = {
		.ops = &tma_sched_ops,
		/* One ring slot stays empty so a full ring differs from an empty one. */
		.credit_limit = TMA_RING_ENTRIES - 1,
		.hang_limit = 0,
		.timeout = msecs_to_jiffies(timeout_ms),
		.name = "tmaccel",
		.dev = tdev->dev,
	};

	tdev->fence_context = dma_fence_context_alloc(1);
	spin_lock_init(&tdev->fence_lock);
	return drm_sched_init(&tdev->sched, &args);
}

/* ---- SUBMIT ------------------------------------------------------------ */

static int tma_submit_check_args(const struct drm_tma_submit *args)
{
	if (args->flags || args->pad)
		return -EINVAL;
	if (!args->region_count || args->region_count > DRM_TMA_MAX_USER_REGIONS)
		return -EINVAL;
	if (args->in_syncobj_count > DRM_TMA_MAX_IN_SYNCOBJS)
		return -EINVAL;
	return 0;
}

static int tma_submit_stream_shape(struct drm_tma_submit *args, size_t bo_size)
{
	if (!args->cmd_size || args->cmd_size % TMA_CMD_SIZE ||
	    args->cmd_size / TMA_CMD_SIZE > DRM_TMA_MAX_CMDS ||
	    args->cmd_offset % TMA_CMD_STREAM_ALIGN ||
	    (u64)args->cmd_offset + args->cmd_size > bo_size) {
		args->error_reason = DRM_TMA_REJECT_STREAM;
		return -EINVAL;
	}
	return 0;
}

/* Copy the stream out of the command BO and validate the copy. */
static int tma_submit_copy_stream(struct tma_job *job, struct drm_file *file,
				  struct drm_tma_submit *args)
{
	struct tma_device *tdev = job->tdev;
	struct tma_validate_result res;
	u64 sizes[DRM_TMA_MAX_USER_REGIONS];
	struct drm_gem_object *cmd_obj;
	u32 i;
	int ret;

	cmd_obj = drm_gem_object_lookup(file, args->cmd_handle);
	if (!cmd_obj)
		return -ENOENT;
	ret = tma_submit_stream_shape(args, cmd_obj->size);
	if (ret)
		goto out;
	job->cmd_size = args->cmd_size;
	job->done_offset = args->cmd_size;
	job->kbuf_size = args->cmd_size + TMA_DONE_SIZE;
	job->kbuf = dma_alloc_coherent(tdev->drm.dev, job->kbuf_size, &job->kbuf_dma,
				       GFP_KERNEL | __GFP_NOWARN);
	if (!job->kbuf) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(job->kbuf, to_tma_bo(cmd_obj)->vaddr + args->cmd_offset, args->cmd_size);
	for (i = 0; i < job->nbos; i++)
		sizes[i] = job->bos[i]->size;
	ret = tma_validate_stream(job->kbuf, args->cmd_size / TMA_CMD_SIZE, sizes, job->nbos,
				  tdev->caps, &res);
	if (ret) {
		args->error_cmd = res.cmd;
		args->error_reason = res.reason;
		drm_dbg(&tdev->drm, "stream refused: command %u, reason %u, operand %u\n",
			res.cmd, res.reason, res.opnd);
	} else {
		/* Commands after END never run; the device need not read them. */
		job->cmd_size = (res.cmd + 1) * TMA_CMD_SIZE;
	}
out:
	drm_gem_object_put(cmd_obj);
	return ret;
}

static int tma_submit_in_syncobjs(struct tma_job *job, struct drm_file *file,
				  const struct drm_tma_submit *args)
{
	u32 __user *handles = u64_to_user_ptr(args->in_syncobjs);
	u32 i, h;
	int ret;

	for (i = 0; i < args->in_syncobj_count; i++) {
		struct dma_fence *fence;

		if (get_user(h, handles + i))
			return -EFAULT;
		ret = drm_syncobj_find_fence(file, h, 0, 0, &fence);
		if (ret)
			return ret;
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

/* The BOs without repeats, for locking (a BO may be named twice). */
static u32 tma_unique_bos(struct tma_job *job, struct drm_gem_object **uniq)
{
	u32 i, j, n = 0;

	for (i = 0; i < job->nbos; i++) {
		for (j = 0; j < n && uniq[j] != job->bos[i]; j++)
			;
		if (j == n)
			uniq[n++] = job->bos[i];
	}
	return n;
}

/*
 * Give the job a device seqno, an id and a QUEUED status slot. Seqno 0 is
 * never used: a run starts from a zeroed completion record, which must not
 * pass for the job's own.
 */
static void tma_job_assign_id(struct tma_job *job)
{
	struct tma_file *tfile = job->tfile;
	struct drm_tma_job_status *st;

	do
		job->seqno = (u32)atomic_inc_return(&job->tdev->next_seqno);
	while (!job->seqno);
	spin_lock_irq(&tfile->lock);
	job->id = tfile->next_id++;
	st = &tfile->st[job->id % TMA_STATUS_SLOTS];
	memset(st, 0, sizeof(*st));
	st->job_id = job->id;
	st->state = DRM_TMA_JOB_QUEUED;
	spin_unlock_irq(&tfile->lock);
}

/* Wait for the BOs' earlier users, then make the job their new one and queue it. */
static int tma_submit_push(struct tma_job *job, struct drm_syncobj *out)
{
	struct drm_gem_object *uniq[DRM_TMA_MAX_USER_REGIONS];
	struct ww_acquire_ctx ctx;
	u32 i, n = tma_unique_bos(job, uniq);
	int ret;

	ret = drm_gem_lock_reservations(uniq, n, &ctx);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = dma_resv_reserve_fences(uniq[i]->resv, 1);
		if (!ret)
			ret = drm_sched_job_add_implicit_dependencies(&job->base, uniq[i], true);
		if (ret)
			goto unlock;
	}
	/* Nothing fails from here on: only now does the job take an id. */
	tma_job_assign_id(job);
	mutex_lock(&job->tdev->submit_lock);
	drm_sched_job_arm(&job->base);
	job->done_fence = dma_fence_get(&job->base.s_fence->finished);
	for (i = 0; i < n; i++)
		dma_resv_add_fence(uniq[i]->resv, job->done_fence, DMA_RESV_USAGE_WRITE);
	if (out)
		drm_syncobj_replace_fence(out, job->done_fence);
	kref_get(&job->tfile->ref);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&job->tdev->submit_lock);
unlock:
	drm_gem_unlock_reservations(uniq, n, &ctx);
	return ret;
}

static struct tma_job *tma_job_alloc(struct tma_device *tdev, struct tma_file *tfile)
{
	struct tma_job *job = kzalloc(sizeof(*job), GFP_KERNEL);

	if (!job)
		return NULL;
	/*
	 * After an unbind, the last close frees the device while drm_sched's
	 * work items may still free this file's killed jobs: each job keeps
	 * the device (its scheduler, its struct device) until it is freed.
	 */
	drm_dev_get(&tdev->drm);
	job->tdev = tdev;
	job->tfile = tfile;
	job->submitted = ktime_get();
	return job;
}

/* Undo what SUBMIT did before the job was pushed. */
static void tma_job_abort(struct tma_job *job, bool sched_inited)
{
	u32 i;

	if (sched_inited)
		drm_sched_job_cleanup(&job->base);
	for (i = 0; i < job->nbos; i++)
		if (job->bos[i])
			drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	if (job->kbuf)
		dma_free_coherent(job->tdev->drm.dev, job->kbuf_size, job->kbuf, job->kbuf_dma);
	drm_dev_put(&job->tdev->drm);
	kfree(job);
}

static int tma_submit(struct tma_device *tdev, struct drm_tma_submit *args,
		      struct drm_file *file)
{
	struct drm_syncobj *out = NULL;
	struct tma_job *job;
	int ret;

	if (args->out_syncobj) {
		out = drm_syncobj_find(file, args->out_syncobj);
		if (!out)
			return -ENOENT;
	}
	job = tma_job_alloc(tdev, file->driver_priv);
	ret = -ENOMEM;
	if (!job)
		goto out_put;
	ret = drm_gem_objects_lookup(file, u64_to_user_ptr(args->regions), args->region_count,
				     &job->bos);
	/* On failure the array holds the BOs found so far: abort puts them. */
	if (job->bos)
		job->nbos = args->region_count;
	if (ret)
		goto err_job;
	ret = tma_submit_copy_stream(job, file, args);
	if (ret)
		goto err_job;
	ret = drm_sched_job_init(&job->base, &job->tfile->entity, job->tfile);
	if (ret)
		goto err_job;
	ret = tma_submit_in_syncobjs(job, file, args);
	if (ret)
		goto err_sched;
	ret = tma_submit_push(job, out);
	if (ret)
		goto err_sched;
	args->job_id = job->id;
	goto out_put;

err_sched:
	tma_job_abort(job, true);
	goto out_put;
err_job:
	tma_job_abort(job, false);
out_put:
	if (out)
		drm_syncobj_put(out);
	return ret;
}

int tma_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_tma_submit *args = data;
	int idx, ret;

	args->error_cmd = 0;
	args->error_reason = DRM_TMA_REJECT_NONE;
	ret = tma_submit_check_args(args);
	if (ret)
		return ret;
	ret = tma_submit_take_job(drm, file);
	if (ret)
		return ret;
	/*
	 * drm_ioctl() only checks for unplug on entry: hold the device so
	 * removal (drm_dev_unplug, then the scheduler's teardown) waits for a
	 * SUBMIT in progress instead of racing its push to the scheduler.
	 */
	ret = -ENODEV;
	if (drm_dev_enter(drm, &idx)) {
		ret = tma_submit(to_tma_device(drm), args, file);
		drm_dev_exit(idx);
	}
	/* A queued job gives its slot back when it is freed (tma_job_free). */
	if (ret)
		tma_file_put_job(to_tma_device(drm), file->driver_priv);
	return ret;
}
