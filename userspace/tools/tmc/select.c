// SPDX-License-Identifier: MIT
/*
 * select.c - comparisons and a run-time If as exact float 0/1 arithmetic.
 *
 * model.bin has no comparison, boolean or control-flow operator, so a
 * data-dependent branch (ONNX If, TFLite IF) runs both branches and keeps one
 * result with cond * then + (1 - cond) * else. That is exact for finite
 * values because cond is exactly 0 or 1, which the comparisons guarantee.
 * Every node made here is kept float: in int8 the 0/1 codes would not be
 * exact. Used by the ONNX lowering (lower.c) and the TFLite importer.
 */
#include <stdio.h>
#include "lower.h"

/* Lowered op @op named @name reading @in, writing @y; kept float. */
static int put(struct ir_graph *g, const char *name, unsigned op, int a, int b, int y)
{
	struct tm_binary_options o = { { 0, 0, 0 } };
	struct tm_clip_options c = { 0, 1 };
	int ins[2] = { a, b }, n_in = b < 0 ? 1 : 2;
	const void *opts = op == TM_OP_CLIP ? (const void *)&c : &o;
	size_t size = op == TM_OP_CLIP ? sizeof(c) : op == TM_OP_MINIMUM ? 0 : sizeof(o);
	int ni = ir_node_add_tm(g, name, op, opts, size, ins, n_in, &y, 1);

	if (ni < 0)
		return -1;
	g->n[ni].keep_float = 1;
	return 0;
}

/* A new float tensor "<like>/<sfx>" shaped like @like, or @y if >= 0. */
static int dst(struct ir_graph *g, int like, const char *sfx, int y)
{
	return y >= 0 ? y : ir_tensor_derive(g, like, sfx, IR_FLOAT, g->t[like].rank, g->t[like].shape);
}

static int bin(struct ir_graph *g, const char *name, unsigned op, int a, int b, int like,
	       const char *sfx, int y)
{
	y = dst(g, like, sfx, y);
	return y < 0 || put(g, name, op, a, b, y) ? -1 : y;
}

static int scalar(struct ir_graph *g, const char *name, const char *sfx, float v)
{
	char cname[600];

	snprintf(cname, sizeof(cname), "%s/%s", name, sfx);
	return ir_const_f32(g, cname, 0, NULL, &v);
}

/*
 * step(d) = d > 0 ? 1 : 0 for every finite float d, exactly: the smallest
 * positive float times 1e38 twice is far above 1, so clip(., 0, 1) is 1;
 * zero and negatives give 0. Written into @y (or a new tensor if < 0).
 */
static int step(struct ir_graph *g, const char *name, int d, int like, int y)
{
	int big = scalar(g, name, "step_scale", 1e38f);
	int m1 = big < 0 ? -1 : bin(g, name, TM_OP_MUL, d, big, like, "step1", -1);
	int m2 = m1 < 0 ? -1 : bin(g, name, TM_OP_MUL, m1, big, like, "step2", -1);

	return m2 < 0 ? -1 : bin(g, name, TM_OP_CLIP, m2, -1, like, "step", y);
}

int lw_compare(struct ir_graph *g, const char *node, int cmp, int a, int b, int y)
{
	char name[512];
	int or_eq = cmp == LW_GE || cmp == LW_LE;

	snprintf(name, sizeof(name), "%s", node); /* g->n moves as nodes are added */
	if (cmp == LW_LT || cmp == LW_LE) {
		int t = a;
		a = b;
		b = t;
	}
	/* a > b = step(a - b); a >= b = 1 - step(b - a). */
	if (!or_eq) {
		int d = bin(g, name, TM_OP_SUB, a, b, y, "diff", -1);
		return d < 0 ? -1 : step(g, name, d, y, y) < 0 ? -1 : 0;
	}
	int d = bin(g, name, TM_OP_SUB, b, a, y, "diff", -1);
	int s = d < 0 ? -1 : step(g, name, d, y, -1);
	int one = s < 0 ? -1 : scalar(g, name, "one", 1);
	return one < 0 || bin(g, name, TM_OP_SUB, one, s, y, "", y) < 0 ? -1 : 0;
}

int lw_select(struct ir_graph *g, const char *node, int cond, const int *th, const int *el,
	      const int *y, int n)
{
	char name[512];

	snprintf(name, sizeof(name), "%s", node);
	int one = scalar(g, name, "one", 1);
	int nc = one < 0 ? -1 : bin(g, name, TM_OP_SUB, one, cond, cond, "not", -1);
	if (nc < 0)
		return -1;
	for (int k = 0; k < n; k++) {
		int a = bin(g, name, TM_OP_MUL, cond, th[k], y[k], "then", -1);
		int b = a < 0 ? -1 : bin(g, name, TM_OP_MUL, nc, el[k], y[k], "else", -1);
		if (b < 0 || bin(g, name, TM_OP_ADD, a, b, y[k], "", y[k]) < 0)
			return -1;
	}
	return 0;
}
