// SPDX-License-Identifier: MIT
/*
 * ir.c - the compiler's graph IR: construction, queries, compaction.
 *
 * Allocation failures are fatal for a compiler run, so the helpers report
 * them through the graph's error and return -1; callers propagate.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir.h"

struct ir_graph *ir_graph_new(void)
{
	return calloc(1, sizeof(struct ir_graph));
}

static void attr_free(struct ir_attr *a)
{
	free(a->name);
	free(a->s);
	free(a->ints);
	free(a->floats);
	if (a->g)
		ir_graph_free(a->g);
}

void ir_graph_free(struct ir_graph *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->n_t; i++) {
		free(g->t[i].name);
		free(g->t[i].data);
		free(g->t[i].q.scale);
		free(g->t[i].q.zp);
	}
	for (int i = 0; i < g->n_n; i++) {
		for (size_t k = 0; k < g->n[i].n_attrs; k++)
			attr_free(&g->n[i].attrs[k]);
		free(g->n[i].attrs);
		free(g->n[i].name);
		free(g->n[i].op);
	}
	free(g->t);
	free(g->n);
	free(g);
}

int ir_fail(struct ir_graph *g, const char *fmt, ...)
{
	va_list ap;

	if (!g->err[0]) {
		va_start(ap, fmt);
		vsnprintf(g->err, sizeof(g->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Grow an array of @elem-sized records to hold at least @need. */
static int grow(void **arr, int *cap, int need, size_t elem)
{
	if (need <= *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return -1;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

int ir_tensor_add(struct ir_graph *g, const char *name, int dtype, int rank, const int64_t *shape)
{
	if (rank < 0 || rank > IR_MAX_RANK)
		return ir_fail(g, "tensor '%s': rank %d is more than %d", name, rank, IR_MAX_RANK);
	int64_t dims[IR_MAX_RANK];

	/* @shape may point into g->t, which the growth below moves. */
	for (int i = 0; i < rank; i++)
		dims[i] = shape[i];
	if (grow((void **)&g->t, &g->cap_t, g->n_t + 1, sizeof(*g->t)))
		return ir_fail(g, "out of memory");
	struct ir_tensor *t = &g->t[g->n_t];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name ? name : "");
	if (!t->name)
		return ir_fail(g, "out of memory");
	t->dtype = dtype;
	t->rank = rank;
	for (int i = 0; i < rank; i++)
		t->shape[i] = dims[i];
	t->producer = -1;
	t->q.axis = -1;
	return g->n_t++;
}

size_t ir_dtype_size(int dtype)
{
	switch (dtype) {
	case IR_FLOAT:
	case IR_INT32:
		return 4;
	case IR_INT64:
		return 8;
	case IR_UINT8:
	case IR_INT8:
	case IR_BOOL:
		return 1;
	default:
		return 0;
	}
}

const char *ir_dtype_name(int dtype)
{
	switch (dtype) {
	case IR_FLOAT: return "float32";
	case IR_UINT8: return "uint8";
	case IR_INT8: return "int8";
	case IR_INT32: return "int32";
	case IR_INT64: return "int64";
	case IR_BOOL: return "bool";
	case IR_INT4: return "int4";
	default: return "unsupported";
	}
}

int64_t ir_numel(const struct ir_tensor *t)
{
	int64_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= t->shape[i];
	return n;
}

int ir_const_add(struct ir_graph *g, const char *name, int dtype, int rank, const int64_t *shape,
		 const void *data)
{
	int id = ir_tensor_add(g, name, dtype, rank, shape);
	if (id < 0)
		return id;
	struct ir_tensor *t = &g->t[id];
	size_t bytes = (size_t)ir_numel(t) * ir_dtype_size(dtype);
	t->data = malloc(bytes ? bytes : 1);
	if (!t->data)
		return ir_fail(g, "out of memory");
	if (data)
		memcpy(t->data, data, bytes);
	else
		memset(t->data, 0, bytes);
	return id;
}

int ir_const_f32(struct ir_graph *g, const char *name, int rank, const int64_t *shape,
		 const float *data)
{
	return ir_const_add(g, name, IR_FLOAT, rank, shape, data);
}

int ir_tensor_find(const struct ir_graph *g, const char *name)
{
	if (!name)
		name = ""; /* proto2 leaves absent names NULL */
	/* Later definitions win: If branches may shadow nothing, but be safe. */
	for (int i = g->n_t - 1; i >= 0; i--)
		if (!strcmp(g->t[i].name, name))
			return i;
	return -1;
}

int ir_tensor_derive(struct ir_graph *g, int base, const char *suffix, int dtype, int rank,
		     const int64_t *shape)
{
	char name[512];

	snprintf(name, sizeof(name), "%s/%s", g->t[base].name, suffix);
	return ir_tensor_add(g, name, dtype, rank, shape);
}

static int node_alloc(struct ir_graph *g, const char *name, const int *in, int n_in,
		      const int *out, int n_out)
{
	if (n_in > IR_MAX_IO || n_out > IR_MAX_IO)
		return ir_fail(g, "node '%s': more than %d inputs or outputs", name, IR_MAX_IO);
	if (grow((void **)&g->n, &g->cap_n, g->n_n + 1, sizeof(*g->n)))
		return ir_fail(g, "out of memory");
	struct ir_node *n = &g->n[g->n_n];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name ? name : "");
	if (!n->name)
		return ir_fail(g, "out of memory");
	if (n_in)
		memcpy(n->in, in, sizeof(int) * (size_t)n_in);
	if (n_out)
		memcpy(n->out, out, sizeof(int) * (size_t)n_out);
	n->n_in = n_in;
	n->n_out = n_out;
	for (int i = 0; i < n_out; i++)
		if (out[i] >= 0)
			g->t[out[i]].producer = g->n_n;
	return g->n_n++;
}

int ir_node_add(struct ir_graph *g, const char *name, const char *op, const int *in, int n_in,
		const int *out, int n_out)
{
	int id = node_alloc(g, name, in, n_in, out, n_out);
	if (id < 0)
		return id;
	g->n[id].op = strdup(op);
	if (!g->n[id].op)
		return ir_fail(g, "out of memory");
	return id;
}

int ir_node_add_tm(struct ir_graph *g, const char *name, unsigned tm_op, const void *opts,
		   size_t opts_size, const int *in, int n_in, const int *out, int n_out)
{
	if (opts_size > sizeof(g->n[0].opts))
		return ir_fail(g, "internal: options of %s too large", tm_opcode_name(tm_op));
	int id = node_alloc(g, name, in, n_in, out, n_out);
	if (id < 0)
		return id;
	g->n[id].tm_op = tm_op;
	if (opts_size)
		memcpy(g->n[id].opts, opts, opts_size);
	g->n[id].opts_size = opts_size;
	return id;
}

const struct ir_attr *ir_attr_get(const struct ir_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return &n->attrs[i];
	return NULL;
}

int64_t ir_attr_int(const struct ir_node *n, const char *name, int64_t def)
{
	const struct ir_attr *a = ir_attr_get(n, name);
	return a ? a->i : def;
}

float ir_attr_float(const struct ir_node *n, const char *name, float def)
{
	const struct ir_attr *a = ir_attr_get(n, name);
	return a ? a->f : def;
}

const char *ir_attr_str(const struct ir_node *n, const char *name, const char *def)
{
	const struct ir_attr *a = ir_attr_get(n, name);
	return a && a->s ? a->s : def;
}

int ir_is_output(const struct ir_graph *g, int t)
{
	for (int i = 0; i < g->n_out; i++)
		if (g->out[i] == t)
			return 1;
	return 0;
}

int ir_consumers(const struct ir_graph *g, int t)
{
	int c = 0;
	for (int i = 0; i < g->n_n; i++) {
		if (g->n[i].dead)
			continue;
		for (int k = 0; k < g->n[i].n_in; k++)
			c += g->n[i].in[k] == t;
	}
	for (int i = 0; i < g->n_out; i++)
		c += g->out[i] == t;
	return c;
}

void ir_replace_uses(struct ir_graph *g, int from, int to)
{
	for (int i = 0; i < g->n_n; i++) {
		if (g->n[i].dead)
			continue;
		for (int k = 0; k < g->n[i].n_in; k++)
			if (g->n[i].in[k] == from)
				g->n[i].in[k] = to;
		/* An If reads its inlined branches' results through graph attributes. */
		for (size_t a = 0; a < g->n[i].n_attrs; a++) {
			struct ir_attr *at = &g->n[i].attrs[a];
			for (size_t k = 0; at->type == 5 && k < at->n_ints; k++)
				if (at->ints[k] == from)
					at->ints[k] = to;
		}
	}
	for (int i = 0; i < g->n_out; i++)
		if (g->out[i] == from)
			g->out[i] = to;
}

float ir_const_get_f(const struct ir_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case IR_FLOAT: return ((const float *)t->data)[i];
	case IR_INT64: return (float)((const int64_t *)t->data)[i];
	case IR_INT32: return (float)((const int32_t *)t->data)[i];
	case IR_INT8: return ((const int8_t *)t->data)[i];
	case IR_UINT8:
	case IR_BOOL: return ((const uint8_t *)t->data)[i];
	default: return 0;
	}
}

int64_t ir_const_get_i(const struct ir_tensor *t, int64_t i)
{
	switch (t->dtype) {
	case IR_FLOAT: return (int64_t)((const float *)t->data)[i];
	case IR_INT64: return ((const int64_t *)t->data)[i];
	case IR_INT32: return ((const int32_t *)t->data)[i];
	case IR_INT8: return ((const int8_t *)t->data)[i];
	case IR_UINT8:
	case IR_BOOL: return ((const uint8_t *)t->data)[i];
	default: return 0;
	}
}

const char *ir_shape_str(const struct ir_tensor *t, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	if (t->rank == 0)
		snprintf(buf, len, "scalar");
	for (int i = 0; i < t->rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "x" : "", (long long)t->shape[i]);
	return buf;
}

/*
 * Kahn's algorithm, stable in the current order: passes append new nodes at
 * the end and rewire freely, and this puts everything back in an order where
 * each node follows its producers.
 */
int ir_compact(struct ir_graph *g)
{
	int n = g->n_n, live = 0;
	int *order = malloc(sizeof(int) * (size_t)(n + 1));
	char *done = calloc((size_t)g->n_t + 1, 1);
	char *placed = calloc((size_t)n + 1, 1);
	int ret = 0;

	if (!order || !done || !placed) {
		ret = ir_fail(g, "out of memory");
		goto out;
	}
	for (int i = 0; i < g->n_t; i++)
		done[i] = g->t[i].producer < 0 || g->t[i].data != NULL;
	for (int i = 0; i < n; i++)
		live += !g->n[i].dead;
	for (int k = 0; k < live;) {
		int progress = 0;
		for (int i = 0; i < n; i++) {
			if (g->n[i].dead || placed[i])
				continue;
			int ready = 1;
			for (int j = 0; j < g->n[i].n_in && ready; j++)
				ready = g->n[i].in[j] < 0 || done[g->n[i].in[j]];
			if (!ready)
				continue;
			placed[i] = 1;
			order[k++] = i;
			progress = 1;
			for (int j = 0; j < g->n[i].n_out; j++)
				done[g->n[i].out[j]] = 1;
		}
		if (!progress) {
			/* Name the first op that can never run and what it waits for. */
			for (int i = 0; i < n; i++) {
				if (g->n[i].dead || placed[i])
					continue;
				for (int j = 0; j < g->n[i].n_in; j++)
					if (g->n[i].in[j] >= 0 && !done[g->n[i].in[j]]) {
						ret = ir_fail(g, "node '%s': input '%s' is produced by nothing "
							      "or by a cycle", g->n[i].name,
							      g->t[g->n[i].in[j]].name);
						goto out;
					}
			}
			ret = ir_fail(g, "graph has a cycle");
			goto out;
		}
	}
	/* Rebuild the node array in order, freeing the dead. */
	struct ir_node *nn = calloc((size_t)live + 1, sizeof(*nn));
	if (!nn) {
		ret = ir_fail(g, "out of memory");
		goto out;
	}
	for (int k = 0; k < live; k++)
		nn[k] = g->n[order[k]];
	for (int i = 0; i < n; i++) {
		if (!g->n[i].dead)
			continue;
		for (size_t a = 0; a < g->n[i].n_attrs; a++)
			attr_free(&g->n[i].attrs[a]);
		free(g->n[i].attrs);
		free(g->n[i].name);
		free(g->n[i].op);
	}
	free(g->n);
	g->n = nn;
	g->n_n = live;
	g->cap_n = live + 1;
	for (int i = 0; i < g->n_t; i++)
		if (!g->t[i].data)
			g->t[i].producer = -1;
	for (int i = 0; i < live; i++)
		for (int j = 0; j < nn[i].n_out; j++)
			g->t[nn[i].out[j]].producer = i;
out:
	free(order);
	free(done);
	free(placed);
	return ret;
}
