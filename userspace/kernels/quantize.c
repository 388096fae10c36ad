// SPDX-License-Identifier: MIT
/*
 * quantize.c - QUANTIZE (float -> 8-bit, 8-bit -> 8-bit) and DEQUANTIZE,
 * following TFLite's reference quantize.h, dequantize.h and requantize.h
 * (TF 2.15). uint8 is there for ONNX's QuantizeLinear/DequantizeLinear.
 */
#include <math.h>
#include "elementwise.h"
#include "quant.h"

static int32_t quantize_one(float x, double scale, int32_t zp, int32_t lo, int32_t hi)
{
	double r;

	if (isnan(x))
		return tm_clamp_i32(zp, lo, hi);
	r = round((double)x / scale);  /* TFLite divides by its double scale */
	if (r < -1e9)                  /* keep the int cast defined for +-inf */
		return lo;
	if (r > 1e9)
		return hi;
	return tm_clamp_i32((int32_t)r + zp, lo, hi);
}

void tm_quantize_f32_int8_ref(const float *in, int8_t *out, size_t n, float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (int8_t)quantize_one(in[i], scale, zp, -128, 127);
}

void tm_quantize_f32_uint8_ref(const float *in, uint8_t *out, size_t n, float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)quantize_one(in[i], scale, zp, 0, 255);
}

void tm_dequantize_int8_f32_ref(const int8_t *in, float *out, size_t n, float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (float)((double)scale * (double)(in[i] - zp));
}

void tm_dequantize_uint8_f32_ref(const uint8_t *in, float *out, size_t n, float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (float)((double)scale * (double)(in[i] - zp));
}

void tm_requant_params_init(struct tm_requant_params *p, float s_in, int32_t z_in,
			    int in_unsigned, float s_out, int32_t z_out, int out_unsigned)
{
	p->in_zp = z_in;
	p->out_zp = z_out;
	p->in_unsigned = in_unsigned;
	p->out_unsigned = out_unsigned;
	tm_quantize_multiplier((double)s_in / (double)s_out, &p->mult, &p->shift);
}

void tm_requant_ref(const struct tm_requant_params *p, const void *in, void *out, size_t n)
{
	const int8_t *i8 = in;
	const uint8_t *u8 = in;
	int32_t lo = p->out_unsigned ? 0 : -128, hi = p->out_unsigned ? 255 : 127;

	for (size_t i = 0; i < n; i++) {
		int32_t x = (p->in_unsigned ? u8[i] : i8[i]) - p->in_zp;
		int32_t v = tm_clamp_i32(tm_multiply_by_quantized_multiplier(x, p->mult, p->shift) +
					 p->out_zp, lo, hi);

		if (p->out_unsigned)
			((uint8_t *)out)[i] = (uint8_t)v;
		else
			((int8_t *)out)[i] = (int8_t)v;
	}
}
