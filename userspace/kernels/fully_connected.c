// SPDX-License-Identifier: MIT
/* fully_connected.c - FULLY_CONNECTED reference kernels. */
#include "nn.h"

void tm_fully_connected_f32_ref(const struct tm_fc_params *p, const float *in, const float *w,
				const float *bias, float *out)
{
	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t o = 0; o < p->out_dim; o++) {
		const float *x = in + (size_t)b * p->in_dim;
		const float *row = w + (size_t)o * p->in_dim;
		float acc = 0.0f;

		for (int32_t i = 0; i < p->in_dim; i++)
			acc += x[i] * row[i];
		if (bias)
			acc += bias[o];
		out[(size_t)b * p->out_dim + o] = tm_nn_act_f32(acc, &p->act);
	}
}

size_t tm_fully_connected_int8_scratch_size(const struct tm_fc_params *p,
					    const struct tm_nn_weights *w)
{
	(void)p;
	return tm_nn_weights_scratch_size(w);
}

void tm_fully_connected_int8_ref(const struct tm_fc_params *p, const struct tm_nn_quant *q,
				 const int8_t *in, const struct tm_nn_weights *w,
				 const int32_t *bias, int8_t *out, void *scratch)
{
	/* Output unit outer: each weight row is decoded once for all batches. */
	for (int32_t o = 0; o < p->out_dim; o++) {
		const int8_t *row = tm_nn_weights_row(w, (size_t)o, scratch);

		for (int32_t b = 0; b < p->batch; b++) {
			const int8_t *x = in + (size_t)b * p->in_dim;
			uint32_t acc = 0;

			for (int32_t i = 0; i < p->in_dim; i++)
				acc += (uint32_t)((x[i] - q->in_zp) * row[i]);
			if (bias)
				acc += (uint32_t)bias[o];
			out[(size_t)b * p->out_dim + o] = tm_nn_requant(acc, q, (size_t)o);
		}
	}
}
