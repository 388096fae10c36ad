/* SPDX-License-Identifier: MIT */
/*
 * golden_nn_cases.h - the case records of $(BUILD)/golden/golden_nn.h
 * (tests/golden/gen_golden_nn.py), shared by test_kernels_nn (the kernels)
 * and test_ops_nn (the same cases as one-op models through the runtime).
 * Kernel-level fields come first; the model-level ones (scales, fused
 * activation, bottom/right padding) follow.
 */
#ifndef GOLDEN_NN_CASES_H
#define GOLDEN_NN_CASES_H

#include <float.h>
#include <stddef.h>
#include "nn.h"
#include "tm_format.h"

struct g_conv {
	const char *name;
	int depthwise;
	struct tm_conv_params p;
	int32_t in_zp, out_zp, act_min, act_max;
	const int8_t *in;
	size_t n_in;
	enum tm_nn_wfmt wfmt;
	const uint8_t *w;
	size_t w_bytes, w_rows, w_cols;
	const int32_t *bias, *q_fixed;
	const int *shift;
	const int8_t *out;
	size_t n_out;
	float s_in, s_out;       /* the model's view: scales, activation, pads */
	const float *s_w;
	size_t n_s_w;
	struct tm_fused_act fact;
	int32_t pad_bottom, pad_right;
};

struct g_conv_f32 {
	const char *name;
	int depthwise;
	struct tm_conv_params p;
	const float *in, *w, *bias, *out;
	size_t n_in, n_w, n_out;
	struct tm_fused_act fact;
	int32_t pad_bottom, pad_right;
};

struct g_fc {
	const char *name;
	struct tm_fc_params p;
	int32_t in_zp, out_zp, act_min, act_max;
	const int8_t *in;
	size_t n_in;
	enum tm_nn_wfmt wfmt;
	const uint8_t *w;
	size_t w_bytes;
	const int32_t *bias, *q_fixed;
	const int *shift;
	const int8_t *out;
	size_t n_out;
	float s_in, s_out;
	const float *s_w;
	size_t n_s_w;
	struct tm_fused_act fact;
};

struct g_fc_f32 {
	const char *name;
	struct tm_fc_params p;
	const float *in, *w, *bias, *out;
	size_t n_in, n_w, n_out;
	struct tm_fused_act fact;
};

struct g_mm {
	const char *name;
	struct tm_matmul_params p;
	int32_t a_zp, b_zp, out_zp;
	const int32_t *q_fixed;
	const int *shift;
	const int8_t *a, *b, *out;
	size_t n_a, n_b, n_out;
	float s_a, s_b, s_out;
	unsigned a_rank, b_rank; /* the operands' ranks before padding with 1s */
};

struct g_mm_f32 {
	const char *name;
	struct tm_matmul_params p;
	const float *a, *b, *out;
	size_t n_a, n_b, n_out;
	unsigned a_rank, b_rank;
};

struct g_pool {
	const char *name;
	int avg;
	struct tm_pool_params p;
	int32_t act_min, act_max;
	const int8_t *in, *out;
	size_t n_in, n_out;
	float scale;             /* input and output */
	int32_t zp;
	struct tm_fused_act fact;
	int32_t pad_bottom, pad_right;
};

struct g_pool_f32 {
	const char *name;
	int avg;
	struct tm_pool_params p;
	const float *in, *out;
	size_t n_in, n_out;
	struct tm_fused_act fact;
	int32_t pad_bottom, pad_right;
};

struct g_mult {
	const char *name;
	float s_in, s_w, s_out;
	int float_product;
	int32_t q_fixed;
	int shift;
};

struct g_act {
	const char *name;
	struct tm_nn_act act;
	float scale;
	int32_t zp, qmin, qmax;
};

#include "golden_nn.h"

#endif /* GOLDEN_NN_CASES_H */
