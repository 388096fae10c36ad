// SPDX-License-Identifier: MIT
/*
 * flatbuf.c - bounds-checked FlatBuffers reading (see flatbuf.h).
 *
 * Wire format facts used here: a table starts with a signed 32-bit offset
 * back to its vtable (vtable = table - soffset); a vtable is u16 vtable
 * size, u16 table size, then one u16 per field giving the field's offset
 * inside the table (0: absent). Offsets to sub-tables, vectors and strings
 * are unsigned 32-bit, relative to where they are stored. A vector is a u32
 * element count followed by the elements; a string is a vector of bytes.
 * All arithmetic is done in 64 bits so no sum can wrap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "flatbuf.h"

static int fb_fail(struct fb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fb_fail(struct fb_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (!b->err[0]) {
		va_start(ap, fmt);
		vsnprintf(b->err, sizeof(b->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint32_t rd32(const struct fb_buf *b, size_t at)
{
	const uint8_t *p = b->p + at;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned rd16(const struct fb_buf *b, size_t at)
{
	return (unsigned)b->p[at] | (unsigned)b->p[at + 1] << 8;
}

/* [at, at + n) inside the buffer? */
static int inside(const struct fb_buf *b, uint64_t at, uint64_t n)
{
	return at <= b->size && n <= b->size - at;
}

void fb_init(struct fb_buf *b, const void *p, size_t size)
{
	b->p = p;
	b->size = size;
	b->err[0] = 0;
}

static int table_at(struct fb_buf *b, uint64_t pos, struct fb_table *t)
{
	if (!inside(b, pos, 4))
		return fb_fail(b, "table at %llu: outside the %zu-byte file",
			       (unsigned long long)pos, b->size);
	int32_t so = (int32_t)rd32(b, (size_t)pos);
	int64_t vt = (int64_t)pos - so;
	if (vt < 0 || !inside(b, (uint64_t)vt, 4))
		return fb_fail(b, "table at %llu: vtable at %lld outside the %zu-byte file",
			       (unsigned long long)pos, (long long)vt, b->size);
	unsigned vt_len = rd16(b, (size_t)vt), tbl_len = rd16(b, (size_t)vt + 2);
	if (vt_len < 4 || vt_len % 2 || !inside(b, (uint64_t)vt, vt_len))
		return fb_fail(b, "table at %llu: vtable at %lld has a bad size %u",
			       (unsigned long long)pos, (long long)vt, vt_len);
	if (tbl_len < 4 || !inside(b, pos, tbl_len))
		return fb_fail(b, "table at %llu: its %u bytes run past the %zu-byte file",
			       (unsigned long long)pos, tbl_len, b->size);
	t->b = b;
	t->pos = (size_t)pos;
	t->vt = (size_t)vt;
	t->vt_len = vt_len;
	t->tbl_len = tbl_len;
	return 0;
}

int fb_root(struct fb_buf *b, const char *ident, struct fb_table *t)
{
	if (b->size < 8)
		return fb_fail(b, "file of %zu bytes is too short for a FlatBuffer", b->size);
	if (ident && memcmp(b->p + 4, ident, 4))
		return fb_fail(b, "file identifier is not \"%.4s\"", ident);
	return table_at(b, rd32(b, 0), t);
}

/* Offset of field @f inside the table, 0 if absent; -1 if it does not fit. */
static int field_off(const struct fb_table *t, unsigned f, unsigned size)
{
	unsigned slot = 4 + 2 * f;

	if (slot + 2 > t->vt_len)
		return 0;
	unsigned off = rd16(t->b, t->vt + slot);
	if (!off)
		return 0;
	if (off < 4 || (uint64_t)off + size > t->tbl_len)
		return fb_fail(t->b, "table at %zu: field %u at +%u (%u bytes) outside its %u bytes",
			       t->pos, f, off, size, t->tbl_len);
	return (int)off;
}

int fb_scalar(const struct fb_table *t, unsigned f, unsigned size, void *out)
{
	int off = field_off(t, f, size);
	if (off > 0)
		memcpy(out, t->b->p + t->pos + (unsigned)off, size); /* little-endian host */
	return off < 0 ? -1 : 0;
}

int fb_u8(const struct fb_table *t, unsigned f, uint8_t def, uint8_t *out)
{
	*out = def;
	return fb_scalar(t, f, 1, out);
}

int fb_i32(const struct fb_table *t, unsigned f, int32_t def, int32_t *out)
{
	*out = def;
	return fb_scalar(t, f, 4, out);
}

int fb_u32(const struct fb_table *t, unsigned f, uint32_t def, uint32_t *out)
{
	*out = def;
	return fb_scalar(t, f, 4, out);
}

int fb_f32(const struct fb_table *t, unsigned f, float def, float *out)
{
	*out = def;
	return fb_scalar(t, f, 4, out);
}

int fb_u64(const struct fb_table *t, unsigned f, uint64_t def, uint64_t *out)
{
	*out = def;
	return fb_scalar(t, f, 8, out);
}

/* Follow the uoffset stored in field @f; *@dst = 0 if absent. */
static int follow(const struct fb_table *t, unsigned f, uint64_t *dst)
{
	int off = field_off(t, f, 4);

	*dst = 0;
	if (off <= 0)
		return off;
	size_t at = t->pos + (unsigned)off;
	*dst = (uint64_t)at + rd32(t->b, at);
	if (*dst >= t->b->size)
		return fb_fail(t->b, "table at %zu: field %u points to %llu, past the %zu-byte file",
			       t->pos, f, (unsigned long long)*dst, t->b->size);
	return 0;
}

int fb_table_field(const struct fb_table *t, unsigned f, struct fb_table *out, int *present)
{
	uint64_t at;

	*present = 0;
	if (follow(t, f, &at))
		return -1;
	if (!at)
		return 0;
	*present = 1;
	return table_at(t->b, at, out);
}

static int vec_at(struct fb_buf *b, uint64_t at, unsigned elem, struct fb_vec *out)
{
	if (!inside(b, at, 4))
		return fb_fail(b, "vector at %llu: outside the %zu-byte file",
			       (unsigned long long)at, b->size);
	uint32_t len = rd32(b, (size_t)at);
	if (!inside(b, at + 4, (uint64_t)len * elem))
		return fb_fail(b, "vector at %llu: %u elements of %u bytes run past the %zu-byte file",
			       (unsigned long long)at, len, elem, b->size);
	out->b = b;
	out->pos = (size_t)at + 4;
	out->len = len;
	out->elem = elem;
	return 0;
}

int fb_vec_field(const struct fb_table *t, unsigned f, unsigned elem, struct fb_vec *out)
{
	uint64_t at;

	memset(out, 0, sizeof(*out));
	out->b = t->b;
	out->elem = elem;
	if (follow(t, f, &at))
		return -1;
	return at ? vec_at(t->b, at, elem, out) : 0;
}

int fb_str_field(const struct fb_table *t, unsigned f, char *dst, size_t len)
{
	struct fb_vec v;

	dst[0] = 0;
	if (fb_vec_field(t, f, 1, &v))
		return -1;
	size_t n = v.len < len - 1 ? v.len : len - 1;
	memcpy(dst, fb_vec_data(&v), n);
	dst[n] = 0;
	/* A NUL inside the string ends it: names stay C strings. */
	return 0;
}

int fb_vec_table(const struct fb_vec *v, uint32_t i, struct fb_table *out)
{
	if (v->elem != 4 || i >= v->len)
		return fb_fail(v->b, "vector at %zu: no table element %u", v->pos, i);
	size_t at = v->pos + 4 * (size_t)i;
	return table_at(v->b, (uint64_t)at + rd32(v->b, at), out);
}

int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i)
{
	return (int32_t)rd32(v->b, v->pos + 4 * (size_t)i);
}

int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i)
{
	size_t at = v->pos + 8 * (size_t)i;
	return (int64_t)((uint64_t)rd32(v->b, at) | (uint64_t)rd32(v->b, at + 4) << 32);
}

float fb_vec_f32(const struct fb_vec *v, uint32_t i)
{
	uint32_t u = rd32(v->b, v->pos + 4 * (size_t)i);
	float f;

	memcpy(&f, &u, 4);
	return f;
}

const uint8_t *fb_vec_data(const struct fb_vec *v)
{
	return v->b->p + v->pos;
}
