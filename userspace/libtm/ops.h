/* SPDX-License-Identifier: MIT */
/* ops.h - the CPU op implementations, one struct per opcode (see ops.c). */
#ifndef TM_OPS_H
#define TM_OPS_H

#include "tm_priv.h"

/* ops_nn.c */
extern const struct tm_op_impl tm_op_conv_2d;
extern const struct tm_op_impl tm_op_depthwise_conv_2d;
extern const struct tm_op_impl tm_op_fully_connected;
extern const struct tm_op_impl tm_op_batch_matmul;
extern const struct tm_op_impl tm_op_max_pool_2d;
extern const struct tm_op_impl tm_op_avg_pool_2d;

/* ops_elementwise.c (one impl serves several opcodes; it reads ctx->op->opcode) */
extern const struct tm_op_impl tm_op_binary;   /* ADD SUB MUL DIV MAXIMUM MINIMUM POW */
extern const struct tm_op_impl tm_op_unary;    /* SQRT LOG LOGISTIC TANH RELU* CLIP */
extern const struct tm_op_impl tm_op_softmax;
extern const struct tm_op_impl tm_op_reduce;   /* MEAN REDUCE_MAX REDUCE_SUM */
/* ops_shape.c */
extern const struct tm_op_impl tm_op_reshape;
extern const struct tm_op_impl tm_op_transpose;
extern const struct tm_op_impl tm_op_concat;
extern const struct tm_op_impl tm_op_pad;
extern const struct tm_op_impl tm_op_quantize; /* QUANTIZE and DEQUANTIZE */
/* ops_layer_norm.c */
extern const struct tm_op_impl tm_op_layer_norm;

/* ops_common.c: checks shared by the op families; each fails via tm_op_fail(). */
/* A requantization multiplier the kernels can apply to operands |x| <= @x_max. */
int tm_op_check_mult(struct tm_op_ctx *ctx, const char *what, int32_t q_fixed, int shift,
		     int64_t x_max);
/* ops_elementwise.c: checks shared with ops_shape.c. */
int tm_ew_check_arity(struct tm_op_ctx *ctx, unsigned min_in, unsigned max_in);
int tm_ew_check_dtype(struct tm_op_ctx *ctx, const struct tm_tensor *t, unsigned dtype);
int tm_ew_qparams(struct tm_op_ctx *ctx, const struct tm_tensor *t, float *scale, int32_t *zp);
int tm_ew_same_q(struct tm_op_ctx *ctx, const struct tm_tensor *a, const struct tm_tensor *b);
int tm_ew_same_shape(struct tm_op_ctx *ctx, const struct tm_tensor *a, const struct tm_tensor *b);
int tm_ew_fused_act(struct tm_op_ctx *ctx, const struct tm_fused_act *a, float *lo, float *hi);
void tm_ew_act_range_int8(float lo, float hi, float scale, int32_t zp, int32_t *qmin,
			  int32_t *qmax);

#endif /* TM_OPS_H */
