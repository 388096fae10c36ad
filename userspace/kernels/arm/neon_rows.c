// SPDX-License-Identifier: MIT
/*
 * neon_rows.c - AArch64 Advanced SIMD rows shared by the neon and dotprod
 * tables: depthwise pixels, pools, elementwise arithmetic, float activations,
 * the int8 table lookup and QUANTIZE. Each equals its reference kernel bit
 * for bit: the same operations in the same order, and compare-and-select
 * where FMAX/FMIN would treat NaN differently from the reference's ?:.
 * Short tails go through small stack buffers, so no load reads past a row.
 */
#include <float.h>
#include "simd_neon.h"

/* ---- tails ------------------------------------------------------------------- */

static int8x8_t load8_i8(const int8_t *p, size_t n)
{
	int8_t tmp[8] = { 0 };

	if (n >= 8)
		return vld1_s8(p);
	memcpy(tmp, p, n);
	return vld1_s8(tmp);
}

static void store8_i8(int8_t *p, int8x8_t v, size_t n)
{
	int8_t tmp[8];

	if (n >= 8) {
		vst1_s8(p, v);
		return;
	}
	vst1_s8(tmp, v);
	memcpy(p, tmp, n);
}

/* Two int32x4 already within int8 range -> 8 bytes. */
static int8x8_t narrow8(int32x4_t a, int32x4_t b)
{
	return vmovn_s16(vcombine_s16(vmovn_s32(a), vmovn_s32(b)));
}

static int32x4_t clamp_s32(int32x4_t v, int32_t lo, int32_t hi)
{
	return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

/* ---- depthwise ------------------------------------------------------------------ */

void tm_neon_dw_i8(const struct tm_dw_i8 *d, const int8_t *const *in, const int8_t *const *w,
		  size_t ntaps, const int32_t *bias, int8_t *out)
{
	const int16x8_t zp = vdupq_n_s16((int16_t)d->in_zp);

	for (size_t c0 = 0; c0 < d->c; c0 += 8) {
		size_t nv = d->c - c0 < 8 ? d->c - c0 : 8;
		int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);

		for (size_t t = 0; t < ntaps; t++) {
			/* x - zp fits int16, and so does its product with a weight. */
			int16x8_t x = vsubq_s16(vmovl_s8(load8_i8(in[t] + c0, nv)), zp);
			int16x8_t wv = vmovl_s8(load8_i8(w[t] + c0, nv));

			lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(wv));
			hi = vmlal_s16(hi, vget_high_s16(x), vget_high_s16(wv));
		}
		if (bias) {
			lo = vaddq_s32(lo, load4_i32(bias + c0, nv));
			hi = vaddq_s32(hi, load4_i32(bias + c0 + 4, nv > 4 ? nv - 4 : 0));
		}
		store8_i8(out + c0, narrow8(rq4(lo, &d->rq, c0), rq4(hi, &d->rq, c0 + 4)), nv);
	}
}

void tm_neon_dw_f32(size_t c, const float *const *in, const float *const *w, size_t ntaps,
		   const float *bias, float lo, float hi, float *out)
{
	const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);

	for (size_t c0 = 0; c0 < c; c0 += 4) {
		size_t nv = c - c0 < 4 ? c - c0 : 4;
		float32x4_t acc = vdupq_n_f32(0.0f);

		/* Multiply, then add, in tap order: the reference's rounding. */
		for (size_t t = 0; t < ntaps; t++)
			acc = vaddq_f32(acc, vmulq_f32(load4_f32(in[t] + c0, nv),
						       load4_f32(w[t] + c0, nv)));
		if (bias)
			acc = vaddq_f32(acc, load4_f32(bias + c0, nv));
		store4_f32(out + c0, clamp4(acc, vlo, vhi), nv);
	}
}

/* ---- pools ---------------------------------------------------------------------- */

void tm_neon_max_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		   int8_t *out)
{
	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		int8x8_t m = vdup_n_s8(-128);

		for (size_t t = 0; t < ntaps; t++)
			m = vmax_s8(m, load8_i8(in[t] + c0, nv));
		m = vmin_s8(vmax_s8(m, vdup_n_s8((int8_t)lo)), vdup_n_s8((int8_t)hi));
		store8_i8(out + c0, m, nv);
	}
}

/*
 * (sum +/- n/2) / n truncated, the reference's rounding half away from zero,
 * in double: exact, as a true quotient is at least 1/n from the next integer.
 */
static int32x4_t avg_div(int32x4_t sum, size_t n)
{
	int32x4_t half = vdupq_n_s32((int32_t)(n / 2));
	uint32x4_t pos = vcgtq_s32(sum, vdupq_n_s32(0));
	int32x4_t adj = vbslq_s32(pos, vaddq_s32(sum, half), vsubq_s32(sum, half));
	float64x2_t dn = vdupq_n_f64((double)n);
	int64x2_t q0 = vcvtq_s64_f64(vdivq_f64(vcvtq_f64_s64(vmovl_s32(vget_low_s32(adj))), dn));
	int64x2_t q1 = vcvtq_s64_f64(vdivq_f64(vcvtq_f64_s64(vmovl_high_s32(adj)), dn));

	return vcombine_s32(vmovn_s64(q0), vmovn_s64(q1));
}

void tm_neon_avg_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		   int8_t *out)
{
	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		int32x4_t s0 = vdupq_n_s32(0), s1 = vdupq_n_s32(0);

		for (size_t t = 0; t < ntaps; t++) {
			int16x8_t x = vmovl_s8(load8_i8(in[t] + c0, nv));

			s0 = vaddw_s16(s0, vget_low_s16(x));
			s1 = vaddw_s16(s1, vget_high_s16(x));
		}
		store8_i8(out + c0, narrow8(clamp_s32(avg_div(s0, ntaps), lo, hi),
					    clamp_s32(avg_div(s1, ntaps), lo, hi)), nv);
	}
}

void tm_neon_max_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		    float *out)
{
	const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);

	for (size_t c0 = 0; c0 < c; c0 += 4) {
		size_t nv = c - c0 < 4 ? c - c0 : 4;
		float32x4_t m = vdupq_n_f32(-FLT_MAX);

		/* x > m ? x : m: a NaN input is skipped, as in the reference. */
		for (size_t t = 0; t < ntaps; t++) {
			float32x4_t x = load4_f32(in[t] + c0, nv);

			m = vbslq_f32(vcgtq_f32(x, m), x, m);
		}
		store4_f32(out + c0, clamp4(m, vlo, vhi), nv);
	}
}

void tm_neon_avg_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		    float *out)
{
	const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);
	const float32x4_t n = vdupq_n_f32((float)ntaps);

	for (size_t c0 = 0; c0 < c; c0 += 4) {
		size_t nv = c - c0 < 4 ? c - c0 : 4;
		float32x4_t s = vdupq_n_f32(0.0f);

		for (size_t t = 0; t < ntaps; t++)
			s = vaddq_f32(s, load4_f32(in[t] + c0, nv));
		store4_f32(out + c0, clamp4(vdivq_f32(s, n), vlo, vhi), nv);
	}
}

/* ---- elementwise ---------------------------------------------------------------- */

/* 8 int8 operands stepping @s (1, or 0 for a repeated scalar), as int16. */
static int16x8_t operand_i8(const int8_t *p, size_t s, size_t nv)
{
	return vmovl_s8(s ? load8_i8(p, nv) : vdup_n_s8(*p));
}

/* tm_multiply_by_quantized_multiplier() with one multiplier for every lane. */
static int32x4_t mbqm(int32x4_t x, int32_t q, int shift)
{
	x = vshlq_s32(x, vdupq_n_s32(shift > 0 ? shift : 0));
	return rdivpot(srdhm(x, vdupq_n_s32(q)), vdupq_n_s32(shift > 0 ? 0 : -shift));
}

static int32x4_t add4(const struct tm_add_params *p, int sign, int16x4_t a, int16x4_t b)
{
	int32x4_t va = vshlq_s32(vaddq_s32(vmovl_s16(a), vdupq_n_s32(p->a_offset)),
				 vdupq_n_s32(p->left_shift));
	int32x4_t vb = vshlq_s32(vaddq_s32(vmovl_s16(b), vdupq_n_s32(p->b_offset)),
				 vdupq_n_s32(p->left_shift));
	int32x4_t x = mbqm(va, p->a_mult, p->a_shift), y = mbqm(vb, p->b_mult, p->b_shift);
	int32x4_t o = mbqm(sign > 0 ? vaddq_s32(x, y) : vsubq_s32(x, y), p->out_mult,
			   p->out_shift);

	return clamp_s32(vaddq_s32(o, vdupq_n_s32(p->out_offset)), p->act_min, p->act_max);
}

void tm_neon_add_i8(const struct tm_add_params *p, int sign, const int8_t *a, size_t sa,
		   const int8_t *b, size_t sb, int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		int16x8_t x = operand_i8(a + i * sa, sa, nv), y = operand_i8(b + i * sb, sb, nv);

		store8_i8(out + i, narrow8(add4(p, sign, vget_low_s16(x), vget_low_s16(y)),
					   add4(p, sign, vget_high_s16(x), vget_high_s16(y))), nv);
	}
}

static int32x4_t mul4(const struct tm_mul_params *p, int16x4_t a, int16x4_t b)
{
	int32x4_t va = vaddq_s32(vmovl_s16(a), vdupq_n_s32(p->a_offset));
	int32x4_t vb = vaddq_s32(vmovl_s16(b), vdupq_n_s32(p->b_offset));
	int32x4_t o = mbqm(vmulq_s32(va, vb), p->mult, p->shift);

	return clamp_s32(vaddq_s32(o, vdupq_n_s32(p->out_offset)), p->act_min, p->act_max);
}

void tm_neon_mul_i8(const struct tm_mul_params *p, const int8_t *a, size_t sa, const int8_t *b,
		   size_t sb, int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		int16x8_t x = operand_i8(a + i * sa, sa, nv), y = operand_i8(b + i * sb, sb, nv);

		store8_i8(out + i, narrow8(mul4(p, vget_low_s16(x), vget_low_s16(y)),
					   mul4(p, vget_high_s16(x), vget_high_s16(y))), nv);
	}
}

void tm_neon_minmax_i8(int is_max, const int8_t *a, size_t sa, const int8_t *b, size_t sb,
		      int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		int8x8_t x = sa ? load8_i8(a + i, nv) : vdup_n_s8(*a);
		int8x8_t y = sb ? load8_i8(b + i, nv) : vdup_n_s8(*b);

		store8_i8(out + i, is_max ? vmax_s8(x, y) : vmin_s8(x, y), nv);
	}
}

void tm_neon_bin_f32(enum tm_fast_binop op, const float *a, size_t sa, const float *b, size_t sb,
		    float lo, float hi, float *out, size_t n)
{
	const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);

	for (size_t i = 0; i < n; i += 4) {
		size_t nv = n - i < 4 ? n - i : 4;
		float32x4_t x = sa ? load4_f32(a + i, nv) : vdupq_n_f32(*a);
		float32x4_t y = sb ? load4_f32(b + i, nv) : vdupq_n_f32(*b);
		float32x4_t v;

		switch (op) {
		case TM_FAST_ADD: v = vaddq_f32(x, y); break;
		case TM_FAST_SUB: v = vsubq_f32(x, y); break;
		case TM_FAST_MUL: v = vmulq_f32(x, y); break;
		/* a > b ? a : b and a < b ? a : b, the reference's forms. */
		case TM_FAST_MAX: v = vbslq_f32(vcgtq_f32(x, y), x, y); break;
		default: v = vbslq_f32(vcltq_f32(x, y), x, y); break;
		}
		store4_f32(out + i, clamp4(v, vlo, vhi), nv);
	}
}

/* ---- activations, table lookup, QUANTIZE ------------------------------------------------ */

void tm_neon_leaky_f32(const float *in, float *out, size_t n, float alpha)
{
	for (size_t i = 0; i < n; i += 4) {
		size_t nv = n - i < 4 ? n - i : 4;
		float32x4_t x = load4_f32(in + i, nv);

		store4_f32(out + i, vbslq_f32(vcgtq_f32(x, vdupq_n_f32(0.0f)), x,
					      vmulq_n_f32(x, alpha)), nv);
	}
}

void tm_neon_clamp_f32(const float *in, float *out, size_t n, float lo, float hi)
{
	const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);

	for (size_t i = 0; i < n; i += 4) {
		size_t nv = n - i < 4 ? n - i : 4;

		store4_f32(out + i, clamp4(load4_f32(in + i, nv), vlo, vhi), nv);
	}
}

/* lut[x + 128] by four 64-entry TBL/TBX lookups (out-of-range lanes keep theirs). */
void tm_neon_lut_i8(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n)
{
	uint8x16x4_t t[4];
	size_t i = 0;

	for (int k = 0; k < 4; k++)
		t[k] = vld1q_u8_x4((const uint8_t *)lut + 64 * k);
	for (; i + 16 <= n; i += 16) {
		uint8x16_t idx = veorq_u8(vld1q_u8((const uint8_t *)in + i), vdupq_n_u8(0x80));
		uint8x16_t r = vqtbl4q_u8(t[0], idx);

		r = vqtbx4q_u8(r, t[1], vsubq_u8(idx, vdupq_n_u8(64)));
		r = vqtbx4q_u8(r, t[2], vsubq_u8(idx, vdupq_n_u8(128)));
		r = vqtbx4q_u8(r, t[3], vsubq_u8(idx, vdupq_n_u8(192)));
		vst1q_u8((uint8_t *)out + i, r);
	}
	for (; i < n; i++)
		out[i] = lut[in[i] + 128];
}

/* round(x / scale) in double, ties away (FRINTA), NaN -> zp, +-1e9 bound, + zp, clamp. */
static int32x2_t quantize2(float32x2_t x, double scale, int32_t zp)
{
	float64x2_t v = vrndaq_f64(vdivq_f64(vcvt_f64_f32(x), vdupq_n_f64(scale)));
	int64x2_t q;

	v = vminq_f64(vmaxq_f64(v, vdupq_n_f64(-1e9)), vdupq_n_f64(1e9));
	q = vaddq_s64(vcvtq_s64_f64(v), vdupq_n_s64(zp));
	/* NaN survives FMAX/FMIN above; select zp for it. */
	q = vbslq_s64(vceqq_f64(vcvt_f64_f32(x), vcvt_f64_f32(x)), q, vdupq_n_s64(zp));
	return vmovn_s64(q);
}

void tm_neon_quantize_i8(const float *in, int8_t *out, size_t n, float scale, int32_t zp)
{
	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		float32x4_t a = load4_f32(in + i, nv), b = load4_f32(in + i + 4, nv > 4 ? nv - 4 : 0);
		int32x4_t lo = vcombine_s32(quantize2(vget_low_f32(a), scale, zp),
					    quantize2(vget_high_f32(a), scale, zp));
		int32x4_t hi = vcombine_s32(quantize2(vget_low_f32(b), scale, zp),
					    quantize2(vget_high_f32(b), scale, zp));

		store8_i8(out + i, narrow8(clamp_s32(lo, -128, 127), clamp_s32(hi, -128, 127)), nv);
	}
}
