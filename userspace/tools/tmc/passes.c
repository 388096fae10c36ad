// SPDX-License-Identifier: MIT
/*
 * passes.c - clean-up of a lowered graph:
 *
 *  - no-op removal: RESHAPE to the same shape, identity TRANSPOSE;
 *  - layout chains: a run of RESHAPE/TRANSPOSE that leaves the elements in
 *    their order is one RESHAPE (this is what removes the NCHW<->NHWC pairs
 *    around 1-D convolutions and size-1 channels);
 *  - transpose sinking: a TRANSPOSE moves below unary elementwise ops and
 *    binary ops with a constant operand (the constant is permuted), so the
 *    pairs the lowering put around every conv meet and cancel;
 *  - per-channel affine folding: MUL/ADD by constants per output channel
 *    after CONV/DEPTHWISE/FC go into weights and bias (BatchNorm folding);
 *  - activation fusion: RELU/RELU6/CLIP into the producing op;
 *  - dead code elimination.
 */
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lower.h"

static int single_use(const struct ir_graph *g, int t)
{
	return !ir_is_output(g, t) && ir_consumers(g, t) == 1;
}

/* The live node reading tensor @t (the only one, when single_use()). */
static int consumer(const struct ir_graph *g, int t)
{
	for (int i = 0; i < g->n_n; i++) {
		if (g->n[i].dead)
			continue;
		for (int k = 0; k < g->n[i].n_in; k++)
			if (g->n[i].in[k] == t)
				return i;
	}
	return -1;
}

static int same_shape(const struct ir_tensor *a, const struct ir_tensor *b)
{
	return a->rank == b->rank && !memcmp(a->shape, b->shape, sizeof(int64_t) * (size_t)a->rank);
}

/* Remove node @ni whose output equals its input 0 in content and shape. */
static void bypass(struct ir_graph *g, int ni)
{
	struct ir_node *n = &g->n[ni];
	int in = n->in[0], out = n->out[0];

	/* A graph output keeps its name: the copy must stay unless the input can be renamed. */
	if (ir_is_output(g, out) && (g->t[in].producer < 0 || ir_is_output(g, in) ||
				     !single_use(g, in)))
		return;
	if (ir_is_output(g, out)) {
		/* Let the producer of @in write @out directly. */
		struct ir_node *p = &g->n[g->t[in].producer];
		for (int k = 0; k < p->n_out; k++)
			if (p->out[k] == in)
				p->out[k] = out;
		g->t[out].producer = g->t[in].producer;
	} else {
		ir_replace_uses(g, out, in);
	}
	n->dead = 1;
}

static int pass_noops(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *n = &g->n[i];
		if (n->dead || (n->tm_op != TM_OP_RESHAPE && n->tm_op != TM_OP_TRANSPOSE))
			continue;
		int ident = same_shape(&g->t[n->in[0]], &g->t[n->out[0]]);
		if (n->tm_op == TM_OP_TRANSPOSE) {
			const struct tm_transpose_options *o = (const void *)n->opts;
			for (int k = 0; k < g->t[n->in[0]].rank; k++)
				ident &= o->perm[k] == k;
		}
		if (ident) {
			bypass(g, i);
			changed |= g->n[i].dead;
		}
	}
	return changed;
}

/* RESHAPE(RESHAPE(x)) reads x directly; the first may then die. */
static int pass_reshape_reshape(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *n = &g->n[i];
		if (n->dead || n->tm_op != TM_OP_RESHAPE)
			continue;
		int p = g->t[n->in[0]].producer;
		if (p >= 0 && !g->n[p].dead && g->n[p].tm_op == TM_OP_RESHAPE) {
			n->in[0] = g->n[p].in[0];
			changed = 1;
		}
	}
	return changed;
}

/* Common subexpressions: two ops of the same kind on the same inputs. */
static int pass_cse(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		const struct ir_node *a = &g->n[i];
		if (a->dead || !a->tm_op || a->n_out != 1)
			continue;
		for (int j = i + 1; j < g->n_n; j++) {
			struct ir_node *b = &g->n[j];
			if (b->dead || b->tm_op != a->tm_op || b->n_in != a->n_in || b->n_out != 1 ||
			    memcmp(b->in, a->in, sizeof(int) * (size_t)a->n_in) ||
			    b->opts_size != a->opts_size || memcmp(b->opts, a->opts, a->opts_size) ||
			    !same_shape(&g->t[a->out[0]], &g->t[b->out[0]]) || ir_is_output(g, b->out[0]))
				continue;
			ir_replace_uses(g, b->out[0], a->out[0]);
			b->dead = 1;
			changed = 1;
		}
	}
	return changed;
}

/* ---- layout chains ------------------------------------------------------ */

static int is_layout(const struct ir_node *n)
{
	return !n->dead && (n->tm_op == TM_OP_RESHAPE || n->tm_op == TM_OP_TRANSPOSE);
}

/* Apply TRANSPOSE @n to the element-origin array @idx (length of the tensor). */
static void permute_idx(const struct ir_graph *g, const struct ir_node *n, int32_t *idx, int32_t *tmp)
{
	const struct tm_transpose_options *o = (const void *)n->opts;
	const struct ir_tensor *in = &g->t[n->in[0]];
	int64_t stride[IR_MAX_RANK], pos[IR_MAX_RANK] = { 0 }, total = ir_numel(in);

	for (int d = in->rank - 1, s = 1; d >= 0; d--)
		stride[d] = s, s *= (int)in->shape[d];
	for (int64_t i = 0; i < total; i++) {
		int64_t off = 0;
		for (int d = 0; d < in->rank; d++)
			off += pos[d] * stride[o->perm[d]];
		tmp[i] = idx[off];
		for (int d = in->rank - 1; d >= 0 && ++pos[d] == in->shape[o->perm[d]]; d--)
			pos[d] = 0;
	}
	memcpy(idx, tmp, sizeof(int32_t) * (size_t)total);
}

/* Does chain[0..len) keep every element in place? */
static int chain_is_reshape(const struct ir_graph *g, const int *chain, int len, int32_t *idx,
			    int32_t *tmp, int64_t total)
{
	for (int64_t i = 0; i < total; i++)
		idx[i] = (int32_t)i;
	for (int k = 0; k < len; k++)
		if (g->n[chain[k]].tm_op == TM_OP_TRANSPOSE)
			permute_idx(g, &g->n[chain[k]], idx, tmp);
	for (int64_t i = 0; i < total; i++)
		if (idx[i] != i)
			return 0;
	return 1;
}

static int pass_chains(struct ir_graph *g)
{
	int changed = 0, chain[64];

	for (int i = 0; i < g->n_n; i++) {
		if (!is_layout(&g->n[i]))
			continue;
		int len = 0, cur = i, has_t = 0;
		/* Start only at a chain's head. */
		int p = g->t[g->n[i].in[0]].producer;
		if (p >= 0 && is_layout(&g->n[p]) && single_use(g, g->n[i].in[0]))
			continue;
		for (;;) {
			chain[len++] = cur;
			has_t |= g->n[cur].tm_op == TM_OP_TRANSPOSE;
			int o = g->n[cur].out[0];
			if (len == 64 || !single_use(g, o))
				break;
			int nx = consumer(g, o);
			if (nx < 0 || !is_layout(&g->n[nx]))
				break;
			cur = nx;
		}
		int64_t total = ir_numel(&g->t[g->n[i].in[0]]);
		if (len < 2 || !has_t || total > (1 << 22))
			continue;
		int32_t *idx = malloc(sizeof(int32_t) * (size_t)total * 2);
		if (!idx)
			return ir_fail(g, "out of memory");
		for (int end = len; end >= 2; end--) {
			if (!chain_is_reshape(g, chain, end, idx, idx + total, total))
				continue;
			struct ir_node *head = &g->n[chain[0]];
			head->tm_op = TM_OP_RESHAPE;
			head->opts_size = 0;
			head->out[0] = g->n[chain[end - 1]].out[0];
			g->t[head->out[0]].producer = chain[0];
			for (int k = 1; k < end; k++)
				g->n[chain[k]].dead = 1;
			changed = 1;
			break;
		}
		free(idx);
	}
	return changed;
}

/* TRANSPOSE(TRANSPOSE(x)) -> one TRANSPOSE with the composed permutation. */
static int pass_merge_transposes(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *a = &g->n[i];
		if (a->dead || a->tm_op != TM_OP_TRANSPOSE || !single_use(g, a->out[0]))
			continue;
		int j = consumer(g, a->out[0]);
		if (j < 0 || g->n[j].tm_op != TM_OP_TRANSPOSE)
			continue;
		struct tm_transpose_options *pa = (void *)a->opts, *pb = (void *)g->n[j].opts;
		int32_t c[TM_MAX_RANK];
		for (int k = 0; k < g->t[a->out[0]].rank; k++)
			c[k] = pa->perm[pb->perm[k]];
		memcpy(pb->perm, c, sizeof(int32_t) * (size_t)g->t[a->out[0]].rank);
		g->n[j].in[0] = a->in[0];
		a->dead = 1;
		changed = 1;
	}
	return changed;
}

/* ---- transpose sinking --------------------------------------------------- */

static int is_unary_ew(unsigned op)
{
	/* QUANTIZE/DEQUANTIZE of run-time tensors are per-tensor, so elementwise too. */
	return op == TM_OP_RELU || op == TM_OP_RELU6 || op == TM_OP_LEAKY_RELU || op == TM_OP_CLIP ||
	       op == TM_OP_LOGISTIC || op == TM_OP_TANH || op == TM_OP_SQRT || op == TM_OP_LOG ||
	       op == TM_OP_QUANTIZE || op == TM_OP_DEQUANTIZE;
}

static int is_binary_ew(unsigned op)
{
	return op == TM_OP_ADD || op == TM_OP_SUB || op == TM_OP_MUL || op == TM_OP_DIV ||
	       op == TM_OP_MAXIMUM || op == TM_OP_MINIMUM || op == TM_OP_POW;
}

/* A constant @c (broadcast against rank @r) permuted by @inv; -1 on failure. */
static int permute_const(struct ir_graph *g, int c, int r, const int32_t *inv)
{
	const struct ir_tensor *t = &g->t[c];
	int64_t al[IR_MAX_RANK], shape[IR_MAX_RANK], stride[IR_MAX_RANK], pos[IR_MAX_RANK] = { 0 };

	for (int d = 0; d < r; d++)
		al[d] = d < r - t->rank ? 1 : t->shape[d - (r - t->rank)];
	for (int d = 0; d < r; d++)
		shape[d] = al[inv[d]];
	int nc = ir_tensor_derive(g, c, "perm", IR_FLOAT, r, shape);
	if (nc < 0 || !(g->t[nc].data = malloc(sizeof(float) * (size_t)ir_numel(&g->t[nc]) + 1)))
		return -1;
	t = &g->t[c];
	for (int d = r - 1, s = 1; d >= 0; d--)
		stride[d] = s, s *= (int)al[d];
	float *dst = g->t[nc].data;
	for (int64_t i = 0; i < ir_numel(&g->t[nc]); i++) {
		int64_t off = 0;
		for (int d = 0; d < r; d++)
			off += pos[d] * stride[inv[d]];
		dst[i] = ir_const_get_f(t, off);
		for (int d = r - 1; d >= 0 && ++pos[d] == shape[d]; d--)
			pos[d] = 0;
	}
	return nc;
}

static int pass_sink(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *t = &g->n[i];
		if (t->dead || t->tm_op != TM_OP_TRANSPOSE || !single_use(g, t->out[0]))
			continue;
		int ei = consumer(g, t->out[0]);
		struct ir_node *e = &g->n[ei];
		int a = t->in[0], b = t->out[0], r = g->t[b].rank;
		int c_slot = -1;
		if (is_binary_ew(e->tm_op)) {
			c_slot = e->in[0] == b ? 1 : 0;
			int c = e->in[c_slot];
			if (e->in[1 - c_slot] != b || !g->t[c].data || g->t[c].rank > r ||
			    g->t[c].dtype != IR_FLOAT ||
			    !same_shape(&g->t[e->out[0]], &g->t[b]))
				continue;
		} else if (!is_unary_ew(e->tm_op)) {
			continue;
		}
		const struct tm_transpose_options *o = (const void *)t->opts;
		int32_t inv[TM_MAX_RANK];
		for (int k = 0; k < r; k++)
			inv[o->perm[k]] = k;
		if (c_slot >= 0) {
			int nc = permute_const(g, e->in[c_slot], r, inv);
			if (nc < 0)
				return -1;
			e = &g->n[ei];
			t = &g->n[i];
			e->in[c_slot] = nc;
		}
		/* e now reads a and writes a fresh tensor of a's shape; t follows it. */
		int eo = e->out[0];
		int mid = lw_derive(g, eo, "pre_t", g->t[a].rank, g->t[a].shape);
		if (mid < 0)
			return -1;
		e = &g->n[ei];
		t = &g->n[i];
		e->in[1 - (c_slot >= 0 ? c_slot : 1)] = a;
		e->out[0] = mid;
		g->t[mid].producer = ei;
		t->in[0] = mid;
		t->out[0] = eo;
		g->t[eo].producer = i;
		changed = 1;
	}
	return changed;
}

/* ---- affine folding and activation fusion ---------------------------- */

static int is_weighted(unsigned op)
{
	return op == TM_OP_CONV_2D || op == TM_OP_DEPTHWISE_CONV_2D || op == TM_OP_FULLY_CONNECTED;
}

/* Fused-activation field of a lowered op's options, or NULL. */
static struct tm_fused_act *act_of(struct ir_node *n)
{
	switch (n->tm_op) {
	case TM_OP_CONV_2D:
	case TM_OP_DEPTHWISE_CONV_2D:
		return &((struct tm_conv_options *)(void *)n->opts)->act;
	case TM_OP_FULLY_CONNECTED:
		return &((struct tm_fc_options *)(void *)n->opts)->act;
	case TM_OP_ADD:
	case TM_OP_SUB:
	case TM_OP_MUL:
	case TM_OP_DIV:
		return n->opts_size ? &((struct tm_binary_options *)(void *)n->opts)->act : NULL;
	case TM_OP_MAX_POOL_2D:
	case TM_OP_AVG_POOL_2D:
		return &((struct tm_pool_options *)(void *)n->opts)->act;
	case TM_OP_CONCATENATION:
		return &((struct tm_concat_options *)(void *)n->opts)->act;
	default:
		return NULL;
	}
}

/* Per-output-channel value of constant @c (broadcast along the last axis), or -1. */
static int per_channel(const struct ir_tensor *c, int64_t ch)
{
	int64_t n = ir_numel(c);
	if (n == 1)
		return 1;
	if (n != ch || c->shape[c->rank - 1] != ch)
		return 0;
	return 1;
}

/* Give op @ni private, writable copies of weights and bias (creating a zero bias). */
static int own_params(struct ir_graph *g, int ni, int64_t ch)
{
	for (int k = 1; k < 3; k++) {
		int src = g->n[ni].in[k];
		int64_t one = ch;
		int nt = src >= 0 ? ir_const_add(g, g->t[src].name, IR_FLOAT, g->t[src].rank,
						  g->t[src].shape, g->t[src].data)
				  : ir_const_add(g, "bias", IR_FLOAT, 1, &one, NULL);
		if (nt < 0)
			return -1;
		if (src < 0) {
			free(g->t[nt].name);
			g->t[nt].name = NULL;
			char name[600];
			snprintf(name, sizeof(name), "%s/bias", g->n[ni].name);
			if (!(g->t[nt].name = strdup(name)))
				return ir_fail(g, "out of memory");
		}
		g->n[ni].in[k] = nt;
	}
	if (g->n[ni].n_in < 3)
		g->n[ni].n_in = 3;
	return 0;
}

static int pass_fold_affine(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *p = &g->n[i];
		if (p->dead || !is_weighted(p->tm_op) || act_of(p)->kind || !single_use(g, p->out[0]) ||
		    g->t[p->in[1]].dtype != IR_FLOAT)
			continue;
		int ei = consumer(g, p->out[0]);
		struct ir_node *e = &g->n[ei];
		if ((e->tm_op != TM_OP_MUL && e->tm_op != TM_OP_ADD) || act_of(e)->kind)
			continue;
		int c = e->in[0] == p->out[0] ? e->in[1] : e->in[0];
		const struct ir_tensor *y = &g->t[p->out[0]];
		int64_t ch = y->shape[y->rank - 1];
		if (e->in[0] == e->in[1] || !g->t[c].data || g->t[c].dtype != IR_FLOAT ||
		    !per_channel(&g->t[c], ch) || !same_shape(&g->t[e->out[0]], y))
			continue;
		if (own_params(g, i, ch))
			return -1;
		p = &g->n[i];
		e = &g->n[ei];
		const struct ir_tensor *ct = &g->t[c];
		float *w = g->t[p->in[1]].data, *b = g->t[p->in[2]].data;
		int64_t wn = ir_numel(&g->t[p->in[1]]), one = ir_numel(ct) == 1;
		int dw = p->tm_op == TM_OP_DEPTHWISE_CONV_2D;
		for (int64_t oc = 0; oc < ch; oc++) {
			float v = ir_const_get_f(ct, one ? 0 : oc);
			if (e->tm_op == TM_OP_ADD) {
				b[oc] += v;
				continue;
			}
			b[oc] *= v;
			/* Output channel is the first axis (OHWI, [out,in]) or the last (1HWC). */
			for (int64_t k = 0; k < wn / ch; k++)
				w[dw ? k * ch + oc : oc * (wn / ch) + k] *= v;
		}
		p->out[0] = e->out[0];
		g->t[p->out[0]].producer = i;
		e->dead = 1;
		changed = 1;
	}
	return changed;
}

static int act_kind(const struct ir_node *n, float *lo, float *hi)
{
	const struct tm_clip_options *c = (const void *)n->opts;

	switch (n->tm_op) {
	case TM_OP_RELU:
		return TM_ACT_RELU;
	case TM_OP_RELU6:
		return TM_ACT_RELU6;
	case TM_OP_CLIP:
		*lo = c->min;
		*hi = c->max;
		if (c->min == -1 && c->max == 1)
			return TM_ACT_RELU_N1_TO_1;
		return TM_ACT_CLIP;
	default:
		return 0;
	}
}

/* Same quantization (or none) on tensors @a and @b: a fused int8 activation keeps it. */
static int same_q(const struct ir_graph *g, int a, int b)
{
	const struct ir_quant *x = &g->t[a].q, *y = &g->t[b].q;

	return g->t[a].dtype == g->t[b].dtype && x->count == y->count &&
	       (!x->count || (x->scale[0] == y->scale[0] && x->zp[0] == y->zp[0]));
}

static int pass_fuse_act(struct ir_graph *g)
{
	int changed = 0;

	for (int i = 0; i < g->n_n; i++) {
		struct ir_node *p = &g->n[i];
		struct tm_fused_act *act = p->dead ? NULL : act_of(p);
		if (!act || act->kind || !single_use(g, p->out[0]))
			continue;
		struct ir_node *e = &g->n[consumer(g, p->out[0])];
		float lo = 0, hi = 0;
		int kind = act_kind(e, &lo, &hi);
		if (!kind || !same_q(g, p->out[0], e->out[0]))
			continue;
		act->kind = (uint32_t)kind;
		act->act_min = lo;
		act->act_max = hi;
		p->out[0] = e->out[0];
		g->t[p->out[0]].producer = i;
		e->dead = 1;
		changed = 1;
	}
	return changed;
}

/* ---- LayerNorm ------------------------------------------------------------ */

/* The live node of opcode @op producing @t, or -1. */
static int made_by(const struct ir_graph *g, int t, unsigned op)
{
	int p = t >= 0 ? g->t[t].producer : -1;
	return p >= 0 && !g->n[p].dead && g->n[p].tm_op == op ? p : -1;
}

/* MEAN over the trailing axes from *@axis on, keeping dims; its input or -1. */
static int trailing_mean(const struct ir_graph *g, int m, int *axis)
{
	const struct tm_reduce_options *o = (const void *)g->n[m].opts;
	int r = g->t[g->n[m].in[0]].rank, a = r;

	while (a > 0 && (o->axes_mask >> (a - 1) & 1))
		a--;
	if (a == r || !o->keep_dims || o->axes_mask != ((1u << r) - 1) - ((1u << a) - 1))
		return -1;
	*axis = a;
	return g->n[m].in[0];
}

/* The constant operand of binary node @b whose other operand is @t; -1 if none. */
static int const_operand(const struct ir_graph *g, int b, int t)
{
	const struct ir_node *n = &g->n[b];
	int c = n->in[0] == t ? n->in[1] : n->in[1] == t ? n->in[0] : -1;

	if (c < 0 || !g->t[c].data || g->t[c].dtype != IR_FLOAT || act_of((struct ir_node *)n)->kind)
		return -1;
	return c;
}

/* A float constant holding one value per element of the trailing axes from @axis of @x. */
static int affine_const(const struct ir_graph *g, int c, int x, int axis)
{
	const struct ir_tensor *t = &g->t[c], *xt = &g->t[x];
	int r = xt->rank;

	if (c < 0 || t->rank > r)
		return 0;
	for (int d = 0; d < r; d++) {
		int64_t dim = d < r - t->rank ? 1 : t->shape[d - (r - t->rank)];
		if (dim != (d < axis ? 1 : xt->shape[d]))
			return 0;
	}
	return 1;
}

/* The single-use node of opcode @op reading @t, or -1. */
static int only_reader(const struct ir_graph *g, int t, unsigned op)
{
	int r = single_use(g, t) ? consumer(g, t) : -1;
	return r >= 0 && g->n[r].tm_op == op ? r : -1;
}

/*
 * (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta], over
 * trailing axes, as lowered (Pow(d, 2) is MUL(d, d)), into one LAYER_NORM.
 */
static int fuse_layer_norm(struct ir_graph *g, int div)
{
	int ax1, ax2, x, nodes[9], nn = 0;
	int d = g->n[div].in[0], sd = g->n[div].in[1];
	int sub = made_by(g, d, TM_OP_SUB), sq = made_by(g, sd, TM_OP_SQRT);
	int add = sq >= 0 ? made_by(g, g->n[sq].in[0], TM_OP_ADD) : -1;

	/* d is read three times: twice by MUL(d, d), once by the DIV. */
	if (sub < 0 || add < 0 || g->n[sub].in[1] < 0 || ir_consumers(g, d) != 3 ||
	    ir_is_output(g, d) || !single_use(g, sd) || !single_use(g, g->n[sq].in[0]))
		return 0;
	int m1 = made_by(g, g->n[sub].in[1], TM_OP_MEAN);
	int v = g->n[add].in[0], eps = g->n[add].in[1];
	if (g->t[v].data) {
		eps = v;
		v = g->n[add].in[1];
	}
	int m2 = made_by(g, v, TM_OP_MEAN);
	int sqr = m2 >= 0 ? made_by(g, g->n[m2].in[0], TM_OP_MUL) : -1;
	if (m1 < 0 || sqr < 0 || !g->t[eps].data || ir_numel(&g->t[eps]) != 1 ||
	    g->n[sqr].in[0] != d || g->n[sqr].in[1] != d || !single_use(g, v) ||
	    !single_use(g, g->n[m2].in[0]) || !single_use(g, g->n[sub].in[1]) ||
	    (x = trailing_mean(g, m1, &ax1)) < 0 || x != g->n[sub].in[0] ||
	    trailing_mean(g, m2, &ax2) != g->n[sqr].out[0] || ax1 != ax2 ||
	    g->t[x].dtype != IR_FLOAT || !(ir_const_get_f(&g->t[eps], 0) > 0))
		return 0;
	nodes[nn++] = m1, nodes[nn++] = sub, nodes[nn++] = sqr, nodes[nn++] = m2;
	nodes[nn++] = add, nodes[nn++] = sq, nodes[nn++] = div;
	int y = g->n[div].out[0], ins[3] = { x, -1, -1 };
	for (int k = 1; k < 3; k++) {
		int e = only_reader(g, y, k == 1 ? TM_OP_MUL : TM_OP_ADD);
		int c = e >= 0 ? const_operand(g, e, y) : -1;
		if (c < 0 || !affine_const(g, c, x, ax1))
			continue;
		int64_t shape[IR_MAX_RANK];
		int rank = g->t[x].rank - ax1;
		memcpy(shape, g->t[x].shape + ax1, sizeof(int64_t) * (size_t)rank);
		ins[k] = ir_const_add(g, g->t[c].name, IR_FLOAT, rank, shape, g->t[c].data);
		if (ins[k] < 0)
			return -1;
		nodes[nn++] = e;
		y = g->n[e].out[0];
	}
	struct tm_layer_norm_options o = { ax1, ir_const_get_f(&g->t[eps], 0) };
	char name[512];
	snprintf(name, sizeof(name), "%s", g->n[div].name); /* g->n may move */
	for (int k = 0; k < nn; k++)
		g->n[nodes[k]].dead = 1;
	return ir_node_add_tm(g, name, TM_OP_LAYER_NORM, &o, sizeof(o), ins, 3, &y, 1) < 0 ?
	       -1 : 1;
}

static int pass_layer_norm(struct ir_graph *g)
{
	int changed = 0, n0 = g->n_n;

	for (int i = 0; i < n0; i++) {
		if (g->n[i].dead || g->n[i].tm_op != TM_OP_DIV)
			continue;
		int r = fuse_layer_norm(g, i);
		if (r < 0)
			return -1;
		changed |= r;
	}
	return changed;
}

static int pass_dce(struct ir_graph *g)
{
	int changed = 0;

	for (int i = g->n_n - 1; i >= 0; i--) {
		struct ir_node *n = &g->n[i];
		int used = 0;
		if (n->dead)
			continue;
		for (int k = 0; k < n->n_out; k++)
			used |= n->out[k] >= 0 && ir_consumers(g, n->out[k]) > 0;
		if (!used) {
			n->dead = 1;
			changed = 1;
		}
	}
	return changed;
}

int tmc_optimize(struct ir_graph *g)
{
	for (int round = 0; round < 100; round++) {
		int c = 0, r;
		if ((r = pass_noops(g)) < 0 || (c |= r, (r = pass_chains(g)) < 0) ||
		    (c |= r, (r = pass_merge_transposes(g)) < 0) || (c |= r, (r = pass_sink(g)) < 0) ||
		    (c |= r, (r = pass_fold_affine(g)) < 0) || (c |= r, (r = pass_dce(g)) < 0) ||
		    (c |= r, (r = pass_reshape_reshape(g)) < 0) || (c |= r, (r = pass_cse(g)) < 0))
			return -1;
		c |= r;
		if (!c)
			break;
	}
	if (pass_layer_norm(g) < 0 || pass_fuse_act(g) < 0)
		return -1;
	pass_dce(g);
	return ir_compact(g);
}
