// SPDX-License-Identifier: MIT
/*
 * depthwise.c - DEPTHWISE_CONV_2D reference kernels. Output channel
 * oc = ic * depth_mult + m reads only input channel ic; weights are 1HW(OC).
 */
#include "nn.h"


void tm_depthwise_f32_ref(const struct tm_conv_params *p, const float *in, const float *w,
			  const float *bias, float *out)
{
	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++)
	for (int32_t oc = 0; oc < p->out_c; oc++) {
		int32_t ic = oc / p->depth_mult;
		float acc = 0.0f;

		for (int32_t ky = 0; ky < p->k_h; ky++)
		for (int32_t kx = 0; kx < p->k_w; kx++) {
			long t = tm_nn_conv_tap(p, b, oy * p->stride_h - p->pad_top + ky * p->dil_h,
					ox * p->stride_w - p->pad_left + kx * p->dil_w);
			if (t >= 0)
				acc += in[t + ic] * w[((size_t)ky * p->k_w + kx) * p->out_c + oc];
		}
		if (bias)
			acc += bias[oc];
		out[(((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c + oc] =
			tm_nn_act_f32(acc, &p->act);
	}
}

size_t tm_depthwise_int8_scratch_size(const struct tm_conv_params *p,
				      const struct tm_nn_weights *w)
{
	(void)p;
	return tm_nn_weights_scratch_size(w);
}

void tm_depthwise_int8_ref(const struct tm_conv_params *p, const struct tm_nn_quant *q,
			   const int8_t *in, const struct tm_nn_weights *w, const int32_t *bias,
			   int8_t *out, void *scratch)
{
	/* The channel axis is innermost, so the whole filter is decoded once. */
	const int8_t *f = tm_nn_weights_row(w, 0, scratch);

	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++)
	for (int32_t oc = 0; oc < p->out_c; oc++) {
		int32_t ic = oc / p->depth_mult;
		uint32_t acc = 0;

		for (int32_t ky = 0; ky < p->k_h; ky++)
		for (int32_t kx = 0; kx < p->k_w; kx++) {
			long t = tm_nn_conv_tap(p, b, oy * p->stride_h - p->pad_top + ky * p->dil_h,
					ox * p->stride_w - p->pad_left + kx * p->dil_w);
			if (t >= 0)
				acc += (uint32_t)((in[t + ic] - q->in_zp) *
						  f[((size_t)ky * p->k_w + kx) * p->out_c + oc]);
		}
		if (bias)
			acc += (uint32_t)bias[oc];
		out[(((size_t)b * p->out_h + oy) * p->out_w + ox) * p->out_c + oc] =
			tm_nn_requant(acc, q, (size_t)oc);
	}
}
