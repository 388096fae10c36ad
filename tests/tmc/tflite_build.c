// SPDX-License-Identifier: MIT
/*
 * tflite_build.c - a forward FlatBuffers writer for TFLite test models (see
 * tflite_build.h). Table layout: [vtable: u16 vt_len, u16 tbl_len, u16
 * off[n]] then, 4-aligned, [table: i32 soffset = table - vtable, slots].
 */
#include <stdlib.h>
#include <string.h>
#include "tflite_build.h"

static size_t grow(struct tb *b, size_t n, unsigned align)
{
	size_t at = (b->n + align - 1) / align * align;
	if (at + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < at + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return 0;
		}
		b->p = p;
		b->cap = cap;
	}
	memset(b->p + b->n, 0, at + n - b->n);
	b->n = at + n;
	return at;
}

static void put32(struct tb *b, size_t at, uint32_t v)
{
	if (!b->oom)
		memcpy(b->p + at, &v, 4);
}

void tb_init(struct tb *b)
{
	memset(b, 0, sizeof(*b));
	grow(b, 8, 4);
	if (!b->oom)
		memcpy(b->p + 4, "TFL3", 4);
}

void tb_free(struct tb *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Field f sits at 4 + 8 * f: every slot is 8 bytes, so 64-bit fields fit too. */
static unsigned slot(unsigned f)
{
	return 4 + 8 * f;
}

size_t tb_table(struct tb *b, unsigned nfields)
{
	unsigned vt_len = 4 + 2 * nfields, tbl_len = slot(nfields);
	size_t vt = grow(b, vt_len, 4);
	size_t t = grow(b, tbl_len, 8);
	if (b->oom)
		return 0;
	uint16_t h[2] = { (uint16_t)vt_len, (uint16_t)tbl_len };
	memcpy(b->p + vt, h, 4);
	put32(b, t, (uint32_t)(t - vt));
	return t;
}

/* Mark field @f present; @return the slot's position. */
static size_t field(struct tb *b, size_t tbl, unsigned f)
{
	if (b->oom)
		return 0;
	int32_t so;
	memcpy(&so, b->p + tbl, 4);
	size_t vt = tbl - (size_t)so;
	uint16_t off = (uint16_t)slot(f);
	memcpy(b->p + vt + 4 + 2 * f, &off, 2);
	return tbl + off;
}

void tb_u8(struct tb *b, size_t tbl, unsigned f, uint8_t v)
{
	size_t at = field(b, tbl, f);
	if (!b->oom)
		b->p[at] = v;
}

void tb_i32(struct tb *b, size_t tbl, unsigned f, int32_t v)
{
	put32(b, field(b, tbl, f), (uint32_t)v);
}

void tb_f32(struct tb *b, size_t tbl, unsigned f, float v)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	put32(b, field(b, tbl, f), u);
}

void tb_u64(struct tb *b, size_t tbl, unsigned f, uint64_t v)
{
	size_t at = field(b, tbl, f);
	if (!b->oom)
		memcpy(b->p + at, &v, 8);
}

void tb_ref(struct tb *b, size_t tbl, unsigned f, size_t target)
{
	size_t at = field(b, tbl, f);
	put32(b, at, (uint32_t)(target - at));
}

void tb_root(struct tb *b, size_t tbl)
{
	put32(b, 0, (uint32_t)tbl);
}

static size_t vec(struct tb *b, const void *v, uint32_t n, unsigned elem)
{
	size_t at = grow(b, 4 + (size_t)n * elem + 1, elem > 4 ? 8 : 4);
	put32(b, at, n);
	if (!b->oom && n)
		memcpy(b->p + at + 4, v, (size_t)n * elem);
	return at;
}

size_t tb_vec_i32(struct tb *b, const int32_t *v, uint32_t n) { return vec(b, v, n, 4); }
size_t tb_vec_f32(struct tb *b, const float *v, uint32_t n) { return vec(b, v, n, 4); }
size_t tb_vec_i64(struct tb *b, const int64_t *v, uint32_t n) { return vec(b, v, n, 8); }
size_t tb_vec_bytes(struct tb *b, const void *v, uint32_t n) { return vec(b, v, n, 1); }

size_t tb_str(struct tb *b, const char *s)
{
	return vec(b, s, (uint32_t)strlen(s), 1); /* vec() leaves a zero byte after it */
}

size_t tb_vec_refs(struct tb *b, uint32_t n)
{
	size_t at = grow(b, 4 + 4 * (size_t)n, 4);
	put32(b, at, n);
	return at;
}

void tb_vec_ref(struct tb *b, size_t v, uint32_t i, size_t target)
{
	size_t at = v + 4 + 4 * (size_t)i;
	put32(b, at, (uint32_t)(target - at));
}

/* ---- TFLite --------------------------------------------------------------- */

static void tensor(struct tb *b, size_t tv, int i, const struct tfl_tensor_spec *s)
{
	size_t t = tb_table(b, 5);
	tb_vec_ref(b, tv, (uint32_t)i, t);
	tb_u8(b, t, 1, (uint8_t)s->type);
	tb_i32(b, t, 2, s->data ? i + 1 : 0); /* buffer i + 1; buffer 0 is the empty one */
	tb_ref(b, t, 0, tb_vec_i32(b, s->shape, (uint32_t)s->rank));
	tb_ref(b, t, 3, tb_str(b, s->name));
	if (s->nq) {
		size_t q = tb_table(b, 7);
		tb_ref(b, t, 4, q);
		tb_ref(b, q, 2, tb_vec_f32(b, s->scale, (uint32_t)s->nq));
		tb_ref(b, q, 3, tb_vec_i64(b, s->zp, (uint32_t)s->nq));
		tb_i32(b, q, 6, s->qdim);
	}
}

static void op(struct tb *b, size_t ov, int i, int code_index, const struct tfl_op_spec *s)
{
	size_t o = tb_table(b, 5);
	tb_vec_ref(b, ov, (uint32_t)i, o);
	tb_i32(b, o, 0, code_index);
	tb_ref(b, o, 1, tb_vec_i32(b, s->in, (uint32_t)s->n_in));
	tb_ref(b, o, 2, tb_vec_i32(b, s->out, (uint32_t)s->n_out));
	if (!s->opt_type)
		return;
	tb_u8(b, o, 3, (uint8_t)s->opt_type);
	size_t ot = tb_table(b, (unsigned)s->n_opt);
	tb_ref(b, o, 4, ot);
	for (int f = 0; f < s->n_opt; f++)
		tb_i32(b, ot, (unsigned)f, s->opt[f]);
}

int tb_model(struct tb *b, const struct tfl_model_spec *m)
{
	tb_init(b);
	size_t root = tb_table(b, 5);
	tb_root(b, root);
	tb_i32(b, root, 0, 3);
	/* One operator code per operator, in order. */
	size_t codes = tb_vec_refs(b, (uint32_t)m->n_ops);
	tb_ref(b, root, 1, codes);
	for (int i = 0; i < m->n_ops; i++) {
		size_t c = tb_table(b, 4);
		tb_vec_ref(b, codes, (uint32_t)i, c);
		tb_u8(b, c, 0, (uint8_t)(m->ops[i].code < 127 ? m->ops[i].code : 127));
		tb_i32(b, c, 3, m->ops[i].code);
	}
	size_t sgs = tb_vec_refs(b, 1);
	tb_ref(b, root, 2, sgs);
	size_t sg = tb_table(b, 5);
	tb_vec_ref(b, sgs, 0, sg);
	size_t tv = tb_vec_refs(b, (uint32_t)m->n_t);
	tb_ref(b, sg, 0, tv);
	for (int i = 0; i < m->n_t; i++)
		tensor(b, tv, i, &m->t[i]);
	tb_ref(b, sg, 1, tb_vec_i32(b, m->in, (uint32_t)m->n_in));
	tb_ref(b, sg, 2, tb_vec_i32(b, m->out, (uint32_t)m->n_out));
	size_t ov = tb_vec_refs(b, (uint32_t)m->n_ops);
	tb_ref(b, sg, 3, ov);
	for (int i = 0; i < m->n_ops; i++)
		op(b, ov, i, i, &m->ops[i]);
	size_t bufs = tb_vec_refs(b, (uint32_t)m->n_t + 1);
	tb_ref(b, root, 4, bufs);
	for (int i = 0; i <= m->n_t; i++) {
		size_t bt = tb_table(b, 1);
		tb_vec_ref(b, bufs, (uint32_t)i, bt);
		if (i && m->t[i - 1].data)
			tb_ref(b, bt, 0, tb_vec_bytes(b, m->t[i - 1].data, m->t[i - 1].data_size));
	}
	return b->oom ? -1 : 0;
}
