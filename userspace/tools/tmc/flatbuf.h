/* SPDX-License-Identifier: MIT */
/*
 * flatbuf.h - a small, bounds-checked FlatBuffers reader.
 *
 * No FlatBuffers library is packaged for C, and the files it reads (TFLite
 * models) come from users, so every offset is checked before it is followed:
 * a table's vtable and fields, a vector's length and elements, a string's
 * bytes must all lie inside the buffer. A failed check returns -1 and leaves
 * a message naming the byte offsets in the buffer's err; nothing is ever read
 * outside [0, size). All reads are unaligned-safe and little-endian.
 *
 * The reader never recurses on its own, so a malicious file cannot make it
 * loop: the caller walks the schema it knows, and every vector it walks is
 * bounded by the buffer's size.
 */
#ifndef TMC_FLATBUF_H
#define TMC_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

/** struct fb_buf - the buffer being read and the first error found in it. */
struct fb_buf {
	const uint8_t *p;
	size_t size;
	char err[256];
};

/** struct fb_table - a table whose vtable has been checked. */
struct fb_table {
	struct fb_buf *b;
	size_t pos;              /* start of the table */
	size_t vt;               /* start of its vtable */
	unsigned vt_len;         /* bytes of the vtable */
	unsigned tbl_len;        /* bytes of the table's inline data */
};

/** struct fb_vec - a vector whose length fits the buffer. */
struct fb_vec {
	struct fb_buf *b;
	size_t pos;              /* first element */
	uint32_t len;            /* elements */
	unsigned elem;           /* bytes per element */
};

/* Set up @b over @size bytes at @p. */
void fb_init(struct fb_buf *b, const void *p, size_t size);
/* The root table; @ident (4 chars) must match the file identifier if not NULL. */
int fb_root(struct fb_buf *b, const char *ident, struct fb_table *t);

/*
 * Scalar field @f (0-based in schema order) of @size bytes, copied into
 * @out; @out keeps its value (the default) when the field is absent.
 */
int fb_scalar(const struct fb_table *t, unsigned f, unsigned size, void *out);
int fb_u8(const struct fb_table *t, unsigned f, uint8_t def, uint8_t *out);
int fb_i32(const struct fb_table *t, unsigned f, int32_t def, int32_t *out);
int fb_u32(const struct fb_table *t, unsigned f, uint32_t def, uint32_t *out);
int fb_f32(const struct fb_table *t, unsigned f, float def, float *out);
int fb_u64(const struct fb_table *t, unsigned f, uint64_t def, uint64_t *out);

/* Sub-table field; *@present says whether it exists. */
int fb_table_field(const struct fb_table *t, unsigned f, struct fb_table *out, int *present);
/* Vector field of @elem-byte elements; an absent vector has len 0. */
int fb_vec_field(const struct fb_table *t, unsigned f, unsigned elem, struct fb_vec *out);
/* String field into @dst (NUL-terminated, truncated to @len - 1); absent: "". */
int fb_str_field(const struct fb_table *t, unsigned f, char *dst, size_t len);

/* Element @i of a vector of tables. */
int fb_vec_table(const struct fb_vec *v, uint32_t i, struct fb_table *out);
/* Elements of scalar vectors (the length was checked by fb_vec_field). */
int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i);
int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i);
float fb_vec_f32(const struct fb_vec *v, uint32_t i);
const uint8_t *fb_vec_data(const struct fb_vec *v);

#endif /* TMC_FLATBUF_H */
