/* SPDX-License-Identifier: MIT */
/*
 * simd_neon.h - AArch64 helpers shared by the NEON and dot-product kernels:
 * TFLite's fixed-point requantization, lane for lane equal to quant.h.
 *
 * It is spelled out in 64-bit lanes: vqrdmulhq_s32 rounds ties upward too,
 * but writing it out keeps the argument the same as on x86 (simd_avx2.h).
 */
#ifndef TM_SIMD_NEON_H
#define TM_SIMD_NEON_H

#include <arm_neon.h>
#include <string.h>
#include "dispatch.h"

#define MR 4
/* Row loops must unroll fully, or the accumulators live in memory. */
#define UNROLL_ROWS _Pragma("GCC unroll 4")

/* floor((a * b + 2^30) / 2^31) per lane, INT32_MIN * INT32_MIN -> INT32_MAX. */
static inline int32x4_t srdhm(int32x4_t a, int32x4_t b)
{
	const int64x2_t nudge = vdupq_n_s64(1ll << 30);
	int64x2_t lo = vaddq_s64(vmull_s32(vget_low_s32(a), vget_low_s32(b)), nudge);
	int64x2_t hi = vaddq_s64(vmull_high_s32(a, b), nudge);
	int32x4_t r = vcombine_s32(vmovn_s64(vshrq_n_s64(lo, 31)), vmovn_s64(vshrq_n_s64(hi, 31)));
	uint32x4_t sat = vceqq_s32(r, vdupq_n_s32(INT32_MIN));

	return vbslq_s32(sat, vdupq_n_s32(INT32_MAX), r);
}

/* Rounding divide by 2^e, half away from zero, e in [0, 31] per lane. */
static inline int32x4_t rdivpot(int32x4_t x, int32x4_t e)
{
	const int32x4_t one = vdupq_n_s32(1);
	int32x4_t mask = vsubq_s32(vshlq_s32(one, e), one);
	int32x4_t rem = vandq_s32(x, mask);
	int32x4_t thr = vsubq_s32(vshrq_n_s32(mask, 1), vshrq_n_s32(x, 31));
	int32x4_t q = vshlq_s32(x, vnegq_s32(e));

	return vsubq_s32(q, vreinterpretq_s32_u32(vcgtq_s32(rem, thr)));
}

static inline int32x4_t rq4(int32x4_t acc, const struct tm_rq *rq, size_t c)
{
	int32x4_t x = vshlq_s32(acc, vld1q_s32(rq->lshift + c));
	int32x4_t v = rdivpot(srdhm(x, vld1q_s32(rq->q_fixed + c)), vld1q_s32(rq->rshift + c));

	v = vaddq_s32(v, vdupq_n_s32(rq->out_zp));
	v = vmaxq_s32(v, vdupq_n_s32(rq->act_min));
	return vminq_s32(v, vdupq_n_s32(rq->act_max));
}

/* Channels [n0, n0 + 8) of one output row, @nv of them stored. */
static inline void store8(int8_t *out, int32x4_t a, int32x4_t b, const struct tm_rq *rq, size_t n0,
		   size_t nv)
{
	int16x8_t h = vcombine_s16(vmovn_s32(rq4(a, rq, n0)), vmovn_s32(rq4(b, rq, n0 + 4)));
	int8x8_t v = vmovn_s16(h);

	if (nv >= 8) {
		vst1_s8(out, v);
	} else {
		int8_t tmp[8];

		vst1_s8(tmp, v);
		memcpy(out, tmp, nv);
	}
}

static inline int32x4_t load4_i32(const int32_t *p, size_t n)
{
	int32_t tmp[4] = { 0 };

	if (n >= 4)
		return vld1q_s32(p);
	memcpy(tmp, p, n * 4);
	return vld1q_s32(tmp);
}

static inline void bias_init(const struct tm_gemm_i8 *g, const int32_t *bias, size_t n0, size_t nv,
		      int32x4_t *b0, int32x4_t *b1)
{
	*b0 = vld1q_s32(g->corr + n0);
	*b1 = vld1q_s32(g->corr + n0 + 4);
	if (bias) {
		*b0 = vaddq_s32(*b0, load4_i32(bias + n0, nv));
		*b1 = vaddq_s32(*b1, load4_i32(bias + n0 + 4, nv > 4 ? nv - 4 : 0));
	}
}

/* Shared by both tables: the float GEMM needs no dot product. */
void tm_neon_gemm_f32(const struct tm_gemm_f32 *g, const void *const *rows, size_t m,
		      const float *bias, float *out, size_t ldo);

static inline int32_t tm_ld32(const void *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline void store4_f32(float *out, float32x4_t v, size_t n)
{
	if (n >= 4) {
		vst1q_f32(out, v);
	} else if (n) {
		float tmp[4];

		vst1q_f32(tmp, v);
		memcpy(out, tmp, n * sizeof(float));
	}
}

static inline float32x4_t load4_f32(const float *p, size_t n)
{
	float tmp[4] = { 0 };

	if (n >= 4)
		return vld1q_f32(p);
	memcpy(tmp, p, n * sizeof(float));
	return vld1q_f32(tmp);
}

static inline float32x4_t clamp4(float32x4_t v, float32x4_t lo, float32x4_t hi)
{
	/* Select rather than vmaxq/vminq, which would turn NaN into a bound. */
	v = vbslq_f32(vcltq_f32(v, lo), lo, v);
	return vbslq_f32(vcgtq_f32(v, hi), hi, v);
}

/* neon_rows.c: the rows both AArch64 tables share. */
void tm_neon_dw_i8(const struct tm_dw_i8 *d, const int8_t *const *in, const int8_t *const *w,
		   size_t ntaps, const int32_t *bias, int8_t *out);
void tm_neon_dw_f32(size_t c, const float *const *in, const float *const *w, size_t ntaps,
		    const float *bias, float lo, float hi, float *out);
void tm_neon_max_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out);
void tm_neon_avg_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out);
void tm_neon_max_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out);
void tm_neon_avg_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out);
void tm_neon_add_i8(const struct tm_add_params *p, int sign, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n);
void tm_neon_mul_i8(const struct tm_mul_params *p, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n);
void tm_neon_minmax_i8(int is_max, const int8_t *a, size_t sa, const int8_t *b, size_t sb,
		       int8_t *out, size_t n);
void tm_neon_bin_f32(enum tm_fast_binop op, const float *a, size_t sa, const float *b,
		     size_t sb, float lo, float hi, float *out, size_t n);
void tm_neon_leaky_f32(const float *in, float *out, size_t n, float alpha);
void tm_neon_clamp_f32(const float *in, float *out, size_t n, float lo, float hi);
void tm_neon_lut_i8(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n);
void tm_neon_quantize_i8(const float *in, int8_t *out, size_t n, float scale, int32_t zp);

#define TM_NEON_ROWS \
	.dw_i8 = tm_neon_dw_i8, .dw_f32 = tm_neon_dw_f32, \
	.max_i8 = tm_neon_max_i8, .avg_i8 = tm_neon_avg_i8, \
	.max_f32 = tm_neon_max_f32, .avg_f32 = tm_neon_avg_f32, \
	.add_i8 = tm_neon_add_i8, .mul_i8 = tm_neon_mul_i8, \
	.minmax_i8 = tm_neon_minmax_i8, .bin_f32 = tm_neon_bin_f32, \
	.leaky_f32 = tm_neon_leaky_f32, .clamp_f32 = tm_neon_clamp_f32, \
	.lut_i8 = tm_neon_lut_i8, .quantize_i8 = tm_neon_quantize_i8,

#endif /* TM_SIMD_NEON_H */
