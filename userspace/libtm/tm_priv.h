/* SPDX-License-Identifier: MIT */
/*
 * tm_priv.h - libtm internals shared between the loader, the runtime and the
 * op glue. Nothing here is ABI.
 */
#ifndef TM_PRIV_H
#define TM_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "tm.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libtm maps model.bin (little-endian) directly and needs a little-endian host"
#endif

#define TM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Format a message into a caller's (err, errlen) buffer; NULL buf is fine. */
void tm_set_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tm_vset_error(char *err, size_t errlen, const char *fmt, va_list ap);

/*
 * A validated model: every pointer below points into the mapped file and
 * every index/offset in the records has been checked by the loader, so the
 * runtime uses them without re-checking.
 */
struct tm_model {
	const uint8_t *base;
	size_t size;
	int mapped;                      /* munmap(base, size) on close */

	const struct tm_fmt_tensor *tensors;
	uint32_t n_tensors;
	const struct tm_fmt_qparam *qparams;
	uint32_t n_qparams;
	const struct tm_fmt_op *ops;     /* all subgraphs */
	uint32_t n_ops;
	const uint32_t *operands;
	uint32_t n_operands;
	const uint8_t *options;
	uint32_t options_size;
	const struct tm_fmt_subgraph *subgraphs;
	uint32_t n_subgraphs;
	const char *strings;             /* last byte is NUL */
	uint32_t strings_size;
	const uint8_t *data;
	uint64_t data_size;
	const char *metadata;            /* may be NULL */
	uint32_t metadata_size;
};

static inline const char *tm_model_string(const struct tm_model *m, uint32_t off)
{
	return m->strings + off;
}

static inline const uint32_t *tm_op_inputs(const struct tm_model *m, const struct tm_fmt_op *op)
{
	return m->operands + op->operands_first;
}

static inline const uint32_t *tm_op_outputs(const struct tm_model *m, const struct tm_fmt_op *op)
{
	return m->operands + op->operands_first + op->n_inputs;
}

/* ---- ops: the glue between model ops and CPU kernels ---------------------- */

/** struct tm_tensor - a tensor as an op sees it at run time. */
struct tm_tensor {
	const char *name;
	unsigned dtype, layout, rank;
	int32_t shape[TM_MAX_RANK];
	void *data;                      /* arena, or the model's const data */
	size_t bytes;
	const struct tm_fmt_qparam *q;   /* NULL: not quantized */
	unsigned q_count;                /* 1 per-tensor, else per-channel */
	int32_t q_axis;
	unsigned is_const;
};

struct tm_runtime;

/** struct tm_op_ctx - one op, its tensors and its state. */
struct tm_op_ctx {
	struct tm_runtime *rt;
	unsigned index;                  /* op index in its subgraph */
	const struct tm_fmt_op *op;
	const void *options;             /* typed: tm_conv_options, ... */
	struct tm_tensor *in[TM_MAX_OP_INPUTS];   /* NULL: absent optional input */
	struct tm_tensor *out[TM_MAX_OP_OUTPUTS];
	unsigned n_in, n_out;
	void *state;                     /* set by prepare via tm_op_alloc_state() */
	void *scratch;                   /* valid during eval, scratch bytes asked by prepare */
	uint64_t macs;                   /* useful MACs per eval, set by prepare (profile) */
};

/**
 * struct tm_op_impl - how the CPU runs one opcode.
 * @prepare: runs once, in tm_runtime_new(): checks dtypes, shapes and options
 *           against what @eval supports (failing with tm_op_fail()), precomputes
 *           (requantization multipliers, unpacked weights) into state from
 *           tm_op_alloc_state(), and sets *@scratch to the scratch bytes @eval
 *           needs. Output shapes are stored in the model; prepare checks them.
 * @eval: runs the op; must not allocate. Returns 0 or a negative errno.
 */
struct tm_op_impl {
	int (*prepare)(struct tm_op_ctx *ctx, size_t *scratch);
	int (*eval)(struct tm_op_ctx *ctx);
};

/** @return the CPU implementation of @opcode, or NULL if there is none. */
const struct tm_op_impl *tm_op_impl_get(unsigned opcode);

/** tm_op_alloc_state() - zeroed memory that lives as long as the runtime. */
void *tm_op_alloc_state(struct tm_op_ctx *ctx, size_t size);

/**
 * tm_op_fail() - record why an op cannot run, prefixed with the op's index,
 * opcode and name, as the runtime's error message.
 * @return -EINVAL, so prepare can `return tm_op_fail(ctx, ...)`.
 */
int tm_op_fail(struct tm_op_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Element count of a tensor (shapes were validated, so this cannot overflow). */
static inline size_t tm_tensor_elems(const struct tm_tensor *t)
{
	return tm_shape_elems(t->shape, t->rank);
}

#endif /* TM_PRIV_H */
