// SPDX-License-Identifier: MIT
/*
 * backend_cpu.c - the CPU as a backend: buffers are 64-byte aligned host
 * memory and a job runs its ops' CPU implementations in order, synchronously
 * inside submit(). It is always present, and it is where the runtime runs
 * every op no device takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "backend.h"

#define CPU_BUF_HEAD 64 /* keeps the data after the list links 64-byte aligned */

struct tm_buf {
	struct tm_buf *next, *prev;
};

struct cpu_backend {
	struct tm_backend base;
	struct tm_buf bufs;              /* list head of live buffers */
	uint64_t seqno;                  /* fence of the last job */
	struct tm_job_status last;       /* its status (jobs finish inside submit) */
};

static struct cpu_backend *to_cpu(struct tm_backend *be)
{
	return (struct cpu_backend *)be;
}

static int cpu_open(struct tm_backend **out, const char *arg, char *err, size_t errlen)
{
	struct cpu_backend *cpu;

	if (arg) {
		tm_set_error(err, errlen, "device 'cpu' takes no argument (got '%s')", arg);
		return -EINVAL;
	}
	cpu = calloc(1, sizeof(*cpu));

	if (!cpu) {
		tm_set_error(err, errlen, "device 'cpu': out of memory");
		return -ENOMEM;
	}
	cpu->base.ops = &tm_backend_cpu_ops;
	cpu->bufs.next = cpu->bufs.prev = &cpu->bufs;
	*out = &cpu->base;
	return 0;
}

static void cpu_buf_free(struct tm_backend *be, struct tm_buf *buf)
{
	(void)be;
	if (!buf)
		return;
	buf->prev->next = buf->next;
	buf->next->prev = buf->prev;
	free(buf);
}

static void cpu_close(struct tm_backend *be)
{
	struct cpu_backend *cpu = to_cpu(be);

	while (cpu->bufs.next != &cpu->bufs)
		cpu_buf_free(be, cpu->bufs.next);
	free(cpu);
}

static void cpu_caps(const struct tm_backend *be, struct tm_backend_caps *caps)
{
	(void)be;
	memset(caps, 0, sizeof(*caps));
	caps->flags = TM_CAP_HOST_MEMORY | TM_CAP_CPU_OPS;
}

static int cpu_op_supported(const struct tm_backend *be, const struct tm_op_ctx *ctx, char *why,
			    size_t whylen)
{
	(void)be;
	if (tm_op_impl_get(ctx->op->opcode))
		return 1;
	tm_set_error(why, whylen, "no CPU implementation");
	return 0;
}

static int cpu_buf_alloc(struct tm_backend *be, size_t size, struct tm_buf **out)
{
	struct cpu_backend *cpu = to_cpu(be);
	struct tm_buf *buf;
	size_t total;

	/* aligned_alloc wants a multiple of the alignment; 0 bytes is still a buffer. */
	if (size > SIZE_MAX - 2 * CPU_BUF_HEAD)
		return -ENOMEM;
	total = CPU_BUF_HEAD + ((size + CPU_BUF_HEAD - 1) & ~(size_t)(CPU_BUF_HEAD - 1));
	buf = aligned_alloc(CPU_BUF_HEAD, total);
	if (!buf)
		return -ENOMEM;
	buf->next = cpu->bufs.next;
	buf->prev = &cpu->bufs;
	cpu->bufs.next->prev = buf;
	cpu->bufs.next = buf;
	*out = buf;
	return 0;
}

static void *cpu_buf_map(struct tm_backend *be, struct tm_buf *buf)
{
	(void)be;
	return (uint8_t *)buf + CPU_BUF_HEAD;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Run the ops of @job in order; the first failing eval ends the job. */
static void cpu_run(const struct tm_job *job, struct tm_job_status *st)
{
	for (unsigned i = 0; i < job->n_ops; i++) {
		struct tm_op_ctx *ctx = &job->ctx[i];
		uint64_t t0 = job->op_ns ? now_ns() : 0;
		int ret = job->impl[i]->eval(ctx);

		if (job->op_ns)
			job->op_ns[i] = now_ns() - t0;
		if (ret) {
			st->error = ret < 0 ? ret : -EIO;
			st->failed_op = job->first_op + i;
			snprintf(st->msg, sizeof(st->msg), "eval failed (%s)", strerror(-st->error));
			return;
		}
	}
}

static int cpu_submit(struct tm_backend *be, struct tm_job *job, uint64_t *fence)
{
	struct cpu_backend *cpu = to_cpu(be);

	if (!job->ctx || !job->impl)
		return -EINVAL; /* a command stream is for a device, not the CPU */
	memset(&cpu->last, 0, sizeof(cpu->last));
	cpu_run(job, &cpu->last);
	*fence = ++cpu->seqno;
	return 0;
}

static int cpu_wait(struct tm_backend *be, uint64_t fence, uint64_t timeout_ns,
		    struct tm_job_status *st)
{
	struct cpu_backend *cpu = to_cpu(be);

	(void)timeout_ns;
	/* Jobs finish in submit, so only the status of the latest is kept. */
	if (fence != cpu->seqno)
		return -EINVAL;
	*st = cpu->last;
	return 0;
}

const struct tm_backend_ops tm_backend_cpu_ops = {
	.name = "cpu",
	.open = cpu_open,
	.close = cpu_close,
	.caps = cpu_caps,
	.op_supported = cpu_op_supported,
	.buf_alloc = cpu_buf_alloc,
	.buf_map = cpu_buf_map,
	.buf_free = cpu_buf_free,
	.submit = cpu_submit,
	.wait = cpu_wait,
};
