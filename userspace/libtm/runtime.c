// SPDX-License-Identifier: MIT
/*
 * runtime.c - a model prepared to run (struct tm_runtime).
 *
 * tm_runtime_new() does all the work once: open the backend, plan the arena,
 * bind every tensor of subgraph 0 to the model's const data or to its arena
 * slot, prepare every op (its glue checks and precomputes), size the shared
 * scratch, place the ops and cut them into segments (contiguous ops with the
 * same placement), and lower the device segments to command streams (weights,
 * requantization tables and commands built here, once). tm_runtime_invoke()
 * then only submits the segments: no allocation, no lookups. A device
 * segment that fails is re-run on the CPU; the invoke succeeds and
 * tm_runtime_error() says what happened. Subgraphs other than 0 hold IF bodies, which have
 * no opcode yet, so only subgraph 0 runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "backend.h"
#include "lower_tma.h"
#include "partition.h"
#include "planner.h"

/* Per-op state from tm_op_alloc_state(), chained for release. */
struct rt_state {
	struct rt_state *next;
};
#define RT_STATE_HEAD 64 /* the state itself stays 64-byte aligned */

struct rt_segment {
	struct tm_backend *be;
	unsigned first, n;
	uint64_t cmd_offset, cmd_bytes;  /* device: the segment's stream in cmd_buf */
};

/* A device op's own stream (its commands + END), for per-layer cycles. */
struct rt_op_cmds {
	uint64_t offset, bytes;
};

struct tm_runtime {
	const struct tm_model *model;
	const struct tm_fmt_subgraph *sg;
	const uint32_t *io;              /* subgraph 0's inputs, then outputs */
	unsigned n_ops;
	struct tm_backend *be;           /* the device asked for (maybe the CPU) */
	struct tm_backend *cpu;          /* the CPU backend (== be for "cpu") */
	struct tm_backend *dev;          /* be if it runs TMA commands, else NULL */
	struct tm_backend_caps caps;     /* of dev */
	struct tm_tensor *tensors;       /* one per model tensor */
	struct tm_op_ctx *ctx;           /* one per op of subgraph 0 */
	const struct tm_op_impl **impl;
	struct tm_layer_profile *prof;
	uint64_t *op_ns;
	struct rt_segment *segs;
	unsigned n_segs;
	struct tm_buf *arena_buf, *scratch_buf;
	struct tm_buf *const_buf, *cmd_buf; /* device: weights + channel tables, commands */
	uint64_t const_size;
	uint8_t *on_dev;                 /* per op: placed on the device */
	char (*reasons)[TM_REASON_LEN];  /* per op: why it runs where it runs */
	struct rt_op_cmds *op_cmds;
	size_t arena_size, scratch_size;
	struct rt_state *states;
	unsigned profile;
	char err[TM_ERRLEN];
};

static const char *op_name(const struct tm_runtime *rt, const struct tm_fmt_op *op)
{
	return tm_model_string(rt->model, op->name);
}

/* "op 3 (CONV_2D 'name'): " followed by the message. */
static void op_verror(struct tm_runtime *rt, unsigned index, const char *fmt, va_list ap)
{
	const struct tm_fmt_op *op = &rt->model->ops[rt->sg->ops_first + index];
	const char *opname = tm_opcode_name(op->opcode);
	int n = snprintf(rt->err, sizeof(rt->err), "op %u (%s '%s'): ", index,
			 opname ? opname : "?", op_name(rt, op));

	if (n >= 0 && (size_t)n < sizeof(rt->err))
		vsnprintf(rt->err + n, sizeof(rt->err) - (size_t)n, fmt, ap);
}

static void op_error(struct tm_runtime *rt, unsigned index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void op_error(struct tm_runtime *rt, unsigned index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	op_verror(rt, index, fmt, ap);
	va_end(ap);
}

int tm_op_fail(struct tm_op_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	op_verror(ctx->rt, ctx->index, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * The first allocation of an op also becomes ctx->state, so simple ops need
 * not store it; ops with several blocks keep the pointers in their state.
 */
void *tm_op_alloc_state(struct tm_op_ctx *ctx, size_t size)
{
	struct tm_runtime *rt = ctx->rt;
	struct rt_state *s;

	if (size > SIZE_MAX - 2 * RT_STATE_HEAD)
		return NULL;
	size = (size + RT_STATE_HEAD - 1) & ~(size_t)(RT_STATE_HEAD - 1);
	s = aligned_alloc(RT_STATE_HEAD, RT_STATE_HEAD + size);
	if (!s)
		return NULL;
	memset(s, 0, RT_STATE_HEAD + size);
	s->next = rt->states;
	rt->states = s;
	if (!ctx->state)
		ctx->state = (uint8_t *)s + RT_STATE_HEAD;
	return (uint8_t *)s + RT_STATE_HEAD;
}

static void *arena_base(struct tm_runtime *rt)
{
	return rt->be->ops->buf_map(rt->be, rt->arena_buf);
}

/* Plan the arena and point every tensor at its data. */
static int bind_tensors(struct tm_runtime *rt)
{
	const struct tm_model *m = rt->model;
	struct tm_plan_item *items = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(*items));
	uint64_t size = 0;
	uint8_t *arena;
	int ret;

	if (!items)
		return -ENOMEM;
	ret = tm_plan_lifetimes(m, items, rt->err, sizeof(rt->err));
	if (!ret && rt->dev)
		tm_partition_extend_lifetimes(m, items);
	if (!ret)
		ret = tm_plan_arena(items, m->n_tensors, &size);
	if (!ret && size > SIZE_MAX)
		ret = -EOVERFLOW;
	if (!ret)
		ret = rt->be->ops->buf_alloc(rt->be, (size_t)size, &rt->arena_buf);
	if (ret) {
		if (!rt->err[0])
			snprintf(rt->err, sizeof(rt->err), "cannot allocate the %llu-byte arena: %s",
				 (unsigned long long)size, strerror(-ret));
		free(items);
		return ret;
	}
	rt->arena_size = (size_t)size;
	arena = arena_base(rt);

	for (uint32_t i = 0; i < m->n_tensors; i++) {
		const struct tm_fmt_tensor *ft = &m->tensors[i];
		struct tm_tensor *t = &rt->tensors[i];

		t->name = tm_model_string(m, ft->name);
		t->dtype = ft->dtype;
		t->layout = ft->layout;
		t->rank = ft->rank;
		memcpy(t->shape, ft->shape, sizeof(t->shape));
		t->q = ft->qparam_first != TM_FMT_NONE ? &m->qparams[ft->qparam_first] : NULL;
		t->q_count = t->q ? ft->qparam_count : 0;
		t->q_axis = ft->quant_axis;
		t->is_const = !!(ft->flags & TM_TENSOR_F_CONST);
		if (t->is_const) {
			/* Kernels take void *; const data is never written (mapped read-only). */
			t->data = (void *)(uintptr_t)(m->data + ft->data_offset);
			t->bytes = ft->data_size;
		} else if (items[i].size) {
			t->data = arena + items[i].offset;
			t->bytes = items[i].size;
		}
	}
	free(items);
	return 0;
}

/* Graph inputs are written by the caller: they cannot be constants. */
static int check_io(struct tm_runtime *rt)
{
	for (unsigned k = 0; k < rt->sg->n_inputs; k++) {
		const struct tm_tensor *t = &rt->tensors[rt->io[k]];

		if (t->is_const) {
			snprintf(rt->err, sizeof(rt->err), "graph input %u (tensor %u '%s') is constant",
				 k, rt->io[k], t->name);
			return -EINVAL;
		}
	}
	return 0;
}

static void bind_op(struct tm_runtime *rt, unsigned i)
{
	const struct tm_model *m = rt->model;
	const struct tm_fmt_op *op = &m->ops[rt->sg->ops_first + i];
	const uint32_t *in = tm_op_inputs(m, op), *out = tm_op_outputs(m, op);
	struct tm_op_ctx *ctx = &rt->ctx[i];

	ctx->rt = rt;
	ctx->index = i;
	ctx->op = op;
	ctx->options = op->options_size ? m->options + op->options_offset : NULL;
	ctx->n_in = op->n_inputs;
	ctx->n_out = op->n_outputs;
	for (unsigned k = 0; k < op->n_inputs; k++)
		ctx->in[k] = in[k] != TM_FMT_NONE ? &rt->tensors[in[k]] : NULL;
	for (unsigned k = 0; k < op->n_outputs; k++)
		ctx->out[k] = out[k] != TM_FMT_NONE ? &rt->tensors[out[k]] : NULL;
}

/* Bind and prepare every op; the shared scratch is the largest ask. */
static int prepare_ops(struct tm_runtime *rt)
{
	for (unsigned i = 0; i < rt->n_ops; i++) {
		struct tm_op_ctx *ctx = &rt->ctx[i];
		size_t scratch = 0;
		int ret;

		bind_op(rt, i);
		rt->impl[i] = tm_op_impl_get(ctx->op->opcode);
		if (!rt->impl[i]) {
			op_error(rt, i, "no CPU implementation");
			return -EINVAL;
		}
		ret = rt->impl[i]->prepare(ctx, &scratch);
		if (ret) {
			if (!rt->err[0])
				op_error(rt, i, "prepare failed (%s)", strerror(ret < 0 ? -ret : EINVAL));
			return ret < 0 ? ret : -EINVAL;
		}
		if (scratch > rt->scratch_size)
			rt->scratch_size = scratch;
	}
	return 0;
}

static int alloc_scratch(struct tm_runtime *rt)
{
	void *scratch = NULL;
	int ret;

	if (rt->scratch_size) {
		ret = rt->cpu->ops->buf_alloc(rt->cpu, rt->scratch_size, &rt->scratch_buf);
		if (ret) {
			snprintf(rt->err, sizeof(rt->err), "cannot allocate %zu bytes of scratch",
				 rt->scratch_size);
			return ret;
		}
		scratch = rt->cpu->ops->buf_map(rt->cpu, rt->scratch_buf);
	}
	for (unsigned i = 0; i < rt->n_ops; i++)
		rt->ctx[i].scratch = scratch;
	return 0;
}

/* MAC utilisation of a device layer: int4 weights double the array's rate. */
static double mac_util(const struct tm_runtime *rt, unsigned i, uint64_t cycles)
{
	double peak = (double)rt->caps.array_rows * rt->caps.array_cols *
		      (rt->ctx[i].in[1]->dtype == TM_DTYPE_INT4 ? 2 : 1);

	return cycles && peak > 0 ? (double)rt->ctx[i].macs / ((double)cycles * peak) : 0.0;
}

/*
 * Decide where each op runs and cut the ops into segments: maximal runs of
 * consecutive ops on the same backend, one job each. The reason of every
 * placement is what tmrun --profile shows.
 */
static int place_ops(struct tm_runtime *rt, int device_named, unsigned offload)
{
	rt->segs = calloc(rt->n_ops ? rt->n_ops : 1, sizeof(*rt->segs));
	if (!rt->segs)
		return -ENOMEM;
	for (unsigned i = 0; i < rt->n_ops; i++) {
		struct tm_backend *be;

		rt->on_dev[i] = (uint8_t)tm_partition_op(rt->dev, &rt->ctx[i], offload,
							 rt->reasons[i], TM_REASON_LEN);
		if (!rt->dev && device_named)
			snprintf(rt->reasons[i], TM_REASON_LEN, "device cpu requested");
		else if (!rt->dev)
			snprintf(rt->reasons[i], TM_REASON_LEN, "no accelerator present");
		be = rt->on_dev[i] ? rt->dev : rt->cpu;
		rt->prof[i] = (struct tm_layer_profile){
			.op = i, .placement = rt->on_dev[i] ? "device" : "cpu",
			.reason = rt->reasons[i], .macs = rt->ctx[i].macs,
		};
		if (!rt->n_segs || rt->segs[rt->n_segs - 1].be != be)
			rt->segs[rt->n_segs++] = (struct rt_segment){ .be = be, .first = i };
		rt->segs[rt->n_segs - 1].n++;
	}
	return 0;
}

/* Commands of a device segment: its ops' commands and END, then per op the same alone. */
static unsigned segment_cmds(const struct tm_runtime *rt, const struct rt_segment *s)
{
	unsigned n = 1;

	for (unsigned i = s->first; i < s->first + s->n; i++)
		n += 2 * tm_lower_cmd_count(&rt->ctx[i]) + 1;
	return n;
}

static int alloc_device_bufs(struct tm_runtime *rt, unsigned n_cmds)
{
	struct tm_backend *d = rt->dev;
	int ret;

	rt->const_size = 0;
	for (unsigned i = 0; i < rt->n_ops; i++)
		if (rt->on_dev[i])
			rt->const_size += tm_lower_const_bytes(&rt->ctx[i]);
	ret = d->ops->buf_alloc(d, rt->const_size, &rt->const_buf);
	if (!ret)
		ret = d->ops->buf_alloc(d, (size_t)n_cmds * TMA_CMD_SIZE, &rt->cmd_buf);
	if (ret)
		snprintf(rt->err, sizeof(rt->err), "cannot allocate device buffers for %u commands "
			 "and %llu bytes of weights", n_cmds, (unsigned long long)rt->const_size);
	return ret;
}

/* Lower one device segment at command @*pos and const offset @*koff. */
static int lower_segment(struct tm_runtime *rt, struct rt_segment *s, unsigned *pos,
			 uint64_t *koff)
{
	struct tma_cmd *cmds = rt->dev->ops->buf_map(rt->dev, rt->cmd_buf);
	uint8_t *konst = rt->dev->ops->buf_map(rt->dev, rt->const_buf);
	const void *arena = arena_base(rt);
	unsigned at = *pos, seg_start = *pos;
	char why[TM_REASON_LEN];

	for (unsigned i = s->first; i < s->first + s->n; i++) {
		unsigned n = tm_lower_cmd_count(&rt->ctx[i]);

		if (tm_lower_op(&rt->ctx[i], arena, konst + *koff, *koff, &cmds[at], why,
				sizeof(why))) {
			op_error(rt, i, "cannot lower to device commands: %s", why);
			return -EINVAL;
		}
		at += n;
		*koff += tm_lower_const_bytes(&rt->ctx[i]);
	}
	tm_lower_end(&cmds[at++]);
	s->cmd_offset = (uint64_t)seg_start * TMA_CMD_SIZE;
	s->cmd_bytes = (uint64_t)(at - seg_start) * TMA_CMD_SIZE;
	/* Each op alone, for per-layer cycles when profiling. */
	for (unsigned i = s->first, src = seg_start; i < s->first + s->n; i++) {
		unsigned n = tm_lower_cmd_count(&rt->ctx[i]);

		memcpy(&cmds[at], &cmds[src], (size_t)n * sizeof(*cmds));
		tm_lower_end(&cmds[at + n]);
		rt->op_cmds[i] = (struct rt_op_cmds){ (uint64_t)at * TMA_CMD_SIZE,
						      (uint64_t)(n + 1) * TMA_CMD_SIZE };
		src += n;
		at += n + 1;
	}
	*pos = at;
	return 0;
}

/* Build the device's weights, channel tables and command streams, once. */
static int lower_segments(struct tm_runtime *rt)
{
	unsigned n_cmds = 0, pos = 0;
	uint64_t koff = 0;
	int ret;

	for (unsigned k = 0; k < rt->n_segs; k++)
		if (rt->segs[k].be == rt->dev)
			n_cmds += segment_cmds(rt, &rt->segs[k]);
	if (!rt->dev || !n_cmds)
		return 0;
	ret = alloc_device_bufs(rt, n_cmds);
	for (unsigned k = 0; k < rt->n_segs && !ret; k++)
		if (rt->segs[k].be == rt->dev)
			ret = lower_segment(rt, &rt->segs[k], &pos, &koff);
	return ret;
}

static int alloc_tables(struct tm_runtime *rt)
{
	unsigned nt = rt->model->n_tensors ? rt->model->n_tensors : 1;
	unsigned no = rt->n_ops ? rt->n_ops : 1;

	rt->tensors = calloc(nt, sizeof(*rt->tensors));
	rt->ctx = calloc(no, sizeof(*rt->ctx));
	rt->impl = calloc(no, sizeof(*rt->impl));
	rt->prof = calloc(no, sizeof(*rt->prof));
	rt->op_ns = calloc(no, sizeof(*rt->op_ns));
	rt->on_dev = calloc(no, sizeof(*rt->on_dev));
	rt->reasons = calloc(no, sizeof(*rt->reasons));
	rt->op_cmds = calloc(no, sizeof(*rt->op_cmds));
	return rt->tensors && rt->ctx && rt->impl && rt->prof && rt->op_ns && rt->on_dev &&
	       rt->reasons && rt->op_cmds ? 0 : -ENOMEM;
}

static int open_backends(struct tm_runtime *rt, const char *device)
{
	int ret = tm_backend_open(device, &rt->be, rt->err, sizeof(rt->err));

	if (ret)
		return ret;
	if (!strcmp(rt->be->ops->name, "cpu")) {
		rt->cpu = rt->be;
		return 0;
	}
	rt->be->ops->caps(rt->be, &rt->caps);
	if (rt->caps.flags & TM_CAP_TMA_CMDS)
		rt->dev = rt->be;
	return tm_backend_open("cpu", &rt->cpu, rt->err, sizeof(rt->err));
}

/* The offload policy: the option, unless TM_OFFLOAD=cost|all says otherwise. */
static int offload_policy(struct tm_runtime *rt, const struct tm_runtime_options *opts,
			  unsigned *offload)
{
	const char *env = getenv("TM_OFFLOAD");

	*offload = opts ? opts->offload : TM_OFFLOAD_COST;
	if (env && *env) {
		if (strcmp(env, "cost") && strcmp(env, "all")) {
			snprintf(rt->err, sizeof(rt->err), "TM_OFFLOAD=%.64s: expected 'cost' or 'all'",
				 env);
			return -EINVAL;
		}
		*offload = strcmp(env, "all") ? TM_OFFLOAD_COST : TM_OFFLOAD_ALL;
	}
	if (*offload != TM_OFFLOAD_COST && *offload != TM_OFFLOAD_ALL) {
		snprintf(rt->err, sizeof(rt->err), "offload policy %u: expected TM_OFFLOAD_COST or "
			 "TM_OFFLOAD_ALL", *offload);
		return -EINVAL;
	}
	return 0;
}

static int runtime_setup(struct tm_runtime *rt, const struct tm_runtime_options *opts)
{
	const char *device = opts ? opts->device : NULL;
	unsigned offload;
	int ret;

	if (!rt->model->n_subgraphs) {
		snprintf(rt->err, sizeof(rt->err), "model has no subgraph");
		return -EINVAL;
	}
	rt->sg = &rt->model->subgraphs[0];
	rt->io = rt->model->operands + rt->sg->operands_first;
	rt->n_ops = rt->sg->ops_count;
	rt->profile = opts ? !!opts->profile : 0;

	ret = offload_policy(rt, opts, &offload);
	if (!ret)
		ret = alloc_tables(rt);
	if (ret)
		return ret;
	ret = open_backends(rt, device);
	if (!ret)
		ret = bind_tensors(rt);
	if (!ret)
		ret = check_io(rt);
	if (!ret)
		ret = prepare_ops(rt);
	if (!ret)
		ret = alloc_scratch(rt);
	if (!ret)
		ret = place_ops(rt, device && strcmp(device, "auto"), offload);
	if (!ret)
		ret = lower_segments(rt);
	return ret;
}

int tm_runtime_new(const struct tm_model *model, const struct tm_runtime_options *opts,
		   struct tm_runtime **out, char *err, size_t errlen)
{
	struct tm_runtime *rt;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!model) {
		tm_set_error(err, errlen, "no model");
		return -EINVAL;
	}
	rt = calloc(1, sizeof(*rt));
	if (!rt) {
		tm_set_error(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rt->model = model;
	ret = runtime_setup(rt, opts);
	if (ret) {
		if (!rt->err[0])
			snprintf(rt->err, sizeof(rt->err), "%s", strerror(-ret));
		tm_set_error(err, errlen, "%s", rt->err);
		tm_runtime_del(rt);
		return ret;
	}
	*out = rt;
	return 0;
}

void tm_runtime_del(struct tm_runtime *rt)
{
	if (!rt)
		return;
	while (rt->states) {
		struct rt_state *next = rt->states->next;
		free(rt->states);
		rt->states = next;
	}
	if (rt->scratch_buf)
		rt->cpu->ops->buf_free(rt->cpu, rt->scratch_buf);
	if (rt->cmd_buf)
		rt->dev->ops->buf_free(rt->dev, rt->cmd_buf);
	if (rt->const_buf)
		rt->dev->ops->buf_free(rt->dev, rt->const_buf);
	if (rt->arena_buf)
		rt->be->ops->buf_free(rt->be, rt->arena_buf);
	if (rt->cpu != rt->be)
		tm_backend_close(rt->cpu);
	tm_backend_close(rt->be);
	free(rt->segs);
	free(rt->op_cmds);
	free(rt->reasons);
	free(rt->on_dev);
	free(rt->op_ns);
	free(rt->prof);
	free(rt->impl);
	free(rt->ctx);
	free(rt->tensors);
	free(rt);
}

const char *tm_runtime_error(const struct tm_runtime *rt)
{
	return rt ? rt->err : "";
}

const char *tm_runtime_device(const struct tm_runtime *rt)
{
	return rt->be->ops->name;
}

size_t tm_runtime_arena_size(const struct tm_runtime *rt)
{
	return rt->arena_size;
}

static struct tm_tensor *io_tensor(struct tm_runtime *rt, unsigned k, size_t *bytes)
{
	struct tm_tensor *t = &rt->tensors[rt->io[k]];

	if (bytes)
		*bytes = t->bytes;
	return t;
}

void *tm_runtime_input(struct tm_runtime *rt, unsigned i, size_t *bytes)
{
	if (i >= rt->sg->n_inputs)
		return NULL;
	return io_tensor(rt, i, bytes)->data;
}

const void *tm_runtime_output(struct tm_runtime *rt, unsigned i, size_t *bytes)
{
	if (i >= rt->sg->n_outputs)
		return NULL;
	return io_tensor(rt, rt->sg->n_inputs + i, bytes)->data;
}

static int run_job(struct tm_runtime *rt, struct tm_backend *be, struct tm_job *job,
		   struct tm_job_status *st)
{
	uint64_t fence;
	int ret = be->ops->submit(be, job, &fence);

	if (!ret)
		ret = be->ops->wait(be, fence, 0, st);
	if (ret)
		op_error(rt, job->first_op, "device %s: job not run (%s)", be->ops->name,
			 strerror(-ret));
	return ret;
}

static int run_cpu(struct tm_runtime *rt, unsigned first, unsigned n)
{
	struct tm_job job = {
		.first_op = first,
		.n_ops = n,
		.ctx = &rt->ctx[first],
		.impl = &rt->impl[first],
		.op_ns = rt->profile ? &rt->op_ns[first] : NULL,
	};
	struct tm_job_status st;
	int ret = run_job(rt, rt->cpu, &job, &st);

	if (ret)
		return ret;
	if (st.error)
		op_error(rt, st.failed_op, "%s", st.msg);
	return st.error;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One device job over [@offset, @offset + @bytes) of the command buffer. */
static int run_dev_job(struct tm_runtime *rt, unsigned first, unsigned n, uint64_t offset,
		       uint64_t bytes, struct tm_job_status *st)
{
	struct tm_job job = {
		.first_op = first,
		.n_ops = n,
		.cmd = rt->cmd_buf,
		.cmd_offset = offset,
		.cmd_bytes = bytes,
		.regions = {
			[TM_LOWER_RGN_ARENA] = { rt->arena_buf, 0, rt->arena_size },
			[TM_LOWER_RGN_CONST] = { rt->const_buf, 0, rt->const_size },
		},
		.n_regions = TM_LOWER_N_REGIONS,
	};

	return run_job(rt, rt->dev, &job, st);
}

/* Profiling: each op of the segment as its own job, for its cycles. */
static int run_dev_profiled(struct tm_runtime *rt, const struct rt_segment *s,
			    struct tm_job_status *st)
{
	for (unsigned i = s->first; i < s->first + s->n; i++) {
		uint64_t t0 = now_ns();
		int ret = run_dev_job(rt, i, 1, rt->op_cmds[i].offset, rt->op_cmds[i].bytes, st);

		if (ret || st->error)
			return ret;
		rt->op_ns[i] = now_ns() - t0;
		rt->prof[i].cycles = st->cycles;
		rt->prof[i].mac_util = mac_util(rt, i, st->cycles);
	}
	return 0;
}

/*
 * A device segment; if the device fails it, the CPU re-runs the whole
 * segment (its inputs are still intact: see tm_partition_extend_lifetimes),
 * and the runtime's error message keeps the account as a warning.
 */
static int run_dev(struct tm_runtime *rt, const struct rt_segment *s)
{
	struct tm_job_status st;
	char msg[TM_ERRLEN];
	int ret;

	memset(&st, 0, sizeof(st));
	if (rt->profile)
		ret = run_dev_profiled(rt, s, &st);
	else
		ret = run_dev_job(rt, s->first, s->n, s->cmd_offset, s->cmd_bytes, &st);
	if (ret)
		return ret;
	if (!st.error)
		return 0;
	snprintf(msg, sizeof(msg), "%s", st.msg);
	ret = run_cpu(rt, s->first, s->n);
	if (ret)
		return ret;
	for (unsigned i = s->first; i < s->first + s->n; i++)
		rt->prof[i].cycles = 0, rt->prof[i].mac_util = 0.0;
	op_error(rt, s->first, "%s; ops %u..%u re-run on the CPU", msg, s->first,
		 s->first + s->n - 1);
	return 0;
}

int tm_runtime_invoke(struct tm_runtime *rt)
{
	rt->err[0] = '\0';
	for (unsigned k = 0; k < rt->n_segs; k++) {
		const struct rt_segment *s = &rt->segs[k];
		int ret = s->be == rt->dev && rt->dev ? run_dev(rt, s) : run_cpu(rt, s->first, s->n);

		if (ret)
			return ret;
	}
	if (rt->profile)
		for (unsigned i = 0; i < rt->n_ops; i++)
			rt->prof[i].ns = rt->op_ns[i];
	return 0;
}

int tm_runtime_profile(const struct tm_runtime *rt, unsigned op, struct tm_layer_profile *prof)
{
	if (op >= rt->n_ops)
		return -EINVAL;
	*prof = rt->prof[op];
	return 0;
}
