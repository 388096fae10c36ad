// SPDX-License-Identifier: MIT
/*
 * test_ops_nn.c - the NN op glue (libtm/ops_nn.c) through the runtime: every
 * golden case of gen_golden_nn.py becomes a one-op model (scales, fused
 * activation kind, padding and weight encoding as a model states them) and
 * must give the golden output, so prepare's multipliers, clamps, shape
 * handling and weight decoding are checked end to end. Then models the glue
 * must refuse, each with the message it should give.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "golden_nn_cases.h"
#include "hand_model.h"
#include "tm_test.h"

static size_t cur;

/* ---- building one-op models ------------------------------------------------ */

/* A tensor of @rank dims; @data (@bytes) makes it const. */
static uint32_t tensor(struct hand_model *h, const char *name, unsigned dtype, unsigned rank,
		       const int32_t *shape, const void *data, size_t bytes)
{
	uint32_t i = hm_tensor(h, name, dtype, (int32_t)bytes, data, 1);
	struct tm_fmt_tensor *t = &h->tensors[i];

	t->rank = (uint8_t)rank;
	memset(t->shape, 0, sizeof(t->shape));
	memcpy(t->shape, shape, rank * sizeof(*shape));
	if (!data)
		t->data_size = 0;
	return i;
}

static void quant(struct hand_model *h, uint32_t t, const float *scales, size_t n, int32_t zp,
		  int32_t axis)
{
	struct tm_fmt_tensor *ft = &h->tensors[t];

	ft->qparam_first = h->m.n_qparams;
	ft->qparam_count = (uint32_t)n;
	ft->quant_axis = n > 1 ? axis : -1;
	for (size_t i = 0; i < n; i++)
		h->qparams[h->m.n_qparams++] = (struct tm_fmt_qparam){ scales[i], zp };
}

static void quant1(struct hand_model *h, uint32_t t, float scale, int32_t zp)
{
	quant(h, t, &scale, 1, zp, -1);
}

/*
 * Run the model on @in (copied into graph input 0, and @in2 into input 1 if
 * given) and compare output 0 with @want: exactly, or within the kernels'
 * float tolerance when @is_float.
 */
static void run_model(struct hand_model *h, const void *in, size_t in_bytes, const void *in2,
		      size_t in2_bytes, const void *want, size_t want_bytes, int is_float)
{
	struct tm_runtime_options opts = { .device = "cpu" };
	struct tm_runtime *rt;
	char err[TM_ERRLEN] = "";
	size_t bytes;
	void *buf;
	const void *got;

	if (tm_runtime_new(&h->m, &opts, &rt, err, sizeof(err))) {
		fprintf(stderr, "  tm_runtime_new: %s\n", err);
		tm_test_cur_failed = 1;
		return;
	}
	buf = tm_runtime_input(rt, 0, &bytes);
	CHECK(buf && bytes == in_bytes);
	if (buf && bytes == in_bytes)
		memcpy(buf, in, in_bytes);
	if (in2) {
		buf = tm_runtime_input(rt, 1, &bytes);
		CHECK(buf && bytes == in2_bytes);
		if (buf && bytes == in2_bytes)
			memcpy(buf, in2, in2_bytes);
	}
	CHECK_EQ(tm_runtime_invoke(rt), 0);
	got = tm_runtime_output(rt, 0, &bytes);
	CHECK(got && bytes == want_bytes);
	if (got && bytes == want_bytes) {
		for (size_t i = 0; i < want_bytes / (is_float ? 4 : 1); i++) {
			int ok;

			if (is_float) {
				float g = ((const float *)got)[i], w = ((const float *)want)[i];
				ok = fabsf(g - w) <= 1e-4f * (fabsf(w) > 1.0f ? fabsf(w) : 1.0f);
			} else {
				ok = ((const int8_t *)got)[i] == ((const int8_t *)want)[i];
			}
			if (!ok) {
				fprintf(stderr, "  output element %zu differs\n", i);
				tm_test_cur_failed = 1;
				break;
			}
		}
	}
	tm_runtime_del(rt);
}

static void io(struct hand_model *h, uint32_t in, uint32_t in2, uint32_t out)
{
	uint32_t ins[2] = { in, in2 };

	hm_io(h, ins, in2 == TM_FMT_NONE ? 1 : 2, &out, 1);
}

#define RUN_TABLE(table, fn) do { \
	for (cur = 0; cur < sizeof(table) / sizeof((table)[0]); cur++) { \
		char name_[128]; \
		snprintf(name_, sizeof(name_), "test_op_%s", (table)[cur].name); \
		tm_test_run(name_, fn); \
	} \
} while (0)

/* ---- convolutions ------------------------------------------------------------ */

static struct tm_conv_options conv_options(const struct tm_conv_params *p, int32_t pad_bottom,
					   int32_t pad_right, struct tm_fused_act act)
{
	return (struct tm_conv_options){
		.stride_h = p->stride_h, .stride_w = p->stride_w,
		.dilation_h = p->dil_h, .dilation_w = p->dil_w,
		.pad_top = p->pad_top, .pad_left = p->pad_left,
		.pad_bottom = pad_bottom, .pad_right = pad_right,
		.depth_multiplier = p->depth_mult, .act = act,
	};
}

static void conv_shapes(const struct tm_conv_params *p, int depthwise, int32_t *in, int32_t *w,
			int32_t *out)
{
	int32_t s_in[4] = { p->batch, p->in_h, p->in_w, p->in_c };
	int32_t s_out[4] = { p->batch, p->out_h, p->out_w, p->out_c };
	int32_t s_w[4] = { depthwise ? 1 : p->out_c, p->k_h, p->k_w,
			   depthwise ? p->out_c : p->in_c };

	memcpy(in, s_in, sizeof(s_in));
	memcpy(out, s_out, sizeof(s_out));
	memcpy(w, s_w, sizeof(s_w));
}

static void op_conv_int8(void)
{
	const struct g_conv *g = &g_conv_int8[cur];
	static struct hand_model h;
	struct tm_conv_options o = conv_options(&g->p, g->pad_bottom, g->pad_right, g->fact);
	int32_t si[4], sw[4], so[4], sb[1] = { g->p.out_c };
	uint32_t tin, tw, tb = TM_FMT_NONE, tout;

	hm_init(&h);
	conv_shapes(&g->p, g->depthwise, si, sw, so);
	tin = tensor(&h, "in", TM_DTYPE_INT8, 4, si, NULL, g->n_in);
	quant1(&h, tin, g->s_in, g->in_zp);
	tw = tensor(&h, "w", g->wfmt == TM_NN_W_INT8 || g->wfmt == TM_NN_W_INT8_SP24 ?
		    TM_DTYPE_INT8 : TM_DTYPE_INT4, 4, sw, g->w, g->w_bytes);
	h.tensors[tw].layout = g->wfmt >= TM_NN_W_INT8_SP24 ? TM_LAYOUT_SPARSE_2_4
							   : TM_LAYOUT_DENSE;
	quant(&h, tw, g->s_w, g->n_s_w, 0, g->depthwise ? 3 : 0);
	if (g->bias)
		tb = tensor(&h, "b", TM_DTYPE_INT32, 1, sb, g->bias, (size_t)g->p.out_c * 4);
	tout = tensor(&h, "out", TM_DTYPE_INT8, 4, so, NULL, g->n_out);
	quant1(&h, tout, g->s_out, g->out_zp);
	io(&h, tin, TM_FMT_NONE, tout);
	hm_op(&h, g->depthwise ? TM_OP_DEPTHWISE_CONV_2D : TM_OP_CONV_2D, g->name,
	      (uint32_t[]){ tin, tw, tb }, 3, &tout, 1, &o, sizeof(o));
	run_model(&h, g->in, g->n_in, NULL, 0, g->out, g->n_out, 0);
}

static void op_conv_f32(void)
{
	const struct g_conv_f32 *g = &g_conv_f32[cur];
	static struct hand_model h;
	struct tm_conv_options o = conv_options(&g->p, g->pad_bottom, g->pad_right, g->fact);
	int32_t si[4], sw[4], so[4], sb[1] = { g->p.out_c };
	uint32_t tin, tw, tb = TM_FMT_NONE, tout;

	hm_init(&h);
	conv_shapes(&g->p, g->depthwise, si, sw, so);
	tin = tensor(&h, "in", TM_DTYPE_FLOAT32, 4, si, NULL, g->n_in * 4);
	tw = tensor(&h, "w", TM_DTYPE_FLOAT32, 4, sw, g->w, g->n_w * 4);
	if (g->bias)
		tb = tensor(&h, "b", TM_DTYPE_FLOAT32, 1, sb, g->bias, (size_t)g->p.out_c * 4);
	tout = tensor(&h, "out", TM_DTYPE_FLOAT32, 4, so, NULL, g->n_out * 4);
	io(&h, tin, TM_FMT_NONE, tout);
	hm_op(&h, g->depthwise ? TM_OP_DEPTHWISE_CONV_2D : TM_OP_CONV_2D, g->name,
	      (uint32_t[]){ tin, tw, tb }, 3, &tout, 1, &o, sizeof(o));
	run_model(&h, g->in, g->n_in * 4, NULL, 0, g->out, g->n_out * 4, 1);
}

/* ---- fully connected: rank-2 input, or [1, batch, in] with keep_num_dims ---- */

static void op_fc_int8_keep(int keep)
{
	const struct g_fc *g = &g_fc_int8[cur];
	static struct hand_model h;
	struct tm_fc_options o = { .act = g->fact, .keep_num_dims = (uint32_t)keep };
	int32_t si[3] = { 1, g->p.batch, g->p.in_dim }, so[3] = { 1, g->p.batch, g->p.out_dim };
	int32_t sw[2] = { g->p.out_dim, g->p.in_dim }, sb[1] = { g->p.out_dim };
	uint32_t tin, tw, tb = TM_FMT_NONE, tout;

	hm_init(&h);
	tin = tensor(&h, "in", TM_DTYPE_INT8, keep ? 3 : 2, keep ? si : si + 1, NULL, g->n_in);
	quant1(&h, tin, g->s_in, g->in_zp);
	tw = tensor(&h, "w", g->wfmt == TM_NN_W_INT8 || g->wfmt == TM_NN_W_INT8_SP24 ?
		    TM_DTYPE_INT8 : TM_DTYPE_INT4, 2, sw, g->w, g->w_bytes);
	h.tensors[tw].layout = g->wfmt >= TM_NN_W_INT8_SP24 ? TM_LAYOUT_SPARSE_2_4
							   : TM_LAYOUT_DENSE;
	quant(&h, tw, g->s_w, g->n_s_w, 0, 0);
	if (g->bias)
		tb = tensor(&h, "b", TM_DTYPE_INT32, 1, sb, g->bias, (size_t)g->p.out_dim * 4);
	tout = tensor(&h, "out", TM_DTYPE_INT8, keep ? 3 : 2, keep ? so : so + 1, NULL, g->n_out);
	quant1(&h, tout, g->s_out, g->out_zp);
	io(&h, tin, TM_FMT_NONE, tout);
	hm_op(&h, TM_OP_FULLY_CONNECTED, g->name, (uint32_t[]){ tin, tw, tb }, 3, &tout, 1,
	      &o, sizeof(o));
	run_model(&h, g->in, g->n_in, NULL, 0, g->out, g->n_out, 0);
}

static void op_fc_int8(void)
{
	op_fc_int8_keep(0);
	op_fc_int8_keep(1);
}

static void op_fc_f32(void)
{
	const struct g_fc_f32 *g = &g_fc_f32[cur];
	static struct hand_model h;
	struct tm_fc_options o = { .act = g->fact };
	int32_t si[2] = { g->p.batch, g->p.in_dim }, so[2] = { g->p.batch, g->p.out_dim };
	int32_t sw[2] = { g->p.out_dim, g->p.in_dim }, sb[1] = { g->p.out_dim };
	uint32_t tin, tw, tb = TM_FMT_NONE, tout;

	hm_init(&h);
	tin = tensor(&h, "in", TM_DTYPE_FLOAT32, 2, si, NULL, g->n_in * 4);
	tw = tensor(&h, "w", TM_DTYPE_FLOAT32, 2, sw, g->w, g->n_w * 4);
	if (g->bias)
		tb = tensor(&h, "b", TM_DTYPE_FLOAT32, 1, sb, g->bias, (size_t)g->p.out_dim * 4);
	tout = tensor(&h, "out", TM_DTYPE_FLOAT32, 2, so, NULL, g->n_out * 4);
	io(&h, tin, TM_FMT_NONE, tout);
	hm_op(&h, TM_OP_FULLY_CONNECTED, g->name, (uint32_t[]){ tin, tw, tb }, 3, &tout, 1,
	      &o, sizeof(o));
	run_model(&h, g->in, g->n_in * 4, NULL, 0, g->out, g->n_out * 4, 1);
}

/* ---- batch matmul: operands keep their own ranks (batch axes right-aligned) ---- */

static void mm_shape(const struct tm_matmul_params *p, const int32_t *batch, unsigned rank,
		     int32_t rows, int32_t cols, int32_t *shape)
{
	unsigned nb = rank - 2;

	for (unsigned i = 0; i < nb; i++)
		shape[i] = batch[(unsigned)p->n_batch_dims - nb + i];
	shape[nb] = rows;
	shape[nb + 1] = cols;
}

static void mm_out_shape(const struct tm_matmul_params *p, int32_t *so)
{
	for (int32_t d = 0; d < p->n_batch_dims; d++)
		so[d] = p->a_batch[d] > p->b_batch[d] ? p->a_batch[d] : p->b_batch[d];
	so[p->n_batch_dims] = p->m;
	so[p->n_batch_dims + 1] = p->n;
}

static void build_mm(struct hand_model *h, unsigned dtype, const struct tm_matmul_params *p,
		     unsigned a_rank, unsigned b_rank, const float *scales, const int32_t *zps,
		     const char *name, size_t na, size_t nb, size_t nout)
{
	struct tm_matmul_options o = { (uint32_t)p->adj_x, (uint32_t)p->adj_y };
	int32_t sa[TM_MAX_RANK], sb[TM_MAX_RANK], so[TM_MAX_RANK];
	size_t es = dtype == TM_DTYPE_FLOAT32 ? 4 : 1;
	uint32_t ta, tb, tout;

	hm_init(h);
	mm_shape(p, p->a_batch, a_rank, p->adj_x ? p->k : p->m, p->adj_x ? p->m : p->k, sa);
	mm_shape(p, p->b_batch, b_rank, p->adj_y ? p->n : p->k, p->adj_y ? p->k : p->n, sb);
	mm_out_shape(p, so);
	ta = tensor(h, "a", dtype, a_rank, sa, NULL, na * es);
	tb = tensor(h, "b", dtype, b_rank, sb, NULL, nb * es);
	tout = tensor(h, "out", dtype, (unsigned)p->n_batch_dims + 2, so, NULL, nout * es);
	if (scales) {
		quant1(h, ta, scales[0], zps[0]);
		quant1(h, tb, scales[1], zps[1]);
		quant1(h, tout, scales[2], zps[2]);
	}
	io(h, ta, tb, tout);
	hm_op(h, TM_OP_BATCH_MATMUL, name, (uint32_t[]){ ta, tb }, 2, &tout, 1, &o, sizeof(o));
}

static void op_mm(unsigned dtype, const struct tm_matmul_params *p, unsigned a_rank,
		  unsigned b_rank, const float *scales, const int32_t *zps, const char *name,
		  const void *a, size_t na, const void *b, size_t nb, const void *want, size_t nout)
{
	static struct hand_model h;
	size_t es = dtype == TM_DTYPE_FLOAT32 ? 4 : 1;

	build_mm(&h, dtype, p, a_rank, b_rank, scales, zps, name, na, nb, nout);
	run_model(&h, a, na * es, b, nb * es, want, nout * es, dtype == TM_DTYPE_FLOAT32);
}

static void op_mm_int8(void)
{
	const struct g_mm *g = &g_mm_int8[cur];
	float scales[3] = { g->s_a, g->s_b, g->s_out };
	int32_t zps[3] = { g->a_zp, g->b_zp, g->out_zp };

	op_mm(TM_DTYPE_INT8, &g->p, g->a_rank, g->b_rank, scales, zps, g->name, g->a, g->n_a,
	      g->b, g->n_b, g->out, g->n_out);
}

static void op_mm_f32(void)
{
	const struct g_mm_f32 *g = &g_mm_f32[cur];

	op_mm(TM_DTYPE_FLOAT32, &g->p, g->a_rank, g->b_rank, NULL, NULL, g->name, g->a, g->n_a,
	      g->b, g->n_b, g->out, g->n_out);
}

/* ---- pooling ----------------------------------------------------------------- */

/* A one-op pool model in @h; its options are returned for tests to spoil. */
static struct tm_pool_options *build_pool(struct hand_model *h, unsigned dtype, int avg,
					  const struct tm_pool_params *p, int32_t pb, int32_t pr,
					  struct tm_fused_act act, const float *scale, int32_t zp,
					  const char *name)
{
	struct tm_pool_options o = {
		.filter_h = p->f_h, .filter_w = p->f_w, .stride_h = p->stride_h,
		.stride_w = p->stride_w, .pad_top = p->pad_top, .pad_left = p->pad_left,
		.pad_bottom = pb, .pad_right = pr, .act = act,
	};
	int32_t si[4] = { p->batch, p->in_h, p->in_w, p->c };
	int32_t so[4] = { p->batch, p->out_h, p->out_w, p->c };
	size_t es = dtype == TM_DTYPE_FLOAT32 ? 4 : 1;
	uint32_t tin, tout;

	hm_init(h);
	tin = tensor(h, "in", dtype, 4, si, NULL, (size_t)p->batch * p->in_h * p->in_w * p->c * es);
	tout = tensor(h, "out", dtype, 4, so, NULL,
		      (size_t)p->batch * p->out_h * p->out_w * p->c * es);
	if (scale) {
		quant1(h, tin, *scale, zp);
		quant1(h, tout, *scale, zp);
	}
	io(h, tin, TM_FMT_NONE, tout);
	hm_op(h, avg ? TM_OP_AVG_POOL_2D : TM_OP_MAX_POOL_2D, name, &tin, 1, &tout, 1, &o,
	      sizeof(o));
	return (struct tm_pool_options *)(h->options + h->ops[0].options_offset);
}

static void op_pool(unsigned dtype, int avg, const struct tm_pool_params *p, int32_t pb,
		    int32_t pr, struct tm_fused_act act, const float *scale, int32_t zp,
		    const char *name, const void *in, size_t n_in, const void *want, size_t n_out)
{
	static struct hand_model h;
	size_t es = dtype == TM_DTYPE_FLOAT32 ? 4 : 1;

	build_pool(&h, dtype, avg, p, pb, pr, act, scale, zp, name);
	run_model(&h, in, n_in * es, NULL, 0, want, n_out * es, dtype == TM_DTYPE_FLOAT32);
}

static void op_pool_int8(void)
{
	const struct g_pool *g = &g_pool_int8[cur];

	op_pool(TM_DTYPE_INT8, g->avg, &g->p, g->pad_bottom, g->pad_right, g->fact, &g->scale,
		g->zp, g->name, g->in, g->n_in, g->out, g->n_out);
}

static void op_pool_f32(void)
{
	const struct g_pool_f32 *g = &g_pool_f32[cur];

	op_pool(TM_DTYPE_FLOAT32, g->avg, &g->p, g->pad_bottom, g->pad_right, g->fact, NULL, 0,
		g->name, g->in, g->n_in, g->out, g->n_out);
}

/* ---- models the glue must refuse ----------------------------------------------- */

static struct hand_model bad;

/* @return the runtime's error for @bad (and checks that it failed with -EINVAL). */
static const char *refusal(void)
{
	static char err[TM_ERRLEN];
	struct tm_runtime_options opts = { .device = "cpu" };
	struct tm_runtime *rt = NULL;
	int ret;

	err[0] = '\0';
	ret = tm_runtime_new(&bad.m, &opts, &rt, err, sizeof(err));
	CHECK_EQ(ret, -EINVAL);
	CHECK(!rt);
	tm_runtime_del(rt);
	return err;
}

/* golden case @i (a conv) as a model in @bad; its tensors are in, w, b, out. */
static struct tm_conv_options *bad_conv(size_t i)
{
	const struct g_conv *g = &g_conv_int8[i];
	struct tm_conv_options o = conv_options(&g->p, g->pad_bottom, g->pad_right, g->fact);
	int32_t si[4], sw[4], so[4], sb[1] = { g->p.out_c };
	uint32_t tin, tw, tb, tout;

	hm_init(&bad);
	conv_shapes(&g->p, g->depthwise, si, sw, so);
	tin = tensor(&bad, "in", TM_DTYPE_INT8, 4, si, NULL, g->n_in);
	quant1(&bad, tin, g->s_in, g->in_zp);
	tw = tensor(&bad, "w", g->wfmt == TM_NN_W_INT4 || g->wfmt == TM_NN_W_INT4_SP24 ?
		    TM_DTYPE_INT4 : TM_DTYPE_INT8, 4, sw, g->w, g->w_bytes);
	bad.tensors[tw].layout = g->wfmt >= TM_NN_W_INT8_SP24 ? TM_LAYOUT_SPARSE_2_4
							     : TM_LAYOUT_DENSE;
	quant(&bad, tw, g->s_w, g->n_s_w, 0, g->depthwise ? 3 : 0);
	tb = tensor(&bad, "b", TM_DTYPE_INT32, 1, sb, g->bias, (size_t)g->p.out_c * 4);
	tout = tensor(&bad, "out", TM_DTYPE_INT8, 4, so, NULL, g->n_out);
	quant1(&bad, tout, g->s_out, g->out_zp);
	io(&bad, tin, TM_FMT_NONE, tout);
	hm_op(&bad, g->depthwise ? TM_OP_DEPTHWISE_CONV_2D : TM_OP_CONV_2D, "bad",
	      (uint32_t[]){ tin, tw, tb }, 3, &tout, 1, &o, sizeof(o));
	return (struct tm_conv_options *)(bad.options + bad.ops[0].options_offset);
}

static size_t case_named(const char *name)
{
	for (size_t i = 0; i < sizeof(g_conv_int8) / sizeof(g_conv_int8[0]); i++)
		if (!strcmp(g_conv_int8[i].name, name))
			return i;
	return 0;
}

enum { T_IN, T_W, T_B, T_OUT };

static void test_op_refuse_conv_output_shape(void)
{
	bad_conv(0);
	bad.tensors[T_OUT].shape[1]++;
	CHECK_STR_CONTAINS(refusal(), "height: output is");
}

static void test_op_refuse_conv_bias_dtype(void)
{
	bad_conv(0);
	bad.tensors[T_B].dtype = TM_DTYPE_FLOAT32;
	CHECK_STR_CONTAINS(refusal(), "bias 'b' is float32, expected int32");
}

static void test_op_refuse_conv_channel_count(void)
{
	bad_conv(0);
	bad.tensors[T_W].qparam_count = 2;
	CHECK_STR_CONTAINS(refusal(), "per-channel (axis 0)");
}

static void test_op_refuse_conv_weight_zero_point(void)
{
	bad_conv(0);
	bad.qparams[bad.tensors[T_W].qparam_first + 1].zero_point = 3;
	CHECK_STR_CONTAINS(refusal(), "channel 1: scale");
}

static void test_op_refuse_conv_activation(void)
{
	bad_conv(0)->act.kind = 99;
	CHECK_STR_CONTAINS(refusal(), "unknown fused activation 99");
	*bad_conv(0) = (struct tm_conv_options){ 1, 1, 1, 1, 1, 1, 1, 1, 1,
						 { TM_ACT_CLIP, 1.0f, -1.0f } };
	CHECK_STR_CONTAINS(refusal(), "fused clip [1, -1] is empty");
}

static void test_op_refuse_conv_stride(void)
{
	bad_conv(0)->stride_w = 0;
	CHECK_STR_CONTAINS(refusal(), "width: stride 0");
}

static void test_op_refuse_conv_huge_padding(void)
{
	bad_conv(0)->pad_top = INT32_MAX;
	CHECK_STR_CONTAINS(refusal(), "too large");
}

static void test_op_refuse_conv_multiplier(void)
{
	bad_conv(0);
	bad.qparams[bad.tensors[T_OUT].qparam_first].scale = 1e-30f;
	CHECK_STR_CONTAINS(refusal(), "is too large");
}

static void test_op_refuse_conv_output_zero_point(void)
{
	bad_conv(0);
	bad.qparams[bad.tensors[T_OUT].qparam_first].zero_point = 300;
	CHECK_STR_CONTAINS(refusal(), "zero point 300 outside int8");
}

static void test_op_refuse_sparse_bad_index(void)
{
	size_t i = case_named("conv_sparse_int8");
	const struct g_conv *g = &g_conv_int8[i];

	bad_conv(i);
	/* The first index byte follows the kept values (half the weights). */
	bad.data[bad.tensors[T_W].data_offset + g->w_rows * g->w_cols / 2] = 0x5;
	CHECK_STR_CONTAINS(refusal(), "group 0 has a bad index byte");
}

static void test_op_refuse_sparse_depthwise(void)
{
	bad_conv(case_named("dw_int8_same_7x5"));
	bad.tensors[T_W].layout = TM_LAYOUT_SPARSE_2_4;
	CHECK_STR_CONTAINS(refusal(), "layout 1 not supported");
}

static void test_op_refuse_weights_short(void)
{
	bad_conv(0);
	bad.tensors[T_W].data_size -= 1;
	CHECK_STR_CONTAINS(refusal(), "bytes of data, expected");
}

static void test_op_refuse_depth_multiplier(void)
{
	bad_conv(case_named("dw_int8_mult2_stride2"))->depth_multiplier = 3;
	CHECK_STR_CONTAINS(refusal(), "weights 'w' has dimension 3");
}

static void test_op_refuse_pool_padding(void)
{
	const struct g_pool *g = &g_pool_int8[0];

	build_pool(&bad, TM_DTYPE_INT8, 0, &g->p, g->pad_bottom, g->pad_right, g->fact,
		   &g->scale, g->zp, "x")->pad_bottom = g->p.f_h;
	CHECK_STR_CONTAINS(refusal(), "is not smaller than the");
}

static void test_op_refuse_pool_requant(void)
{
	const struct g_pool *g = &g_pool_int8[0];

	build_pool(&bad, TM_DTYPE_INT8, 1, &g->p, g->pad_bottom, g->pad_right, g->fact,
		   &g->scale, g->zp, "x");
	bad.qparams[bad.tensors[1].qparam_first].scale *= 2;
	CHECK_STR_CONTAINS(refusal(), "equal input and output quantization");
}

static void test_op_refuse_matmul_broadcast(void)
{
	const struct g_mm *g = &g_mm_int8[0];
	float scales[3] = { g->s_a, g->s_b, g->s_out };
	int32_t zps[3] = { g->a_zp, g->b_zp, g->out_zp };

	build_mm(&bad, TM_DTYPE_INT8, &g->p, g->a_rank, g->b_rank, scales, zps, "x", g->n_a,
		 g->n_b, g->n_out);
	bad.tensors[1].shape[0] = 3; /* batch 2 against 3 */
	CHECK_STR_CONTAINS(refusal(), "do not broadcast");
	build_mm(&bad, TM_DTYPE_INT8, &g->p, g->a_rank, g->b_rank, scales, zps, "x", g->n_a,
		 g->n_b, g->n_out);
	bad.tensors[1].shape[1]++; /* k */
	CHECK_STR_CONTAINS(refusal(), "inner dimensions differ");
	build_mm(&bad, TM_DTYPE_INT8, &g->p, g->a_rank, g->b_rank, scales, zps, "x", g->n_a,
		 g->n_b, g->n_out);
	bad.tensors[1].dtype = TM_DTYPE_FLOAT32;
	CHECK_STR_CONTAINS(refusal(), "operand b 'b' is float32, expected int8");
}

int main(void)
{
	RUN_TABLE(g_conv_int8, op_conv_int8);
	RUN_TABLE(g_conv_f32, op_conv_f32);
	RUN_TABLE(g_fc_int8, op_fc_int8);
	RUN_TABLE(g_fc_f32, op_fc_f32);
	RUN_TABLE(g_mm_int8, op_mm_int8);
	RUN_TABLE(g_mm_f32, op_mm_f32);
	RUN_TABLE(g_pool_int8, op_pool_int8);
	RUN_TABLE(g_pool_f32, op_pool_f32);
	TM_RUN(test_op_refuse_conv_output_shape);
	TM_RUN(test_op_refuse_conv_bias_dtype);
	TM_RUN(test_op_refuse_conv_channel_count);
	TM_RUN(test_op_refuse_conv_weight_zero_point);
	TM_RUN(test_op_refuse_conv_activation);
	TM_RUN(test_op_refuse_conv_stride);
	TM_RUN(test_op_refuse_conv_huge_padding);
	TM_RUN(test_op_refuse_conv_multiplier);
	TM_RUN(test_op_refuse_conv_output_zero_point);
	TM_RUN(test_op_refuse_sparse_bad_index);
	TM_RUN(test_op_refuse_sparse_depthwise);
	TM_RUN(test_op_refuse_weights_short);
	TM_RUN(test_op_refuse_depth_multiplier);
	TM_RUN(test_op_refuse_pool_padding);
	TM_RUN(test_op_refuse_pool_requant);
	TM_RUN(test_op_refuse_matmul_broadcast);
	TM_TEST_EXIT();
}
