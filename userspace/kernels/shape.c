// SPDX-License-Identifier: MIT
/*
 * shape.c - TRANSPOSE, CONCATENATION and PAD: data movement of elements of
 * any size, plus the float-rule requantization concatenation needs when an
 * input's quantization differs from the output's. (RESHAPE is a copy.)
 */
#include <math.h>
#include <string.h>
#include "elementwise.h"
#include "quant.h"

void tm_transpose_ref(const void *in, void *out, size_t elem_size, const int32_t *in_shape,
		      unsigned rank, const int32_t *perm)
{
	size_t in_stride[TM_K_MAX_RANK], step[TM_K_MAX_RANK];
	int32_t oshape[TM_K_MAX_RANK], idx[TM_K_MAX_RANK] = { 0 };
	size_t n = 1, s = 1, src = 0;
	const uint8_t *ip = in;
	uint8_t *op = out;

	for (unsigned i = rank; i-- > 0;) {
		in_stride[i] = s;
		s *= (size_t)in_shape[i];
	}
	/* Walk the output in order; step[i] moves the source one output index. */
	for (unsigned i = 0; i < rank; i++) {
		oshape[i] = in_shape[perm[i]];
		step[i] = in_stride[perm[i]];
		n *= (size_t)oshape[i];
	}
	for (size_t k = 0; k < n; k++) {
		memcpy(op + k * elem_size, ip + src * elem_size, elem_size);
		for (unsigned i = rank; i-- > 0;) {
			src += step[i];
			if (++idx[i] < oshape[i])
				break;
			src -= step[i] * (size_t)oshape[i];
			idx[i] = 0;
		}
	}
}

void tm_concat_ref(const struct tm_concat_part *parts, unsigned n, size_t outer, void *out)
{
	uint8_t *op = out;

	for (size_t o = 0; o < outer; o++) {
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *src = parts[i].data;

			memcpy(op, src + o * parts[i].row_bytes, parts[i].row_bytes);
			op += parts[i].row_bytes;
		}
	}
}

/* TFLite ConcatenationWithScaling (TF 2.15 reference/concatenation.h), in float. */
void tm_requant_f_params_int8(struct tm_requant_f_params *p, float s_in, int32_t z_in,
			      float s_out, int32_t z_out, int32_t act_min, int32_t act_max)
{
	float inv_out = 1.0f / s_out;

	p->scale = s_in * inv_out;
	p->bias = (float)-z_in * p->scale;
	p->out_zp = z_out;
	p->act_min = act_min;
	p->act_max = act_max;
}

void tm_requant_f_int8_ref(const struct tm_requant_f_params *p, const int8_t *in, int8_t *out,
			   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float v = roundf((float)in[i] * p->scale + p->bias);
		int32_t q;

		/*
		 * |v| is bounded by 255 * s_in/s_out, but that product may overflow
		 * to inf (and inf - inf is NaN): keep the cast defined for all v.
		 */
		v = !(v >= -1e6f) ? -1e6f : v > 1e6f ? 1e6f : v;
		q = (int32_t)v + p->out_zp;
		out[i] = (int8_t)tm_clamp_i32(q, p->act_min, p->act_max);
	}
}

/*
 * One level of the padding recursion: @axis of the output, copying rows of
 * the innermost axis whole.
 */
struct pad_ctx {
	size_t es;
	unsigned rank;
	const int32_t *shape, *before, *after;
	const void *value;
	size_t ostride[TM_K_MAX_RANK], istride[TM_K_MAX_RANK];
};

static void fill(uint8_t *dst, const struct pad_ctx *c, size_t elems)
{
	for (size_t i = 0; i < elems; i++)
		memcpy(dst + i * c->es, c->value, c->es);
}

static void pad_axis(const struct pad_ctx *c, unsigned axis, const uint8_t *in, uint8_t *out)
{
	size_t os = c->ostride[axis] * c->es, is = c->istride[axis] * c->es;

	fill(out, c, (size_t)c->before[axis] * c->ostride[axis]);
	out += (size_t)c->before[axis] * os;
	for (int32_t i = 0; i < c->shape[axis]; i++) {
		if (axis + 1 == c->rank)
			memcpy(out, in, c->es);
		else
			pad_axis(c, axis + 1, in, out);
		in += is;
		out += os;
	}
	fill(out, c, (size_t)c->after[axis] * c->ostride[axis]);
}

void tm_pad_ref(const void *in, void *out, size_t elem_size, const int32_t *in_shape,
		unsigned rank, const int32_t *before, const int32_t *after, const void *pad_value)
{
	struct pad_ctx c = {
		.es = elem_size, .rank = rank, .shape = in_shape, .before = before,
		.after = after, .value = pad_value,
	};
	size_t os = 1, is = 1;

	if (rank == 0) {
		memcpy(out, in, elem_size);
		return;
	}
	for (unsigned i = rank; i-- > 0;) {
		c.ostride[i] = os;
		c.istride[i] = is;
		os *= (size_t)(before[i] + in_shape[i] + after[i]);
		is *= (size_t)in_shape[i];
	}
	pad_axis(&c, 0, in, out);
}
