// SPDX-License-Identifier: MIT
/*
 * tma_compute.c - the arithmetic of FC and CONV2D commands: decode, spans,
 * and the int8 math of uapi/tma_cmd.h ("DOC: commands").
 *
 * Written from the TFLite reference rules in docs (design.md), not from
 * userspace/kernels: the two must agree by test, not by sharing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tma_cmd.h"
#include "tma_model.h"

static uint32_t get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint32_t byte_of(uint32_t w, unsigned i)
{
	return (w >> (8 * i)) & 0xff;
}

static int32_t sbyte_of(uint32_t w, unsigned i)
{
	return (int32_t)(int8_t)(uint8_t)byte_of(w, i);
}

void tma_layer_decode(struct tma_layer *l, const uint8_t *cmd)
{
	uint32_t w[TMA_CMD_SIZE / 4];

	for (unsigned i = 0; i < TMA_CMD_SIZE / 4; i++)
		w[i] = get_le32(cmd + 4 * i);
	memset(l, 0, sizeof(*l));
	l->opcode = w[0] & TMA_CMD_OP_OPCODE_MASK;
	l->flags = (w[0] >> TMA_CMD_OP_FLAGS_SHIFT) & TMA_CMD_OP_FLAGS_MASK;
	for (unsigned i = 0; i < 4; i++) {
		l->rgn[i] = byte_of(w[1], i);
		l->off[i] = w[2 + i];
	}
	l->in_c = w[7] & 0xffff;
	l->out_c = w[7] >> 16;
	l->out_w = w[8] >> 16;
	l->in_zp = sbyte_of(w[11], 0);
	l->out_zp = sbyte_of(w[11], 1);
	l->act_min = sbyte_of(w[11], 2);
	l->act_max = sbyte_of(w[11], 3);
	l->in_pix = w[12];
	l->out_pix = w[14];
	if (l->opcode == TMA_OP_FC) {
		/* FC is a 1x1 convolution over a 1 x M image: fix the geometry. */
		l->in_h = l->out_h = 1;
		l->in_w = l->out_w;
		l->kh = l->kw = l->sh = l->sw = l->dh = l->dw = 1;
		return;
	}
	l->in_h = w[6] & 0xffff;
	l->in_w = w[6] >> 16;
	l->out_h = w[8] & 0xffff;
	l->kh = byte_of(w[9], 0);
	l->kw = byte_of(w[9], 1);
	l->sh = byte_of(w[9], 2);
	l->sw = byte_of(w[9], 3);
	l->dh = byte_of(w[10], 0);
	l->dw = byte_of(w[10], 1);
	l->pad_t = byte_of(w[10], 2);
	l->pad_l = byte_of(w[10], 3);
	l->in_row = w[13];
	l->out_row = w[15];
}

uint64_t tma_layer_weight_elems(const struct tma_layer *l)
{
	uint64_t taps = (uint64_t)l->kh * l->kw;

	if (l->flags & TMA_FLAG_DEPTHWISE)
		return taps * l->out_c;
	return taps * l->out_c * l->in_c;
}

uint64_t tma_layer_macs(const struct tma_layer *l)
{
	uint64_t per_out = (uint64_t)l->kh * l->kw;

	if (!(l->flags & TMA_FLAG_DEPTHWISE))
		per_out *= l->in_c;
	if (l->flags & TMA_FLAG_SPARSE_2_4)
		per_out /= 2;
	return per_out * l->out_h * l->out_w * l->out_c;
}

static uint64_t act_span(uint32_t h, uint32_t w, uint32_t c, uint64_t row, uint64_t pix)
{
	return (uint64_t)(h - 1) * row + (uint64_t)(w - 1) * pix + c;
}

uint64_t tma_layer_span(const struct tma_layer *l, unsigned opnd)
{
	uint64_t e = tma_layer_weight_elems(l);

	switch (opnd) {
	case TMA_OPND_IN:
		return act_span(l->in_h, l->in_w, l->in_c, l->in_row, l->in_pix);
	case TMA_OPND_OUT:
		return act_span(l->out_h, l->out_w, l->out_c, l->out_row, l->out_pix);
	case TMA_OPND_CHAN:
		return (uint64_t)l->out_c * TMA_CHAN_PARAM_SIZE;
	case TMA_OPND_WGT:
		switch (l->flags & (TMA_FLAG_INT4 | TMA_FLAG_SPARSE_2_4)) {
		case 0:
			return e;
		case TMA_FLAG_INT4:
			return (e + 1) / 2;
		case TMA_FLAG_SPARSE_2_4:
			return e / 4 * 3;     /* 2 value bytes + 1 index byte per group */
		default:
			return e / 2;         /* 1 byte of two int4 values + 1 index byte */
		}
	}
	return 0;
}

/*
 * SaturatingRoundingDoublingHighMul written as one arithmetic shift: gemmlowp's
 * nudge-and-truncate rounds ties toward +infinity for either sign, which is
 * floor((a*b + 2^30) / 2^31). Only INT32_MIN * INT32_MIN leaves int32.
 */
static int32_t high_mul(int32_t a, int32_t b)
{
	int64_t v = ((int64_t)a * b + (1ll << 30)) >> 31;

	return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

/* x / 2^n rounded to nearest, ties away from zero; n in [0, 31]. */
static int32_t round_shift(int32_t x, unsigned n)
{
	int64_t mag = x < 0 ? -(int64_t)x : x;

	if (n == 0)
		return x;
	mag = (mag + (1ll << (n - 1))) >> n;
	return (int32_t)(x < 0 ? -mag : mag);
}

int32_t tma_requant(int32_t acc, int32_t mult, int32_t shift)
{
	unsigned left = shift > 31 ? 31 : shift > 0 ? (unsigned)shift : 0;
	unsigned right = shift < -31 ? 31 : shift < 0 ? (unsigned)-shift : 0;
	/* The left shift happens in a 32-bit register: bits above wrap away. */
	int32_t x = (int32_t)((uint32_t)acc << left);

	return round_shift(high_mul(x, mult), right);
}

static int32_t nibble(const uint8_t *b, uint64_t i)
{
	uint8_t v = (i & 1) ? b[i >> 1] >> 4 : b[i >> 1] & 0xf;

	return v >= 8 ? (int32_t)v - 16 : (int32_t)v;
}

static int32_t stored_weight(const uint8_t *b, uint64_t i, int int4)
{
	return int4 ? nibble(b, i) : (int32_t)(int8_t)b[i];
}

/*
 * Expand the weights to one int16 per logical element. For 2:4 each kept
 * value is added at its position, which is exactly "multiply each kept
 * value with the activation at its position" (equal positions sum).
 */
static int16_t *expand_weights(const struct tma_layer *l, const uint8_t *wgt)
{
	uint64_t e = tma_layer_weight_elems(l);
	int int4 = !!(l->flags & TMA_FLAG_INT4);
	int16_t *w = calloc(e ? e : 1, sizeof(*w));

	if (!w)
		return NULL;
	if (!(l->flags & TMA_FLAG_SPARSE_2_4)) {
		for (uint64_t i = 0; i < e; i++)
			w[i] = (int16_t)stored_weight(wgt, i, int4);
		return w;
	}
	uint64_t groups = e / 4;
	const uint8_t *idx = wgt + (int4 ? groups : 2 * groups);

	for (uint64_t g = 0; g < groups; g++) {
		w[4 * g + (idx[g] & 3)] += (int16_t)stored_weight(wgt, 2 * g, int4);
		w[4 * g + ((idx[g] >> 2) & 3)] += (int16_t)stored_weight(wgt, 2 * g + 1, int4);
	}
	return w;
}

static int32_t chan_word(const uint8_t *chan, uint32_t oc, unsigned word)
{
	return (int32_t)get_le32(chan + (uint64_t)oc * TMA_CHAN_PARAM_SIZE + 4 * word);
}

/* Accumulator of one output element; wraps modulo 2^32 like the hardware. */
static uint32_t accumulate(const struct tma_layer *l, const uint8_t *in, const int16_t *w,
			   uint32_t oy, uint32_t ox, uint32_t oc)
{
	int dw_mode = !!(l->flags & TMA_FLAG_DEPTHWISE);
	uint32_t mult = dw_mode ? l->out_c / l->in_c : 1;
	uint32_t acc = 0;

	for (uint32_t ky = 0; ky < l->kh; ky++) {
		int64_t iy = (int64_t)oy * l->sh - l->pad_t + (int64_t)ky * l->dh;

		if (iy < 0 || iy >= l->in_h)
			continue;
		for (uint32_t kx = 0; kx < l->kw; kx++) {
			int64_t ix = (int64_t)ox * l->sw - l->pad_l + (int64_t)kx * l->dw;

			if (ix < 0 || ix >= l->in_w)
				continue;
			const uint8_t *px = in + (uint64_t)iy * l->in_row + (uint64_t)ix * l->in_pix;
			uint64_t tap = (uint64_t)ky * l->kw + kx;

			if (dw_mode) {
				int32_t x = (int8_t)px[oc / mult] - l->in_zp;

				acc += (uint32_t)(x * w[tap * l->out_c + oc]);
				continue;
			}
			const int16_t *wr = w + ((uint64_t)oc * l->kh * l->kw + tap) * l->in_c;

			for (uint32_t ic = 0; ic < l->in_c; ic++)
				acc += (uint32_t)(((int8_t)px[ic] - l->in_zp) * wr[ic]);
		}
	}
	return acc;
}

int tma_layer_compute(const struct tma_layer *l, const uint8_t *in, const uint8_t *wgt,
		      const uint8_t *chan, int8_t *out)
{
	int16_t *w = expand_weights(l, wgt);

	if (!w)
		return -ENOMEM;
	for (uint32_t oy = 0; oy < l->out_h; oy++)
		for (uint32_t ox = 0; ox < l->out_w; ox++)
			for (uint32_t oc = 0; oc < l->out_c; oc++) {
				uint32_t acc = accumulate(l, in, w, oy, ox, oc) +
					       (uint32_t)chan_word(chan, oc, 0);
				int32_t v = tma_requant((int32_t)acc, chan_word(chan, oc, 1),
							chan_word(chan, oc, 2)) + l->out_zp;

				v = v < l->act_min ? l->act_min : v > l->act_max ? l->act_max : v;
				*out++ = (int8_t)v;
			}
	free(w);
	return 0;
}
