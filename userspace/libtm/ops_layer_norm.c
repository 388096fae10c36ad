// SPDX-License-Identifier: MIT
/*
 * ops_layer_norm.c - glue of LAYER_NORM to kernels/layer_norm.h: float32 in
 * and out of the same shape, gamma and beta (optional) shaped like the
 * normalized trailing axes.
 */
#include <errno.h>
#include "layer_norm.h"
#include "ops.h"

struct ln_state {
	size_t outer, inner;
};

/* gamma/beta: float32 constants of exactly the normalized axes' shape. */
static int check_param(struct tm_op_ctx *ctx, const struct tm_tensor *p, int32_t axis)
{
	const struct tm_tensor *x = ctx->in[0];

	if (!p)
		return 0;
	if (tm_op_check_dtype(ctx, p, "tensor", TM_DTYPE_FLOAT32))
		return -EINVAL;
	if (p->rank != x->rank - (unsigned)axis)
		return tm_op_fail(ctx, "'%s' must have the shape of the normalized axes", p->name);
	for (unsigned i = 0; i < p->rank; i++)
		if (p->shape[i] != x->shape[(unsigned)axis + i])
			return tm_op_fail(ctx, "'%s' must have the shape of the normalized axes",
					  p->name);
	return 0;
}

static int ln_prepare(struct tm_op_ctx *ctx, size_t *scratch)
{
	const struct tm_layer_norm_options *o = ctx->options;
	const struct tm_tensor *x;
	struct ln_state *s;

	(void)scratch;
	if (ctx->n_out != 1 || !ctx->out[0] || ctx->n_in < 1 || ctx->n_in > 3 || !ctx->in[0])
		return tm_op_fail(ctx, "takes x, gamma (optional), beta (optional) and 1 output");
	x = ctx->in[0];
	if (tm_op_check_dtype(ctx, x, "tensor", TM_DTYPE_FLOAT32) ||
	    tm_op_check_dtype(ctx, ctx->out[0], "tensor", TM_DTYPE_FLOAT32) ||
	    tm_op_same_shape(ctx, x, ctx->out[0]))
		return -EINVAL;
	if (o->axis < 0 || (unsigned)o->axis >= x->rank)
		return tm_op_fail(ctx, "axis %d is outside the input's rank %u", o->axis, x->rank);
	if (!(o->epsilon > 0) || o->epsilon > 1.0f)
		return tm_op_fail(ctx, "epsilon %g must be in (0, 1]", (double)o->epsilon);
	for (unsigned k = 1; k < ctx->n_in; k++)
		if (check_param(ctx, ctx->in[k], o->axis))
			return -EINVAL;
	s = tm_op_new_state(ctx, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->outer = 1;
	s->inner = 1;
	for (unsigned i = 0; i < x->rank; i++) {
		if (i < (unsigned)o->axis)
			s->outer *= (size_t)x->shape[i];
		else
			s->inner *= (size_t)x->shape[i];
	}
	return 0;
}

static int ln_eval(struct tm_op_ctx *ctx)
{
	const struct tm_layer_norm_options *o = ctx->options;
	const struct ln_state *s = ctx->state;
	const struct tm_tensor *g = ctx->n_in > 1 ? ctx->in[1] : NULL;
	const struct tm_tensor *b = ctx->n_in > 2 ? ctx->in[2] : NULL;

	tm_layer_norm_f32_ref(ctx->in[0]->data, g ? g->data : NULL, b ? b->data : NULL,
			      ctx->out[0]->data, s->outer, s->inner, o->epsilon);
	return 0;
}

const struct tm_op_impl tm_op_layer_norm = { ln_prepare, ln_eval };
