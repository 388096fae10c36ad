/* SPDX-License-Identifier: MIT */
/*
 * tflite_build.h - writes small TFLite flatbuffers for the importer's tests.
 *
 * A forward writer, independent of the reader under test: each table's
 * vtable is written just before it, every field gets an 8-byte slot, and
 * references (which FlatBuffers requires to point forward) are patched when
 * their target is written. Positions are byte offsets, stable while the
 * buffer grows.
 */
#ifndef TFLITE_BUILD_H
#define TFLITE_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct tb {
	uint8_t *p;
	size_t n, cap;
	int oom;
};

void tb_init(struct tb *b);            /* root offset + "TFL3" */
void tb_free(struct tb *b);
/* A table with @nfields 8-byte slots. @return its position. */
size_t tb_table(struct tb *b, unsigned nfields);
void tb_u8(struct tb *b, size_t tbl, unsigned f, uint8_t v);
void tb_i32(struct tb *b, size_t tbl, unsigned f, int32_t v);
void tb_f32(struct tb *b, size_t tbl, unsigned f, float v);
void tb_u64(struct tb *b, size_t tbl, unsigned f, uint64_t v);
/* Field @f refers to @target (written later than the table). */
void tb_ref(struct tb *b, size_t tbl, unsigned f, size_t target);
void tb_root(struct tb *b, size_t tbl);
/* Vectors; each returns the vector's position (its length word). */
size_t tb_vec_i32(struct tb *b, const int32_t *v, uint32_t n);
size_t tb_vec_f32(struct tb *b, const float *v, uint32_t n);
size_t tb_vec_i64(struct tb *b, const int64_t *v, uint32_t n);
size_t tb_vec_bytes(struct tb *b, const void *v, uint32_t n);
size_t tb_str(struct tb *b, const char *s);
/* A vector of @n table references, set one by one with tb_vec_ref(). */
size_t tb_vec_refs(struct tb *b, uint32_t n);
void tb_vec_ref(struct tb *b, size_t vec, uint32_t i, size_t target);

/* ---- TFLite models ------------------------------------------------------ */

struct tfl_tensor_spec {
	const char *name;
	int type;                 /* TensorType: 0 float32, 2 int32, 9 int8 */
	int rank;
	int32_t shape[6];
	const void *data;         /* constant bytes, or NULL */
	uint32_t data_size;
	int nq;                   /* quantization entries, 0: none */
	const float *scale;
	const int64_t *zp;
	int qdim;
};

struct tfl_op_spec {
	int code;                 /* BuiltinOperator */
	int in[8], n_in;
	int out[4], n_out;
	int opt_type;             /* BuiltinOptions type, 0: none */
	int n_opt;                /* option fields written (all 4-byte values) */
	int32_t opt[8];           /* raw 32-bit values of fields 0..n_opt-1 */
};

struct tfl_model_spec {
	const struct tfl_tensor_spec *t;
	int n_t;
	const struct tfl_op_spec *ops;
	int n_ops;
	int in[4], n_in;
	int out[4], n_out;
};

/* Write @m into @b (initialised here). @return 0 or -1 on allocation failure. */
int tb_model(struct tb *b, const struct tfl_model_spec *m);

#endif /* TFLITE_BUILD_H */
