// SPDX-License-Identifier: MIT
/*
 * qdq.c - ONNX models that are already quantized keep their quantization.
 *
 * Two ONNX spellings exist. The operator form (QLinearConv, QLinearMatMul,
 * com.microsoft QLinearAdd/QLinearMul/QGemm) names every scale and zero
 * point on the op. The QDQ form (what ONNX Runtime's quantizer writes by
 * default) keeps float ops and puts DequantizeLinear before and
 * QuantizeLinear after them. tmc_qdq_prepare() rewrites the QDQ form into the
 * operator form, which is exact: DQ -> op -> Q is the definition of the
 * QLinear op. A Relu/Clip between the op and its Q moves after the Q, also
 * exact because Q is monotonic and Q(0) is the zero point. Ops that only move
 * or compare values (MaxPool, Reshape, Transpose, ...) between a DQ and a Q
 * with the same parameters run on the codes.
 *
 * It then gives every run-time quantized tensor its parameters (struct
 * ir_quant). model.bin's kernels are int8: a uint8 tensor becomes int8 with
 * zero point - 128 (q - 128 is exact for every code); a uint8 graph input or
 * output keeps its type behind a QUANTIZE that shifts the codes. Weights
 * keep their codes, shifted by their zero point (TFLite's kernels want
 * symmetric weights), which is exact when every shifted code fits int8;
 * when one does not, the QDQ node stays a float op on dequantized weights
 * and a QLinear op is refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lower.h"
#include "qdq.h"

static int is_op(const struct ir_node *n, const char *op)
{
	return !n->dead && n->op && !strcmp(n->op, op);
}

/* The live node of type @op producing @t, or -1. */
static int producer_op(const struct ir_graph *g, int t, const char *op)
{
	int p = t >= 0 ? g->t[t].producer : -1;
	return p >= 0 && is_op(&g->n[p], op) ? p : -1;
}

/* The only live reader of @t when @t is not a graph output, else -1. */
static int sole_reader(const struct ir_graph *g, int t)
{
	int r = -1;

	if (ir_is_output(g, t))
		return -1;
	for (int i = 0; i < g->n_n; i++) {
		if (g->n[i].dead)
			continue;
		for (int k = 0; k < g->n[i].n_in; k++) {
			if (g->n[i].in[k] != t)
				continue;
			if (r >= 0 && r != i)
				return -1;
			r = i;
		}
	}
	return r;
}

static int is_const(const struct ir_graph *g, int t)
{
	return t >= 0 && g->t[t].data;
}

/* Scalar value of a constant scale/zero point (absent zero point: 0). */
static double cval(const struct ir_graph *g, int t, int64_t i)
{
	return t < 0 ? 0 : ir_numel(&g->t[t]) == 1 ? ir_const_get_f(&g->t[t], 0) :
	       ir_const_get_f(&g->t[t], i);
}

/* Q/DQ parameters (scale @s, zero point @z) that are constants, per-tensor if @scalar. */
static int params_ok(const struct ir_graph *g, int s, int z, int scalar)
{
	if (!is_const(g, s) || (z >= 0 && !is_const(g, z)))
		return 0;
	if (z >= 0 && ir_numel(&g->t[z]) != ir_numel(&g->t[s]))
		return 0;
	return !scalar || ir_numel(&g->t[s]) == 1;
}

static int same_params(const struct ir_graph *g, int s1, int z1, int s2, int z2)
{
	int d1 = z1 >= 0 ? g->t[z1].dtype : IR_UINT8, d2 = z2 >= 0 ? g->t[z2].dtype : IR_UINT8;

	return params_ok(g, s1, z1, 1) && params_ok(g, s2, z2, 1) && d1 == d2 &&
	       (float)cval(g, s1, 0) == (float)cval(g, s2, 0) && cval(g, z1, 0) == cval(g, z2, 0);
}

/* Replace node @ni's op and inputs in place (keeps the topological order). */
static int retype(struct ir_graph *g, int ni, const char *op, const int *in, int n_in)
{
	char *s = strdup(op);

	if (!s)
		return ir_fail(g, "out of memory");
	free(g->n[ni].op);
	g->n[ni].op = s;
	memcpy(g->n[ni].in, in, sizeof(int) * (size_t)n_in);
	g->n[ni].n_in = n_in;
	return 0;
}

/* Node @ni now writes @t. */
static void set_out(struct ir_graph *g, int ni, int t)
{
	g->n[ni].out[0] = t;
	g->t[t].producer = ni;
}

/* DQ(const) feeding weight input @k of @ni whose channel axis is @axis: its node, or -1. */
static int weight_dq(const struct ir_graph *g, int t, int axis)
{
	int d = producer_op(g, t, "DequantizeLinear");
	const struct ir_node *n = d >= 0 ? &g->n[d] : NULL;

	if (!n || !is_const(g, n->in[0]) || n->n_in < 2 ||
	    !params_ok(g, n->in[1], n->n_in > 2 ? n->in[2] : -1, 0))
		return -1;
	if (ir_numel(&g->t[n->in[1]]) > 1 && ir_attr_int(n, "axis", 1) != axis)
		return -1;
	return d;
}

/* Channel of element @e of @x with @ns parameters along @axis (0 per-tensor). */
static int64_t chan(const struct ir_tensor *x, int64_t ns, int64_t axis, int64_t e)
{
	int64_t inner = 1;

	if (ns <= 1)
		return 0;
	for (int k = (int)axis + 1; k < x->rank; k++)
		inner *= x->shape[k];
	return e / inner % ns;
}

/*
 * Whether constant codes @x minus their zero points @z (per channel on @axis)
 * fit int8: the int8 kernels take symmetric weights, so this keeps them exact.
 */
static int codes_fit(const struct ir_graph *g, int x, int z, int64_t axis)
{
	const struct ir_tensor *t = &g->t[x];
	int64_t nz = z >= 0 ? ir_numel(&g->t[z]) : 1;

	if (axis < 0)
		axis += t->rank;
	if (nz > 1 && (axis < 0 || axis >= t->rank || t->shape[axis] != nz))
		return 0;
	for (int64_t e = 0; e < ir_numel(t); e++) {
		int64_t v = ir_const_get_i(t, e) - (int64_t)cval(g, z, chan(t, nz, axis, e));
		if (v < -128 || v > 127)
			return 0;
	}
	return 1;
}

/* DQ of a run-time tensor with per-tensor parameters, or -1. */
static int act_dq(const struct ir_graph *g, int t)
{
	int d = producer_op(g, t, "DequantizeLinear");
	const struct ir_node *n = d >= 0 ? &g->n[d] : NULL;

	if (!n || n->n_in < 2 || !params_ok(g, n->in[1], n->n_in > 2 ? n->in[2] : -1, 1))
		return -1;
	return d;
}

/* (value, scale, zero point) of the DQ node @d into @v. */
static void dq_triple(const struct ir_graph *g, int d, int *v)
{
	v[0] = g->n[d].in[0];
	v[1] = g->n[d].in[1];
	v[2] = g->n[d].n_in > 2 ? g->n[d].in[2] : -1;
}

/*
 * The quantized end of float output @y: [Relu|Clip ->] QuantizeLinear. Sets
 * *@act to the activation node (or -1) and returns the Q node, or -1.
 */
static int output_q(const struct ir_graph *g, int y, int *act)
{
	int r = sole_reader(g, y);

	*act = -1;
	if (r >= 0 && (is_op(&g->n[r], "Relu") || is_op(&g->n[r], "Clip"))) {
		for (int k = 1; k < g->n[r].n_in; k++)
			if (g->n[r].in[k] >= 0 && !is_const(g, g->n[r].in[k]))
				return -1;
		*act = r;
		r = sole_reader(g, g->n[r].out[0]);
	}
	if (r < 0 || !is_op(&g->n[r], "QuantizeLinear") || g->n[r].n_in < 2 ||
	    !params_ok(g, g->n[r].in[1], g->n[r].n_in > 2 ? g->n[r].in[2] : -1, 1))
		return -1;
	return r;
}

/* Point node @ni (now a QLinear op) at Q node @q's output, through @act. */
static int take_output(struct ir_graph *g, int ni, int q, int act)
{
	int yq = g->n[q].out[0];

	g->n[q].dead = 1;
	if (act < 0) {
		set_out(g, ni, yq);
		return 0;
	}
	int mid = ir_tensor_derive(g, yq, "pre_act", g->t[yq].dtype, g->t[yq].rank, g->t[yq].shape);
	if (mid < 0)
		return -1;
	set_out(g, ni, mid);
	g->n[act].in[0] = mid;
	set_out(g, act, yq);
	return 0;
}

/* Conv/Gemm/MatMul/Add/Mul between DQs and a Q -> the QLinear operator form. */
static int fuse_compute(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int a[3], b[3], in[9], act, q, d;
	int conv = is_op(n, "Conv"), gemm = is_op(n, "Gemm"), mm = is_op(n, "MatMul");
	int bin = is_op(n, "Add") || is_op(n, "Mul");

	if (!(conv || gemm || mm || bin) || n->n_in < 2 || (d = act_dq(g, n->in[0])) < 0)
		return 0;
	dq_triple(g, d, a);
	if (gemm && (ir_attr_int(n, "transA", 0) || ir_attr_float(n, "alpha", 1) != 1 ||
		     ir_attr_float(n, "beta", 1) != 1))
		return 0;
	/* Weights: per output channel on Conv's axis 0, MatMul/Gemm's column axis. */
	int waxis = conv ? 0 : gemm && ir_attr_int(n, "transB", 0) ? 0 : 1;
	d = conv || gemm ? weight_dq(g, n->in[1], waxis) : act_dq(g, n->in[1]);
	if (d < 0 && mm)
		d = weight_dq(g, n->in[1], waxis);
	/* Symmetric int8 weights, or (MatMul, per-tensor) BATCH_MATMUL's zero point. */
	if (d >= 0 && is_const(g, g->n[d].in[0]) && (!mm || ir_numel(&g->t[g->n[d].in[1]]) > 1) &&
	    !codes_fit(g, g->n[d].in[0], g->n[d].n_in > 2 ? g->n[d].in[2] : -1,
		       ir_attr_int(&g->n[d], "axis", 1)))
		d = -1;
	if (d < 0)
		return 0;
	dq_triple(g, d, b);
	int bias = -1;
	if ((conv || gemm) && n->n_in > 2 && n->in[2] >= 0) {
		d = producer_op(g, n->in[2], "DequantizeLinear");
		if (d < 0 || !is_const(g, g->n[d].in[0]) || g->t[g->n[d].in[0]].dtype != IR_INT32)
			return 0;
		bias = g->n[d].in[0];
	}
	if ((q = output_q(g, n->out[0], &act)) < 0)
		return 0;
	int ys = g->n[q].in[1], yz = g->n[q].n_in > 2 ? g->n[q].in[2] : -1;
	int c = 0;
	in[c++] = a[0], in[c++] = a[1], in[c++] = a[2];
	in[c++] = b[0], in[c++] = b[1], in[c++] = b[2];
	if (gemm)
		in[c++] = bias;
	in[c++] = ys, in[c++] = yz;
	if (conv && bias >= 0)
		in[c++] = bias;
	const char *op = conv ? "QLinearConv" : gemm ? "QGemm" : mm ? "QLinearMatMul" :
			 is_op(n, "Add") ? "QLinearAdd" : "QLinearMul";
	if (retype(g, ni, op, in, c))
		return -1;
	return take_output(g, ni, q, act) ? -1 : 1;
}

/* Ops whose result on codes equals Q(op(DQ(codes))) when DQ and Q share parameters. */
static int moves_codes(const struct ir_node *n)
{
	static const char *const ops[] = { "MaxPool", "Reshape", "Transpose", "Flatten", "Squeeze",
		"Unsqueeze", "Identity", "Relu", "Clip", "GlobalMaxPool" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (is_op(n, ops[i]))
			return n->n_out == 1 || (n->n_out > 1 && n->out[1] < 0);
	return 0;
}

static int fuse_move(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int d, q, v[3];

	if (!moves_codes(n) || (d = act_dq(g, n->in[0])) < 0 || is_const(g, g->n[d].in[0]))
		return 0;
	for (int k = 1; k < n->n_in; k++)
		if (n->in[k] >= 0 && !is_const(g, n->in[k]))
			return 0;
	q = sole_reader(g, n->out[0]);
	if (q < 0 || !is_op(&g->n[q], "QuantizeLinear") || g->n[q].n_in < 2)
		return 0;
	dq_triple(g, d, v);
	if (!same_params(g, v[1], v[2], g->n[q].in[1], g->n[q].n_in > 2 ? g->n[q].in[2] : -1))
		return 0;
	n->in[0] = v[0];
	g->n[q].dead = 1;
	set_out(g, ni, g->n[q].out[0]);
	return 1;
}

/* ---- parameters of run-time quantized tensors ----------------------------- */

/* Give run-time tensor @t per-tensor parameters (@s, @z), or check it has them. */
static int give_q(struct ir_graph *g, int ni, int t, int s, int z)
{
	struct ir_quant *q;
	float scale;
	int32_t zp;

	if (t < 0 || is_const(g, t))
		return 0;
	/* Only constants have values to read: check before cval(). */
	if (!params_ok(g, s, z, 1))
		return lw_fail(g, ni, "scales and zero points of run-time tensors must be "
			       "per-tensor constants");
	q = &g->t[t].q;
	scale = (float)cval(g, s, 0);
	zp = (int32_t)cval(g, z, 0);
	if (g->t[t].dtype != IR_INT8 && g->t[t].dtype != IR_UINT8)
		return lw_fail(g, ni, "quantized tensors must be int8 or uint8");
	if (q->count)
		return q->scale[0] == scale && q->zp[0] == zp ? 0 :
		       lw_fail(g, ni, "a tensor is quantized with two different parameter sets");
	q->scale = malloc(sizeof(float));
	q->zp = malloc(sizeof(int32_t));
	if (!q->scale || !q->zp)
		return ir_fail(g, "out of memory");
	q->scale[0] = scale;
	q->zp[0] = zp;
	q->count = 1;
	q->axis = -1;
	return 0;
}

static int annotate_node(struct ir_graph *g, int ni)
{
	const struct ir_node *n = &g->n[ni];
	const int *in = n->in;
	int y = n->out[0];

#define Z(k) (n->n_in > (k) ? in[k] : -1)
	if (is_op(n, "QuantizeLinear"))
		return params_ok(g, in[1], Z(2), 1) ? give_q(g, ni, y, in[1], Z(2)) : 0;
	if (is_op(n, "DequantizeLinear"))
		return params_ok(g, in[1], Z(2), 1) ? give_q(g, ni, in[0], in[1], Z(2)) : 0;
	if (is_op(n, "QLinearConv") || is_op(n, "QLinearMatMul") || is_op(n, "QLinearAdd") ||
	    is_op(n, "QLinearMul"))
		return give_q(g, ni, in[0], in[1], in[2]) || give_q(g, ni, in[3], in[4], in[5]) ||
		       give_q(g, ni, y, in[6], in[7]);
	if (is_op(n, "QGemm"))
		return give_q(g, ni, in[0], in[1], in[2]) ||
		       (n->n_in > 7 ? give_q(g, ni, y, in[7], Z(8)) : 0);
#undef Z
	if (n->op && in[0] >= 0 && g->t[in[0]].q.count && !is_const(g, in[0]) && moves_codes(n))
		return lw_copy_q(g, y, in[0]);
	return 0;
}

/* A uint8 graph input/output keeps its type; inside, an int8 twin is used. */
static int twin_io(struct ir_graph *g, int t)
{
	int t8 = ir_tensor_derive(g, t, "s8", IR_INT8, g->t[t].rank, g->t[t].shape);

	if (t8 < 0 || lw_copy_q(g, t8, t))
		return -1;
	g->t[t8].q.zp[0] -= 128;
	if (g->t[t].producer < 0) { /* input */
		ir_replace_uses(g, t, t8);
		return ir_node_add_tm(g, g->t[t].name, TM_OP_QUANTIZE, NULL, 0, &t, 1, &t8, 1) < 0 ?
		       -1 : 0;
	}
	struct ir_node *p = &g->n[g->t[t].producer];
	for (int k = 0; k < p->n_out; k++)
		if (p->out[k] == t)
			p->out[k] = t8;
	g->t[t8].producer = g->t[t].producer;
	return ir_node_add_tm(g, g->t[t].name, TM_OP_QUANTIZE, NULL, 0, &t8, 1, &t, 1) < 0 ? -1 : 0;
}

static int is_input(const struct ir_graph *g, int t)
{
	for (int i = 0; i < g->n_in; i++)
		if (g->in[i] == t)
			return 1;
	return 0;
}

static int to_int8(struct ir_graph *g)
{
	int nt = g->n_t;

	for (int t = 0; t < nt; t++) {
		struct ir_tensor *x = &g->t[t];
		if (!x->q.count || x->data || x->dtype != IR_UINT8)
			continue;
		if (is_input(g, t) || ir_is_output(g, t)) {
			if (twin_io(g, t))
				return -1;
			continue;
		}
		x->dtype = IR_INT8;
		x->q.zp[0] -= 128;
	}
	return 0;
}

int tmc_qdq_prepare(struct ir_graph *g)
{
	int n0 = g->n_n, r;

	for (int i = 0; i < n0; i++) {
		if (g->n[i].dead || !g->n[i].op)
			continue;
		if ((r = fuse_compute(g, i)) < 0 || (!r && fuse_move(g, i) < 0))
			return -1;
	}
	/* DequantizeLinear nodes nobody reads any more. */
	for (int i = 0; i < n0; i++)
		if (is_op(&g->n[i], "DequantizeLinear") && !ir_consumers(g, g->n[i].out[0]))
			g->n[i].dead = 1;
	for (int i = 0; i < n0; i++)
		if (!g->n[i].dead && g->n[i].op && annotate_node(g, i))
			return -1;
	return to_int8(g);
}

/* ---- lowering of the quantized operators ------------------------------- */

static int need_q8(struct ir_graph *g, int ni, int t, const char *what)
{
	char msg[160];

	if (g->t[t].dtype == IR_INT8 && g->t[t].q.count == 1)
		return 0;
	snprintf(msg, sizeof(msg), "%s must be a per-tensor quantized int8/uint8 tensor", what);
	return lw_fail(g, ni, msg);
}

static int set_params(struct ir_graph *g, int t, unsigned count, int axis, const float *scale)
{
	struct ir_quant *q = &g->t[t].q;

	q->scale = malloc(sizeof(float) * count);
	q->zp = calloc(count, sizeof(int32_t));
	if (!q->scale || !q->zp)
		return ir_fail(g, "out of memory");
	memcpy(q->scale, scale, sizeof(float) * count);
	q->count = count;
	q->axis = axis;
	return 0;
}

/*
 * Weight codes of constant @w minus their zero points @z (per channel @axis
 * of @w when @s has more than one value), as int8 (or, with @real, the real
 * values as float), with the scales in *@scale.
 * @return the values (malloc'ed) or NULL with the error set.
 */
static void *weight_values(struct ir_graph *g, int ni, int w, int s, int z, int axis, int real,
			   float **scale, int64_t *count)
{
	const struct ir_tensor *W = &g->t[w];
	int64_t n = ir_numel(W), ns = ir_numel(&g->t[s]);
	void *v = malloc((size_t)n * (real ? sizeof(float) : 1) + 1);

	*scale = malloc(sizeof(float) * (size_t)ns);
	if (!v || !*scale) {
		free(v);
		free(*scale);
		ir_fail(g, "out of memory");
		return NULL;
	}
	if ((ns > 1 && W->shape[axis] != ns) || (!real && !codes_fit(g, w, z, axis))) {
		lw_fail(g, ni, ns > 1 && W->shape[axis] != ns ?
			"per-channel weight scales do not match the output channels" :
			"weight zero points leave codes outside int8 (the int8 kernels need "
			"symmetric weights)");
		free(v);
		free(*scale);
		return NULL;
	}
	for (int64_t i = 0; i < ns; i++)
		(*scale)[i] = (float)cval(g, s, i);
	for (int64_t e = 0; e < n; e++) {
		int64_t c = chan(W, ns, axis, e);
		int64_t q = ir_const_get_i(W, e) - (int64_t)cval(g, z, c);
		if (real)
			((float *)v)[e] = (float)q * (*scale)[c];
		else
			((int8_t *)v)[e] = (int8_t)q;
	}
	*count = ns;
	return v;
}

/* An int32 bias with scale s_in * s_w[c] per output channel. */
static int qbias(struct ir_graph *g, int ni, int b, int64_t co, float s_in, const float *sw,
		 int64_t nsw)
{
	char name[600];
	float *sc = malloc(sizeof(float) * (size_t)co);

	if (!sc)
		return ir_fail(g, "out of memory");
	if (ir_numel(&g->t[b]) != co || g->t[b].dtype != IR_INT32) {
		free(sc);
		return lw_fail(g, ni, "the bias must be int32 with one value per output channel");
	}
	snprintf(name, sizeof(name), "%s/bias_q", g->n[ni].name);
	int bn = ir_const_add(g, name, IR_INT32, 1, &co, g->t[b].data);
	for (int64_t c = 0; c < co; c++)
		sc[c] = s_in * sw[nsw > 1 ? c : 0];
	if (bn >= 0 && set_params(g, bn, (unsigned)co, 0, sc))
		bn = -1;
	free(sc);
	return bn;
}

/*
 * QLinearConv whose weight codes do not fit int8 around their zero points:
 * DEQUANTIZE, a float conv on the real weights, QUANTIZE. Not bit-exact with
 * ONNX's integer definition in every rounding case, but the same function.
 */
static int qconv_float(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int x = n->in[0], w = n->in[3], b = n->n_in > 8 ? n->in[8] : -1, y = n->out[0];
	int64_t group = ir_attr_int(n, "group", 1), ws[4], ns, co = g->t[w].shape[0];
	float *sw, sx = g->t[x].q.scale[0];
	struct ir_tensor tmp = g->t[w];

	float *real = weight_values(g, ni, w, n->in[4], n->in[5], 0, 1, &sw, &ns);
	if (!real)
		return -1;
	int dw = lw_conv_is_dw(&tmp, group);
	tmp.data = real;
	float *buf = lw_conv_weights(&tmp, group, dw, sizeof(float), ws);
	float *bias = malloc(sizeof(float) * (size_t)co);
	int wn = buf && bias ? lw_const_f(g, ni, "weights_f", 4, ws, buf) : ir_fail(g, "out of memory");
	int bn = -1;
	if (wn >= 0 && b >= 0) {
		for (int64_t c = 0; c < co; c++)
			bias[c] = (float)ir_const_get_i(&g->t[b], c) * sx * sw[ns > 1 ? c : 0];
		bn = ir_numel(&g->t[b]) == co ? lw_const_f(g, ni, "bias_f", 1, &co, bias) :
		     lw_fail(g, ni, "the bias must have one value per output channel");
	}
	free(real);
	free(buf);
	free(bias);
	free(sw);
	if (wn < 0 || (b >= 0 && bn < 0))
		return -1;
	int xf = ir_tensor_derive(g, x, "f", IR_FLOAT, g->t[x].rank, g->t[x].shape);
	int yf = ir_tensor_derive(g, y, "f", IR_FLOAT, g->t[y].rank, g->t[y].shape);
	if (xf < 0 || yf < 0 || lw_emit(g, ni, TM_OP_DEQUANTIZE, NULL, 0, &x, 1, xf) ||
	    lw_conv_nhwc(g, ni, xf, wn, bn, dw, co, yf))
		return -1;
	return lw_emit(g, ni, TM_OP_QUANTIZE, NULL, 0, &yf, 1, y);
}

int lw_lower_qconv(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int x = n->in[0], w = n->in[3], b = n->n_in > 8 ? n->in[8] : -1, y = n->out[0];
	int64_t group = ir_attr_int(n, "group", 1), ws[4], ns;
	float *sw;
	char name[600];

	if (need_q8(g, ni, x, "x") || need_q8(g, ni, y, "y"))
		return -1;
	if (!is_const(g, w) || !params_ok(g, n->in[4], n->in[5], 0) || (b >= 0 && !is_const(g, b)))
		return lw_fail(g, ni, "weights, their parameters and the bias must be constants");
	if (!codes_fit(g, w, n->in[5], 0))
		return qconv_float(g, ni);
	int8_t *codes = weight_values(g, ni, w, n->in[4], n->in[5], 0, 0, &sw, &ns);
	if (!codes)
		return -1;
	struct ir_tensor tmp = g->t[w];
	int64_t co = tmp.shape[0];
	int dw = lw_conv_is_dw(&tmp, group);
	tmp.data = codes;
	int8_t *buf = lw_conv_weights(&tmp, group, dw, 1, ws);
	free(codes);
	snprintf(name, sizeof(name), "%s/weights_q", n->name);
	int wn = buf ? ir_const_add(g, name, IR_INT8, 4, ws, buf) : ir_fail(g, "out of memory");
	free(buf);
	if (wn >= 0 && set_params(g, wn, (unsigned)ns, ns > 1 ? (dw ? 3 : 0) : -1, sw))
		wn = -1;
	int bn = wn >= 0 && b >= 0 ? qbias(g, ni, b, co, g->t[x].q.scale[0], sw, ns) : -1;
	free(sw);
	if (wn < 0 || (b >= 0 && bn < 0))
		return -1;
	return lw_conv_nhwc(g, ni, x, wn, bn, dw, co, y);
}

/* FULLY_CONNECTED from constant B ([K, N], or [N, K] if @trans) with int8 codes. */
static int qfc(struct ir_graph *g, int ni, int a, int B, int s, int z, int trans, int bias, int y)
{
	int64_t ns, k = g->t[B].shape[trans ? 1 : 0], m = g->t[B].shape[trans ? 0 : 1];
	int64_t wsh[2] = { m, k };
	float *sw;
	char name[600];
	struct tm_fc_options o = { .keep_num_dims = 1 };

	int8_t *codes = weight_values(g, ni, B, s, z, trans ? 0 : 1, 0, &sw, &ns);
	if (!codes)
		return -1;
	snprintf(name, sizeof(name), "%s/weights_q", g->n[ni].name);
	int wn = ir_const_add(g, name, IR_INT8, 2, wsh, NULL);
	if (wn >= 0) {
		int8_t *d = g->t[wn].data;
		for (int64_t i = 0; i < m; i++)
			for (int64_t j = 0; j < k; j++)
				d[i * k + j] = codes[trans ? i * k + j : j * m + i];
	}
	free(codes);
	if (wn >= 0 && set_params(g, wn, (unsigned)ns, ns > 1 ? 0 : -1, sw))
		wn = -1;
	int bn = wn >= 0 && bias >= 0 ? qbias(g, ni, bias, m, g->t[a].q.scale[0], sw, ns) : -1;
	free(sw);
	if (wn < 0 || (bias >= 0 && bn < 0))
		return -1;
	int ins[3] = { a, wn, bn };
	return lw_emit(g, ni, TM_OP_FULLY_CONNECTED, &o, sizeof(o), ins, 3, y);
}

/* A constant operand (codes @t, parameters @s, @z) as an int8 constant. */
static int qconst(struct ir_graph *g, int ni, int t, int s, int z)
{
	char name[600];
	int shift = g->t[t].dtype == IR_UINT8 ? 128 : 0;

	if (!params_ok(g, s, z, 1) || (g->t[t].dtype != IR_UINT8 && g->t[t].dtype != IR_INT8))
		return lw_fail(g, ni, "constant operands need per-tensor int8/uint8 quantization");
	snprintf(name, sizeof(name), "%s/%s_q", g->n[ni].name, g->t[t].name);
	int c = ir_const_add(g, name, IR_INT8, g->t[t].rank, g->t[t].shape, NULL);
	if (c < 0)
		return -1;
	for (int64_t i = 0; i < ir_numel(&g->t[t]); i++)
		((int8_t *)g->t[c].data)[i] = (int8_t)(ir_const_get_i(&g->t[t], i) - shift);
	float sc = (float)cval(g, s, 0);
	if (set_params(g, c, 1, -1, &sc))
		return -1;
	g->t[c].q.zp[0] = (int32_t)cval(g, z, 0) - shift;
	return c;
}

/* Operand @k (value, scale, zero point at k, k+1, k+2) of a QLinear op. */
static int operand(struct ir_graph *g, int ni, int k)
{
	const int *in = g->n[ni].in;

	if (is_const(g, in[k]))
		return qconst(g, ni, in[k], in[k + 1], in[k + 2]);
	return need_q8(g, ni, in[k], "an operand") ? -1 : in[k];
}

int lw_lower_qmatmul(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int a = n->in[0], b = n->in[3], y = n->out[0];
	struct tm_matmul_options o = { 0 };

	if (need_q8(g, ni, a, "a") || need_q8(g, ni, y, "y"))
		return -1;
	if (is_const(g, b) && g->t[b].rank == 2 && params_ok(g, n->in[4], n->in[5], 0) &&
	    codes_fit(g, b, n->in[5], 1))
		return qfc(g, ni, a, b, n->in[4], n->in[5], 0, -1, y);
	int bq = operand(g, ni, 3);
	int ins[2] = { a, bq };
	return bq < 0 ? -1 : lw_emit(g, ni, TM_OP_BATCH_MATMUL, &o, sizeof(o), ins, 2, y);
}

/* com.microsoft QGemm: A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp. */
int lw_lower_qgemm(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int a = n->in[0], b = n->in[3], c = n->n_in > 6 ? n->in[6] : -1, y = n->out[0];

	if (n->n_in < 8 || n->in[7] < 0)
		return lw_fail(g, ni, "QGemm with a float output (no y_scale) is not supported");
	if (ir_attr_int(n, "transA", 0) || ir_attr_float(n, "alpha", 1) != 1)
		return lw_fail(g, ni, "transA and alpha other than 1 are not supported");
	if (need_q8(g, ni, a, "A") || need_q8(g, ni, y, "Y"))
		return -1;
	if (!is_const(g, b) || g->t[b].rank != 2 || !params_ok(g, n->in[4], n->in[5], 0) ||
	    (c >= 0 && !is_const(g, c)))
		return lw_fail(g, ni, "B, its parameters and C must be constants");
	return qfc(g, ni, a, b, n->in[4], n->in[5], (int)ir_attr_int(n, "transB", 0), c, y);
}

int lw_lower_qbinary(struct ir_graph *g, int ni)
{
	int y = g->n[ni].out[0];
	int a = operand(g, ni, 0), b = a < 0 ? -1 : operand(g, ni, 3);
	struct tm_binary_options o = { { 0, 0, 0 } };
	int ins[2] = { a, b };

	if (b < 0 || need_q8(g, ni, y, "the output"))
		return -1;
	return lw_emit(g, ni, is_op(&g->n[ni], "QLinearAdd") ? TM_OP_ADD : TM_OP_MUL, &o,
		       sizeof(o), ins, 2, y);
}

int lw_lower_quantize(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];

	if (g->t[n->in[0]].dtype != IR_FLOAT)
		return lw_fail(g, ni, "only float inputs can be quantized");
	if (!params_ok(g, n->in[1], n->n_in > 2 ? n->in[2] : -1, 1))
		return lw_fail(g, ni, "per-axis quantization of a run-time tensor is not supported");
	return lw_emit(g, ni, TM_OP_QUANTIZE, NULL, 0, n->in, 1, n->out[0]);
}

/* DequantizeLinear: constants fold (weights of float ops); run-time tensors get DEQUANTIZE. */
int lw_lower_dequantize(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int x = n->in[0], s = n->in[1], z = n->n_in > 2 ? n->in[2] : -1;
	struct ir_tensor *y = &g->t[n->out[0]];

	if (!params_ok(g, s, z, 0))
		return lw_fail(g, ni, "scale and zero point must be constants of one size");
	if (!is_const(g, x)) {
		if (ir_numel(&g->t[s]) != 1)
			return lw_fail(g, ni, "per-axis dequantization of a run-time tensor is not "
				       "supported");
		return lw_emit(g, ni, TM_OP_DEQUANTIZE, NULL, 0, &x, 1, n->out[0]);
	}
	int64_t ns = ir_numel(&g->t[s]), axis = ir_attr_int(n, "axis", 1), inner = 1;
	const struct ir_tensor *X = &g->t[x];
	if (axis < 0)
		axis += X->rank;
	if (ns > 1 && (axis < 0 || axis >= X->rank || X->shape[axis] != ns))
		return lw_fail(g, ni, "the scales do not match the axis");
	for (int d = (int)axis + 1; ns > 1 && d < X->rank; d++)
		inner *= X->shape[d];
	float *f = malloc(sizeof(float) * (size_t)ir_numel(X) + 1);
	if (!f)
		return ir_fail(g, "out of memory");
	for (int64_t e = 0; e < ir_numel(X); e++) {
		int64_t c = ns > 1 ? e / inner % ns : 0;
		f[e] = (float)(ir_const_get_i(X, e) - (int64_t)cval(g, z, c)) * (float)cval(g, s, c);
	}
	free(y->data);
	y->data = f;
	y->dtype = IR_FLOAT;
	return 0;
}
