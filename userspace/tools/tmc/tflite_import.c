// SPDX-License-Identifier: MIT
/*
 * tflite_import.c - TFLite model (schema version 3) -> IR of lowered nodes.
 *
 * The file is read with the bounds-checked reader in flatbuf.c; nothing
 * here dereferences the buffer directly. Tensors are created in the IR when
 * an operator or the graph's inputs/outputs first use them, so every tensor
 * index is checked where it is used and the error names that operator.
 * Schema facts (field numbers, enum values) are those of TFLite's
 * schema.fbs; the operator handlers live in tflite_ops.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tflite_priv.h"

/* TensorType */
enum { TFL_FLOAT32 = 0, TFL_FLOAT16 = 1, TFL_INT32 = 2, TFL_UINT8 = 3, TFL_INT64 = 4,
       TFL_BOOL = 6, TFL_INT8 = 9 };

int tmc_is_tflite(const void *buf, size_t size)
{
	return size >= 8 && !memcmp((const char *)buf + 4, "TFL3", 4);
}

/* Copy the reader's error into the graph with @what as context. */
int tfl_fb_fail(struct tfl *c, const char *what)
{
	return ir_fail(c->g, "%s: %s", what, c->fb.err[0] ? c->fb.err : "malformed");
}

static int ir_type(int tfl)
{
	switch (tfl) {
	case TFL_FLOAT32: return IR_FLOAT;
	case TFL_FLOAT16: return IR_FLOAT; /* constants only; converted on load */
	case TFL_INT32: return IR_INT32;
	case TFL_UINT8: return IR_UINT8;
	case TFL_INT64: return IR_INT64;
	case TFL_BOOL: return IR_BOOL;
	case TFL_INT8: return IR_INT8;
	default: return 0;
	}
}

static float half_to_float(uint16_t h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	float v = e == 0 ? ldexpf((float)m, -24) :
		  e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m | 0x400), e - 25);
	return h & 0x8000 ? -v : v;
}

/* The bytes of buffer @bi: inline data or (offset, size) into the file. */
static int buffer_bytes(struct tfl *c, uint32_t bi, const uint8_t **p, uint64_t *n, char *ctx)
{
	struct fb_table bt;
	struct fb_vec data;
	uint64_t off = 0, size = 0;

	*p = NULL;
	*n = 0;
	if (bi >= c->buffers.len)
		return ir_fail(c->g, "%s: buffer %u, but the model has %u buffers", ctx, bi,
			       c->buffers.len);
	if (fb_vec_table(&c->buffers, bi, &bt) || fb_vec_field(&bt, 0, 1, &data) ||
	    fb_u64(&bt, 1, 0, &off) || fb_u64(&bt, 2, 0, &size))
		return tfl_fb_fail(c, ctx);
	if (data.len) {
		*p = fb_vec_data(&data);
		*n = data.len;
	} else if (off > 1 && size) {
		if (off > c->fb.size || size > c->fb.size - off)
			return ir_fail(c->g, "%s: buffer %u [%llu, +%llu) outside the %zu-byte file", ctx,
				       bi, (unsigned long long)off, (unsigned long long)size, c->fb.size);
		*p = c->fb.p + off;
		*n = size;
	}
	return 0;
}

/* Constant data of tensor @id from buffer bytes @p (@n bytes). */
static int load_const(struct tfl *c, int id, int tt, const uint8_t *p, uint64_t n, const char *ctx)
{
	struct ir_tensor *t = &c->g->t[id];
	int64_t count = ir_numel(t);
	size_t es = tt == TFL_FLOAT16 ? 2 : ir_dtype_size(t->dtype);

	if ((uint64_t)count * es != n)
		return ir_fail(c->g, "%s: %llu data bytes, but its shape holds %lld elements of %zu",
			       ctx, (unsigned long long)n, (long long)count, es);
	t->data = malloc(count ? (size_t)count * ir_dtype_size(t->dtype) : 1);
	if (!t->data)
		return ir_fail(c->g, "out of memory");
	if (tt != TFL_FLOAT16) {
		if (n) /* an empty tensor has no bytes, and p may be NULL */
			memcpy(t->data, p, (size_t)n);
		return 0;
	}
	for (int64_t i = 0; i < count; i++)
		((float *)t->data)[i] = half_to_float((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
	return 0;
}

/* Scales and zero points of an integer tensor (field 4 of Tensor). */
static int load_quant(struct tfl *c, int id, const struct fb_table *tt, const char *ctx)
{
	struct fb_table q;
	struct fb_vec sc, zp;
	int present;
	int32_t axis = 0;
	struct ir_tensor *t;

	if (fb_table_field(tt, 4, &q, &present))
		return tfl_fb_fail(c, ctx);
	if (!present)
		return 0;
	if (fb_vec_field(&q, 2, 4, &sc) || fb_vec_field(&q, 3, 8, &zp) || fb_i32(&q, 6, 0, &axis))
		return tfl_fb_fail(c, ctx);
	t = &c->g->t[id];
	if (!sc.len || t->dtype == IR_FLOAT)
		return 0; /* min/max only, or float: nothing to keep */
	if (zp.len != sc.len)
		return ir_fail(c->g, "%s: %u scales but %u zero points", ctx, sc.len, zp.len);
	if (sc.len > 1 && (axis < 0 || axis >= t->rank || t->shape[axis] != sc.len))
		return ir_fail(c->g, "%s: %u per-channel scales do not match axis %d of its shape",
			       ctx, sc.len, axis);
	t->q.scale = malloc(sizeof(float) * sc.len);
	t->q.zp = malloc(sizeof(int32_t) * sc.len);
	if (!t->q.scale || !t->q.zp)
		return ir_fail(c->g, "out of memory");
	t->q.count = sc.len;
	t->q.axis = sc.len > 1 ? axis : -1;
	for (uint32_t i = 0; i < sc.len; i++) {
		float s = fb_vec_f32(&sc, i);
		int64_t z = fb_vec_i64(&zp, i);
		int64_t lo = t->dtype == IR_INT8 ? -128 : t->dtype == IR_UINT8 ? 0 : INT32_MIN;
		int64_t hi = t->dtype == IR_INT8 ? 127 : t->dtype == IR_UINT8 ? 255 : INT32_MAX;
		if (!(s > 0) || !isfinite(s))
			return ir_fail(c->g, "%s: scale %u is %g, not a positive number", ctx, i, s);
		if (z < lo || z > hi)
			return ir_fail(c->g, "%s: zero point %lld out of range for %s", ctx,
				       (long long)z, ir_dtype_name(t->dtype));
		t->q.scale[i] = s;
		t->q.zp[i] = (int32_t)z;
	}
	return 0;
}

/* Create IR tensor for TFLite tensor @i (it was checked to be in range). */
static int make_tensor(struct tfl *c, uint32_t i)
{
	struct fb_table tt;
	struct fb_vec shape;
	int8_t type = 0;
	uint32_t bi = 0;
	uint8_t var = 0;
	char name[256], ctx[640], full[1024];
	int64_t dims[IR_MAX_RANK], total = 1;
	const uint8_t *p;
	uint64_t n;

	snprintf(ctx, sizeof(ctx), "%stensor %u", c->prefix, i);
	if (fb_vec_table(&c->tensors, i, &tt) || fb_vec_field(&tt, 0, 4, &shape) ||
	    fb_scalar(&tt, 1, 1, &type) || fb_u32(&tt, 2, 0, &bi) || fb_str_field(&tt, 3, name, sizeof(name)) ||
	    fb_u8(&tt, 5, 0, &var))
		return tfl_fb_fail(c, ctx);
	snprintf(ctx, sizeof(ctx), "%stensor %u '%s'", c->prefix, i, name);
	int dt = ir_type(type);
	if (!dt)
		return ir_fail(c->g, "%s: element type %d is not supported", ctx, type);
	if (var)
		return ir_fail(c->g, "%s: variable (stateful) tensors are not supported", ctx);
	if (shape.len > IR_MAX_RANK)
		return ir_fail(c->g, "%s: rank %u is more than %d", ctx, shape.len, IR_MAX_RANK);
	for (uint32_t d = 0; d < shape.len; d++) {
		dims[d] = fb_vec_i32(&shape, d);
		if (dims[d] < 0 || __builtin_mul_overflow(total, dims[d], &total) || total > (1ll << 36))
			return ir_fail(c->g, "%s: dimension %u is %lld (negative or too large)", ctx, d,
				       (long long)dims[d]);
	}
	if (!total && dt != IR_INT32 && dt != IR_INT64)
		return ir_fail(c->g, "%s: empty, which only an int32/int64 shape operand may be", ctx);
	if (buffer_bytes(c, bi, &p, &n, ctx))
		return -1;
	if (type == TFL_FLOAT16 && !n)
		return ir_fail(c->g, "%s: float16 is supported for constants only", ctx);
	snprintf(full, sizeof(full), "%s%s", c->prefix, name[0] ? name : ctx);
	int id = ir_tensor_add(c->g, full, dt, (int)shape.len, dims);
	/* An empty shape operand (reshape to a scalar) is a constant with no bytes. */
	if (id < 0 || ((n || !total) && load_const(c, id, type, p, n, ctx)) ||
	    load_quant(c, id, &tt, ctx))
		return -1;
	c->map[i] = id;
	return id;
}

int tfl_tensor(struct tfl *c, int32_t i, const char *ctx)
{
	if (i < 0 || (uint32_t)i >= c->tensors.len)
		return ir_fail(c->g, "%s: tensor index %d, but the subgraph has %u tensors", ctx, i,
			       c->tensors.len);
	return c->map[i] >= 0 ? c->map[i] : make_tensor(c, (uint32_t)i);
}

/* ---- operators ----------------------------------------------------------- */

static int read_io(struct tfl *c, struct tfl_op *op, const struct fb_table *ot)
{
	struct fb_vec in, out;

	if (fb_vec_field(ot, 1, 4, &in) || fb_vec_field(ot, 2, 4, &out))
		return tfl_fb_fail(c, op->ctx);
	if (in.len > IR_MAX_IO || out.len > IR_MAX_IO || !out.len)
		return ir_fail(c->g, "%s: %u inputs and %u outputs (want 1..%d outputs, at most %d "
			       "inputs)", op->ctx, in.len, out.len, IR_MAX_IO, IR_MAX_IO);
	op->n_in = (int)in.len;
	op->n_out = (int)out.len;
	for (int k = 0; k < op->n_in; k++) {
		op->tin[k] = fb_vec_i32(&in, (uint32_t)k);
		op->in[k] = -1;
		if (op->tin[k] == -1)
			continue; /* optional input left out */
		if ((op->in[k] = tfl_tensor(c, op->tin[k], op->ctx)) < 0)
			return -1;
		const struct ir_tensor *t = &c->g->t[op->in[k]];
		if (!t->data && !c->ready[op->tin[k]])
			return ir_fail(c->g, "%s: input %d (tensor %d '%s') is read before anything "
				       "writes it", op->ctx, k, op->tin[k], t->name);
	}
	for (int k = 0; k < op->n_out; k++) {
		op->tout[k] = fb_vec_i32(&out, (uint32_t)k);
		if ((op->out[k] = tfl_tensor(c, op->tout[k], op->ctx)) < 0)
			return -1;
		if (c->ready[op->tout[k]] || c->g->t[op->out[k]].data)
			return ir_fail(c->g, "%s: output %d (tensor %d '%s') is already written", op->ctx,
				       k, op->tout[k], c->g->t[op->out[k]].name);
	}
	return 0;
}

static int import_op(struct tfl *c, uint32_t oi)
{
	struct fb_table ot, ct;
	struct tfl_op op;
	uint32_t code_i = 0;
	int8_t dep = 0;
	int32_t code = 0;
	uint8_t opt_type = 0;

	memset(&op, 0, sizeof(op));
	snprintf(op.ctx, sizeof(op.ctx), "%soperator %u", c->prefix, oi);
	if (fb_vec_table(&c->ops, oi, &ot) || fb_u32(&ot, 0, 0, &code_i))
		return tfl_fb_fail(c, op.ctx);
	if (code_i >= c->codes.len)
		return ir_fail(c->g, "%s: opcode index %u, but the model has %u operator codes",
			       op.ctx, code_i, c->codes.len);
	if (fb_vec_table(&c->codes, code_i, &ct) || fb_scalar(&ct, 0, 1, &dep) ||
	    fb_i32(&ct, 3, 0, &code) || fb_u8(&ot, 3, 0, &opt_type) ||
	    fb_table_field(&ot, 4, &op.opts, &op.has_opts))
		return tfl_fb_fail(c, op.ctx);
	/* Codes past 127 live in builtin_code; older files only set the deprecated byte. */
	op.code = code > dep ? code : dep;
	const struct tfl_rule *r = tfl_rule(op.code);
	snprintf(op.ctx, sizeof(op.ctx), "%soperator %u (%s)", c->prefix, oi, r ? r->name : "?");
	if (!r)
		return ir_fail(c->g, "%s: builtin operator %d is not supported", op.ctx, op.code);
	if (op.has_opts && r->opts_type && opt_type != r->opts_type)
		return ir_fail(c->g, "%s: options of type %u, want %u", op.ctx, opt_type, r->opts_type);
	op.has_opts &= r->opts_type && opt_type == r->opts_type;
	if (read_io(c, &op, &ot))
		return -1;
	snprintf(op.name, sizeof(op.name), "%s", c->g->t[op.out[0]].name);
	snprintf(op.ctx, sizeof(op.ctx), "%soperator %u (%s, output '%s')", c->prefix, oi, r->name,
		 op.name);
	if (op.n_in < r->min_in)
		return ir_fail(c->g, "%s: %d inputs, want at least %d", op.ctx, op.n_in, r->min_in);
	for (int k = 0; k < r->min_in; k++)
		if (op.in[k] < 0)
			return ir_fail(c->g, "%s: required input %d is missing", op.ctx, k);
	if (tfl_rule_shape(c, &op, r) || r->fn(c, &op))
		return -1;
	for (int k = 0; k < op.n_out; k++)
		c->ready[op.tout[k]] = 1;
	return 0;
}

/* Make subgraph @i the current one: its tensors and operators, fresh maps. */
static int open_subgraph(struct tfl *c, uint32_t i, struct fb_table *sg)
{
	char what[32];

	snprintf(what, sizeof(what), "subgraph %u", i);
	if (fb_vec_table(&c->subgraphs, i, sg) || fb_vec_field(sg, 0, 4, &c->tensors) ||
	    fb_vec_field(sg, 3, 4, &c->ops))
		return tfl_fb_fail(c, what);
	c->sg = i;
	c->map = malloc(sizeof(int) * ((size_t)c->tensors.len + 1));
	c->ready = calloc((size_t)c->tensors.len + 1, 1);
	if (!c->map || !c->ready)
		return ir_fail(c->g, "out of memory");
	for (uint32_t k = 0; k < c->tensors.len; k++)
		c->map[k] = -1;
	return 0;
}

static int import_ops(struct tfl *c)
{
	for (uint32_t i = 0; i < c->ops.len; i++)
		if (import_op(c, i))
			return -1;
	return 0;
}

/* ---- IF branches ---------------------------------------------------------- */

/* IF bodies nest at most this deep (a subgraph that names itself would recurse). */
#define TFL_MAX_DEPTH 4

/* Branch input @k is subgraph tensor @ti: bind it to IR tensor @id. */
static int bind_branch_input(struct tfl *c, uint32_t k, int32_t ti, int id, const char *ctx)
{
	struct fb_table tt;
	struct fb_vec shape;
	const struct ir_tensor *t = &c->g->t[id];

	if (ti < 0 || (uint32_t)ti >= c->tensors.len || c->map[ti] >= 0)
		return ir_fail(c->g, "%s: subgraph %u input %u is tensor %d (out of range or listed "
			       "twice)", ctx, c->sg, k, ti);
	if (fb_vec_table(&c->tensors, (uint32_t)ti, &tt) || fb_vec_field(&tt, 0, 4, &shape))
		return tfl_fb_fail(c, ctx);
	int same = (int)shape.len == t->rank;
	for (uint32_t d = 0; same && d < shape.len; d++)
		same = fb_vec_i32(&shape, d) == t->shape[d];
	if (!same && !c->rebind)
		return ir_fail(c->g, "%s: subgraph %u input %u has another shape than IF input %u "
			       "'%s'", ctx, c->sg, k, k + 1, t->name);
	c->map[ti] = id;
	c->ready[ti] = 1;
	return 0;
}

static int import_branch(struct tfl *c, uint32_t sgi, const int *in, int n_in, int *out,
			 int n_out, const char *ctx)
{
	struct fb_table sg;
	struct fb_vec vin, vout;

	if (sgi == 0 || sgi >= c->subgraphs.len)
		return ir_fail(c->g, "%s: branch subgraph %u, but the model has subgraphs 1..%u",
			       ctx, sgi, c->subgraphs.len - 1);
	if (open_subgraph(c, sgi, &sg))
		return -1;
	if (fb_vec_field(&sg, 1, 4, &vin) || fb_vec_field(&sg, 2, 4, &vout))
		return tfl_fb_fail(c, ctx);
	if ((int)vin.len != n_in || (int)vout.len != n_out)
		return ir_fail(c->g, "%s: subgraph %u has %u inputs and %u outputs, the IF gives %d "
			       "and takes %d", ctx, sgi, vin.len, vout.len, n_in, n_out);
	for (uint32_t k = 0; k < vin.len; k++) {
		if (in[k] < 0)
			return ir_fail(c->g, "%s: IF input %u is left out", ctx, k + 1);
		if (bind_branch_input(c, k, fb_vec_i32(&vin, k), in[k], ctx))
			return -1;
	}
	if (import_ops(c))
		return -1;
	for (uint32_t k = 0; k < vout.len; k++) {
		int32_t ti = fb_vec_i32(&vout, k);
		if ((out[k] = tfl_tensor(c, ti, ctx)) < 0)
			return -1;
		if (!c->ready[ti] && !c->g->t[out[k]].data)
			return ir_fail(c->g, "%s: subgraph %u output %u is never written", ctx, sgi, k);
	}
	return 0;
}

int tfl_branch(struct tfl *c, uint32_t sg, const int *in, int n_in, int *out, int n_out,
	       const char *prefix, const char *ctx)
{
	struct tfl outer = *c; /* the subgraph state is restored; the rest is shared */
	int ret;

	if (c->depth >= TFL_MAX_DEPTH)
		return ir_fail(c->g, "%s: IF nested more than %d deep", ctx, TFL_MAX_DEPTH);
	c->depth++;
	c->map = NULL;
	c->ready = NULL;
	snprintf(c->prefix, sizeof(c->prefix), "%s", prefix);
	ret = import_branch(c, sg, in, n_in, out, n_out, ctx);
	free(c->map);
	free(c->ready);
	c->tensors = outer.tensors;
	c->ops = outer.ops;
	c->map = outer.map;
	c->ready = outer.ready;
	c->sg = outer.sg;
	c->depth = outer.depth;
	memcpy(c->prefix, outer.prefix, sizeof(c->prefix));
	return ret;
}

/* ---- the model ----------------------------------------------------------- */

/* --shape NAME=...: a new static shape for a graph input (same rank). */
static int bind_input(struct tfl *c, const struct tmc_bind *b)
{
	for (int i = 0; i < c->g->n_in; i++) {
		struct ir_tensor *t = &c->g->t[c->g->in[i]];
		char s[128];
		if (strcmp(t->name, b->name))
			continue;
		if (t->rank != b->rank)
			return ir_fail(c->g, "--shape %s: the input is %s, rank %d, not %d", b->name,
				       ir_shape_str(t, s, sizeof(s)), t->rank, b->rank);
		for (int d = 0; d < b->rank; d++) {
			if (b->dims[d] < 1 || b->dims[d] > (1 << 30))
				return ir_fail(c->g, "--shape %s: dimension %d out of range", b->name, d);
			c->rebind |= t->shape[d] != b->dims[d];
			t->shape[d] = b->dims[d];
		}
		return 0;
	}
	return ir_fail(c->g, "--shape %s: the model has no input of that name", b->name);
}

static int graph_io(struct tfl *c, const struct fb_table *sg)
{
	struct fb_vec in, out;

	if (fb_vec_field(sg, 1, 4, &in) || fb_vec_field(sg, 2, 4, &out))
		return tfl_fb_fail(c, "subgraph 0");
	if (in.len > IR_MAX_IO * 4 || out.len > IR_MAX_IO * 4 || !out.len)
		return ir_fail(c->g, "subgraph 0: %u inputs and %u outputs (want at most %d, and "
			       "at least one output)", in.len, out.len, IR_MAX_IO * 4);
	for (uint32_t i = 0; i < in.len; i++) {
		int32_t ti = fb_vec_i32(&in, i);
		int id = tfl_tensor(c, ti, "graph input");
		if (id < 0)
			return -1;
		if (c->g->t[id].data)
			return ir_fail(c->g, "graph input %u: tensor %d is a constant", i, ti);
		c->ready[ti] = 1;
		c->g->in[c->g->n_in++] = id;
	}
	for (int i = 0; i < c->o_n_binds; i++)
		if (bind_input(c, &c->o->binds[i]))
			return -1;
	for (uint32_t i = 0; i < out.len; i++) {
		int32_t ti = fb_vec_i32(&out, i);
		int id = tfl_tensor(c, ti, "graph output");
		if (id < 0)
			return -1;
		c->g->out[c->g->n_out++] = id;
	}
	return 0;
}

static int check_outputs(struct tfl *c, const struct fb_table *sg)
{
	struct fb_vec out;

	if (fb_vec_field(sg, 2, 4, &out))
		return tfl_fb_fail(c, "subgraph 0");
	for (uint32_t i = 0; i < out.len; i++) {
		int32_t ti = fb_vec_i32(&out, i);
		if (!c->ready[ti] && !c->g->t[c->map[ti]].data)
			return ir_fail(c->g, "graph output %u (tensor %d '%s') is never written", i, ti,
				       c->g->t[c->map[ti]].name);
	}
	return 0;
}

static int import_model(struct tfl *c)
{
	struct fb_table root, sg;
	uint32_t version = 0;

	if (fb_root(&c->fb, "TFL3", &root))
		return tfl_fb_fail(c, "not a TFLite model");
	if (fb_u32(&root, 0, 0, &version) || fb_vec_field(&root, 1, 4, &c->codes) ||
	    fb_vec_field(&root, 2, 4, &c->subgraphs) || fb_vec_field(&root, 4, 4, &c->buffers))
		return tfl_fb_fail(c, "model");
	if (version != 3)
		return ir_fail(c->g, "model: schema version %u, want 3", version);
	if (!c->subgraphs.len)
		return ir_fail(c->g, "model: no subgraphs");
	if (open_subgraph(c, 0, &sg) || graph_io(c, &sg) || import_ops(c))
		return -1;
	if (check_outputs(c, &sg))
		return -1;
	return ir_compact(c->g);
}

int tmc_import_tflite_buf(const void *buf, size_t size, const struct tmc_opts *o,
			  struct ir_graph **out, char *err, size_t errlen)
{
	struct tfl c;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	c.g = ir_graph_new();
	if (!c.g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c.o = o;
	c.o_n_binds = o ? o->n_binds : 0;
	fb_init(&c.fb, buf, size);
	if (import_model(&c)) {
		snprintf(err, errlen, "%s", c.g->err);
		ret = strstr(c.g->err, "out of memory") ? -ENOMEM : -EINVAL;
		ir_graph_free(c.g);
	} else {
		*out = c.g;
	}
	free(c.map);
	free(c.ready);
	return ret;
}

int tmc_import_any(const char *path, const struct tmc_opts *o, struct ir_graph **out,
		   char *err, size_t errlen)
{
	void *buf;
	size_t size;
	int ret = tmc_read_file(path, &buf, &size);

	*out = NULL;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (tmc_is_tflite(buf, size))
		ret = tmc_import_tflite_buf(buf, size, o, out, err, errlen);
	else
		ret = tmc_import_onnx_buf(buf, size, o, out, err, errlen);
	free(buf);
	return ret;
}
