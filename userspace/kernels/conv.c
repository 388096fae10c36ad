// SPDX-License-Identifier: MIT
/*
 * conv.c - CONV_2D reference kernels, and the pieces every int8 NN kernel
 * shares: decoding stored weights (int4, 2:4) and fused activation ranges.
 */
#include <float.h>
#include <math.h>
#include "nn.h"

/* ---- weights ------------------------------------------------------------ */

static int wfmt_sparse(enum tm_nn_wfmt fmt)
{
	return fmt == TM_NN_W_INT8_SP24 || fmt == TM_NN_W_INT4_SP24;
}

static int wfmt_int4(enum tm_nn_wfmt fmt)
{
	return fmt == TM_NN_W_INT4 || fmt == TM_NN_W_INT4_SP24;
}

/* Bytes of @n values (packed two to a byte when int4). */
static size_t values_bytes(enum tm_nn_wfmt fmt, size_t n)
{
	return wfmt_int4(fmt) ? (n + 1) / 2 : n;
}

static int8_t value_at(enum tm_nn_wfmt fmt, const uint8_t *p, size_t i)
{
	if (!wfmt_int4(fmt))
		return (int8_t)p[i];
	unsigned nib = i & 1 ? p[i / 2] >> 4 : p[i / 2] & 0xf;
	return (int8_t)(nib >= 8 ? (int)nib - 16 : (int)nib);
}

size_t tm_nn_weights_bytes(const struct tm_nn_weights *w)
{
	size_t n = w->rows * w->cols;

	if (wfmt_sparse(w->fmt))
		return values_bytes(w->fmt, n / 2) + n / 4;
	return values_bytes(w->fmt, n);
}

size_t tm_nn_weights_scratch_size(const struct tm_nn_weights *w)
{
	return w->fmt == TM_NN_W_INT8 ? 0 : w->cols;
}

static void sparse_row(const struct tm_nn_weights *w, size_t row, int8_t *dst)
{
	const uint8_t *vals = w->data;
	const uint8_t *idx = vals + values_bytes(w->fmt, w->rows * w->cols / 2);
	size_t groups = w->cols / 4;

	for (size_t g = 0; g < groups; g++) {
		size_t gi = row * groups + g;
		int8_t *d = dst + 4 * g;

		d[0] = d[1] = d[2] = d[3] = 0;
		/* Positions are 2-bit fields, so even a bad index stays in the group. */
		d[idx[gi] & 3] = value_at(w->fmt, vals, 2 * gi);
		d[(idx[gi] >> 2) & 3] = value_at(w->fmt, vals, 2 * gi + 1);
	}
}

const int8_t *tm_nn_weights_row(const struct tm_nn_weights *w, size_t row, int8_t *scratch)
{
	const uint8_t *data = w->data;

	switch (w->fmt) {
	case TM_NN_W_INT8:
		return (const int8_t *)data + row * w->cols;
	case TM_NN_W_INT4:
		for (size_t i = 0; i < w->cols; i++)
			scratch[i] = value_at(w->fmt, data, row * w->cols + i);
		return scratch;
	case TM_NN_W_INT8_SP24:
	case TM_NN_W_INT4_SP24:
		sparse_row(w, row, scratch);
		return scratch;
	}
	return scratch;
}

long tm_nn_weights_check(const struct tm_nn_weights *w)
{
	if (!wfmt_sparse(w->fmt))
		return -1;
	const uint8_t *idx = (const uint8_t *)w->data + values_bytes(w->fmt, w->rows * w->cols / 2);
	size_t groups = w->rows * w->cols / 4;

	for (size_t g = 0; g < groups; g++)
		if ((idx[g] & 0xf0) || (idx[g] & 3) >= ((idx[g] >> 2) & 3))
			return (long)g;
	return -1;
}

/* ---- requantization ---------------------------------------------------- */

void tm_nn_multiplier(float s_in, float s_w, float s_out, int float_product,
		      int32_t *q_fixed, int *shift)
{
	/* The cast rounds to float32 even where float math runs wider. */
	double prod = float_product ? (double)(float)(s_in * s_w) : (double)s_in * (double)s_w;

	tm_quantize_multiplier(prod / (double)s_out, q_fixed, shift);
}

/* ---- activation ranges -------------------------------------------------- */

static int32_t quantize_bound(float f, float scale, int32_t zp)
{
	/* Float division and rounding, as TFLite; clamped first so the cast is defined. */
	float r = roundf(f / scale);

	if (!(r > -1e6f))
		r = -1e6f;
	if (r > 1e6f)
		r = 1e6f;
	return zp + (int32_t)r;
}

void tm_nn_act_range_int8(const struct tm_nn_act *act, float scale, int32_t zp,
			  int32_t *qmin, int32_t *qmax)
{
	int32_t lo = -128, hi = 127;

	if (act->min > -FLT_MAX) {
		int32_t v = quantize_bound(act->min, scale, zp);
		lo = v > lo ? v : lo;
	}
	if (act->max < FLT_MAX) {
		int32_t v = quantize_bound(act->max, scale, zp);
		hi = v < hi ? v : hi;
	}
	*qmin = lo;
	*qmax = hi;
}

/* ---- CONV_2D ------------------------------------------------------------ */


void tm_conv_f32_ref(const struct tm_conv_params *p, const float *in, const float *w,
		     const float *bias, float *out)
{
	size_t kcols = (size_t)p->k_h * p->k_w * p->in_c;

	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++)
	for (int32_t oc = 0; oc < p->out_c; oc++) {
		const float *row = w + oc * kcols;
		float acc = 0.0f;

		for (int32_t ky = 0; ky < p->k_h; ky++)
		for (int32_t kx = 0; kx < p->k_w; kx++) {
			long t = tm_nn_conv_tap(p, b, oy * p->stride_h - p->pad_top + ky * p->dil_h,
					  ox * p->stride_w - p->pad_left + kx * p->dil_w);
			const float *wk = row + ((size_t)ky * p->k_w + kx) * p->in_c;

			if (t < 0)
				continue;
			for (int32_t ic = 0; ic < p->in_c; ic++)
				acc += in[t + ic] * wk[ic];
		}
		if (bias)
			acc += bias[oc];
		out[(((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c + oc] =
			tm_nn_act_f32(acc, &p->act);
	}
}

size_t tm_conv_int8_scratch_size(const struct tm_conv_params *p, const struct tm_nn_weights *w)
{
	(void)p;
	return tm_nn_weights_scratch_size(w);
}

/* One output channel over every pixel: its weight row is decoded once. */
static void conv_int8_channel(const struct tm_conv_params *p, const struct tm_nn_quant *q,
			      const int8_t *in, const int8_t *row, const int32_t *bias,
			      int32_t oc, int8_t *out)
{
	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++) {
		uint32_t acc = 0;

		for (int32_t ky = 0; ky < p->k_h; ky++)
		for (int32_t kx = 0; kx < p->k_w; kx++) {
			long t = tm_nn_conv_tap(p, b, oy * p->stride_h - p->pad_top + ky * p->dil_h,
					  ox * p->stride_w - p->pad_left + kx * p->dil_w);
			const int8_t *wk = row + ((size_t)ky * p->k_w + kx) * p->in_c;

			if (t < 0)
				continue;
			for (int32_t ic = 0; ic < p->in_c; ic++)
				acc += (uint32_t)((in[t + ic] - q->in_zp) * wk[ic]);
		}
		if (bias)
			acc += (uint32_t)bias[oc];
		out[(((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c + oc] =
			tm_nn_requant(acc, q, (size_t)oc);
	}
}

void tm_conv_int8_ref(const struct tm_conv_params *p, const struct tm_nn_quant *q,
		      const int8_t *in, const struct tm_nn_weights *w, const int32_t *bias,
		      int8_t *out, void *scratch)
{
	for (int32_t oc = 0; oc < p->out_c; oc++)
		conv_int8_channel(p, q, in, tm_nn_weights_row(w, (size_t)oc, scratch), bias,
				  oc, out);
}
