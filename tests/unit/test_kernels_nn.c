// SPDX-License-Identifier: MIT
/*
 * test_kernels_nn.c - the NN reference kernels against golden data from
 * tests/golden/gen_golden_nn.py (TFLite's rules in numpy, independent of this
 * C). int8 results must match exactly; float results within
 * |got - want| <= 1e-4 * max(1, |want|) of the float64 computation.
 *
 * Every buffer a kernel touches is a malloc of exactly its size, so the
 * sanitizer build catches any read or write past a tensor.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "nn.h"
#include "tm_test.h"

#include "golden_nn_cases.h"

/* ---- helpers ------------------------------------------------------------ */

/* An exact-size heap copy (NULL stays NULL), so ASan sees every overrun. */
static void *dup(const void *src, size_t bytes)
{
	if (!src)
		return NULL;
	void *p = malloc(bytes ? bytes : 1);
	if (p && bytes)
		memcpy(p, src, bytes);
	return p;
}

/* An output buffer filled with garbage, so untouched elements show. */
static void *out_buf(size_t bytes)
{
	void *p = malloc(bytes ? bytes : 1);
	if (p)
		memset(p, 0x5a, bytes);
	return p;
}

static void check_int8(const int8_t *got, const int8_t *want, size_t n)
{
	int shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (got[i] == want[i])
			continue;
		if (shown++ < 5)
			fprintf(stderr, "  element %zu: got %d, want %d\n", i, got[i], want[i]);
		tm_test_cur_failed = 1;
	}
}

static void check_f32(const float *got, const float *want, size_t n)
{
	int shown = 0;

	for (size_t i = 0; i < n; i++) {
		float tol = 1e-4f * (fabsf(want[i]) > 1.0f ? fabsf(want[i]) : 1.0f);
		if (fabsf(got[i] - want[i]) <= tol)
			continue;
		if (shown++ < 5)
			fprintf(stderr, "  element %zu: got %.9g, want %.9g\n", i, got[i], want[i]);
		tm_test_cur_failed = 1;
	}
}

static size_t cur; /* the golden case the running test checks */

/* Run @fn once per case of a table, reporting each as test_<case name>. */
#define RUN_TABLE(table, fn) do { \
	for (cur = 0; cur < TM_ARRAY_SIZE(table); cur++) { \
		char name_[128]; \
		snprintf(name_, sizeof(name_), "test_%s", (table)[cur].name); \
		tm_test_run(name_, fn); \
	} \
} while (0)
#define TM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- int8 kernels ------------------------------------------------------- */

static void run_conv_int8(void)
{
	const struct g_conv *g = &g_conv_int8[cur];
	struct tm_nn_weights w = { g->wfmt, dup(g->w, g->w_bytes), g->w_rows, g->w_cols };
	struct tm_nn_quant q = { g->in_zp, 0, g->out_zp, g->act_min, g->act_max,
				 g->q_fixed, g->shift };
	int8_t *in = dup(g->in, g->n_in), *out = out_buf(g->n_out);
	int32_t *bias = dup(g->bias, (size_t)g->p.out_c * sizeof(*bias));
	size_t ss = g->depthwise ? tm_depthwise_int8_scratch_size(&g->p, &w)
				 : tm_conv_int8_scratch_size(&g->p, &w);
	void *scratch = ss ? malloc(ss) : NULL;

	CHECK_EQ(tm_nn_weights_bytes(&w), g->w_bytes);
	CHECK_EQ(tm_nn_weights_check(&w), -1);
	CHECK_EQ(ss, g->wfmt == TM_NN_W_INT8 ? 0 : g->w_cols);
	if (g->depthwise)
		tm_depthwise_int8_ref(&g->p, &q, in, &w, bias, out, scratch);
	else
		tm_conv_int8_ref(&g->p, &q, in, &w, bias, out, scratch);
	check_int8(out, g->out, g->n_out);
	free((void *)w.data), free(in), free(out), free(bias), free(scratch);
}

static void run_fc_int8(void)
{
	const struct g_fc *g = &g_fc_int8[cur];
	struct tm_nn_weights w = { g->wfmt, dup(g->w, g->w_bytes), (size_t)g->p.out_dim,
				   (size_t)g->p.in_dim };
	struct tm_nn_quant q = { g->in_zp, 0, g->out_zp, g->act_min, g->act_max,
				 g->q_fixed, g->shift };
	int8_t *in = dup(g->in, g->n_in), *out = out_buf(g->n_out);
	int32_t *bias = dup(g->bias, (size_t)g->p.out_dim * sizeof(*bias));
	size_t ss = tm_fully_connected_int8_scratch_size(&g->p, &w);
	void *scratch = ss ? malloc(ss) : NULL;

	CHECK_EQ(tm_nn_weights_bytes(&w), g->w_bytes);
	CHECK_EQ(tm_nn_weights_check(&w), -1);
	tm_fully_connected_int8_ref(&g->p, &q, in, &w, bias, out, scratch);
	check_int8(out, g->out, g->n_out);
	free((void *)w.data), free(in), free(out), free(bias), free(scratch);
}

static void run_mm_int8(void)
{
	const struct g_mm *g = &g_mm_int8[cur];
	struct tm_nn_quant q = { g->a_zp, g->b_zp, g->out_zp, -128, 127, g->q_fixed, g->shift };
	int8_t *a = dup(g->a, g->n_a), *b = dup(g->b, g->n_b), *out = out_buf(g->n_out);

	tm_batch_matmul_int8_ref(&g->p, &q, a, b, out);
	check_int8(out, g->out, g->n_out);
	free(a), free(b), free(out);
}

static void run_pool_int8(void)
{
	const struct g_pool *g = &g_pool_int8[cur];
	int8_t *in = dup(g->in, g->n_in), *out = out_buf(g->n_out);

	if (g->avg)
		tm_avg_pool_int8_ref(&g->p, g->act_min, g->act_max, in, out);
	else
		tm_max_pool_int8_ref(&g->p, g->act_min, g->act_max, in, out);
	check_int8(out, g->out, g->n_out);
	free(in), free(out);
}

/* ---- float kernels ------------------------------------------------------ */

static void run_conv_f32(void)
{
	const struct g_conv_f32 *g = &g_conv_f32[cur];
	float *in = dup(g->in, g->n_in * 4), *w = dup(g->w, g->n_w * 4);
	float *bias = dup(g->bias, (size_t)g->p.out_c * 4), *out = out_buf(g->n_out * 4);

	if (g->depthwise)
		tm_depthwise_f32_ref(&g->p, in, w, bias, out);
	else
		tm_conv_f32_ref(&g->p, in, w, bias, out);
	check_f32(out, g->out, g->n_out);
	free(in), free(w), free(bias), free(out);
}

static void run_fc_f32(void)
{
	const struct g_fc_f32 *g = &g_fc_f32[cur];
	float *in = dup(g->in, g->n_in * 4), *w = dup(g->w, g->n_w * 4);
	float *bias = dup(g->bias, (size_t)g->p.out_dim * 4), *out = out_buf(g->n_out * 4);

	tm_fully_connected_f32_ref(&g->p, in, w, bias, out);
	check_f32(out, g->out, g->n_out);
	free(in), free(w), free(bias), free(out);
}

static void run_mm_f32(void)
{
	const struct g_mm_f32 *g = &g_mm_f32[cur];
	float *a = dup(g->a, g->n_a * 4), *b = dup(g->b, g->n_b * 4);
	float *out = out_buf(g->n_out * 4);

	tm_batch_matmul_f32_ref(&g->p, a, b, out);
	check_f32(out, g->out, g->n_out);
	free(a), free(b), free(out);
}

static void run_pool_f32(void)
{
	const struct g_pool_f32 *g = &g_pool_f32[cur];
	float *in = dup(g->in, g->n_in * 4), *out = out_buf(g->n_out * 4);

	if (g->avg)
		tm_avg_pool_f32_ref(&g->p, in, out);
	else
		tm_max_pool_f32_ref(&g->p, in, out);
	check_f32(out, g->out, g->n_out);
	free(in), free(out);
}

/* ---- quantization arithmetic -------------------------------------------- */

static void run_mult(void)
{
	const struct g_mult *g = &g_mult[cur];
	int32_t q;
	int shift;

	tm_nn_multiplier(g->s_in, g->s_w, g->s_out, g->float_product, &q, &shift);
	CHECK_EQ(q, g->q_fixed);
	CHECK_EQ(shift, g->shift);
}

static void run_act(void)
{
	const struct g_act *g = &g_act[cur];
	int32_t lo, hi;

	tm_nn_act_range_int8(&g->act, g->scale, g->zp, &lo, &hi);
	CHECK_EQ(lo, g->qmin);
	CHECK_EQ(hi, g->qmax);
}

/* ---- weight encodings ---------------------------------------------------- */

/* A malformed 2:4 index byte is found, and decoding it stays inside the row. */
static void test_weights_sparse_bad_index(void)
{
	/* 2 rows x 8 cols: 8 kept int8 values, then 4 index bytes. */
	uint8_t data[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 0x4, 0xd, 0x5, 0x8 };
	struct tm_nn_weights w = { TM_NN_W_INT8_SP24, data, 2, 8 };
	int8_t row[8];

	CHECK_EQ(tm_nn_weights_bytes(&w), sizeof(data));
	CHECK_EQ(tm_nn_weights_check(&w), 2); /* 0x5: first == second */
	data[10] = 0x9;                       /* positions 1, 2: fine */
	CHECK_EQ(tm_nn_weights_check(&w), -1);
	data[11] = 0x18;                      /* bits 7:4 set */
	CHECK_EQ(tm_nn_weights_check(&w), 3);
	data[11] = 0x8;                       /* positions 0, 2 */
	const int8_t *r = tm_nn_weights_row(&w, 1, row);
	int8_t want[8] = { 0, 5, 6, 0, 7, 0, 8, 0 };
	for (int i = 0; i < 8; i++)
		CHECK_EQ(r[i], want[i]);
}

/* int4: low nibble first, sign-extended, rows may start mid-byte. */
static void test_weights_int4_odd_rows(void)
{
	uint8_t data[3] = { 0x8f, 0x71, 0x0e }; /* -1 -8 1 7 -2 0 */
	struct tm_nn_weights w = { TM_NN_W_INT4, data, 2, 3 };
	int8_t row[3];
	const int8_t *r;

	CHECK_EQ(tm_nn_weights_bytes(&w), 3);
	CHECK_EQ(tm_nn_weights_scratch_size(&w), 3);
	r = tm_nn_weights_row(&w, 0, row);
	CHECK_EQ(r[0], -1);
	CHECK_EQ(r[1], -8);
	CHECK_EQ(r[2], 1);
	r = tm_nn_weights_row(&w, 1, row);
	CHECK_EQ(r[0], 7);
	CHECK_EQ(r[1], -2);
	CHECK_EQ(r[2], 0);
}

int main(void)
{
	RUN_TABLE(g_conv_int8, run_conv_int8);
	RUN_TABLE(g_conv_f32, run_conv_f32);
	RUN_TABLE(g_fc_int8, run_fc_int8);
	RUN_TABLE(g_fc_f32, run_fc_f32);
	RUN_TABLE(g_mm_int8, run_mm_int8);
	RUN_TABLE(g_mm_f32, run_mm_f32);
	RUN_TABLE(g_pool_int8, run_pool_int8);
	RUN_TABLE(g_pool_f32, run_pool_f32);
	RUN_TABLE(g_mult, run_mult);
	RUN_TABLE(g_act, run_act);
	TM_RUN(test_weights_sparse_bad_index);
	TM_RUN(test_weights_int4_odd_rows);
	TM_TEST_EXIT();
}
