/* SPDX-License-Identifier: MIT */
/*
 * simd_avx2.h - 8-lane int32 helpers shared by the AVX2 and AVX-512 kernels
 * (both files are compiled with at least -mavx2): TFLite's fixed-point
 * requantization, lane for lane equal to quant.h's scalar functions.
 */
#ifndef TM_SIMD_AVX2_H
#define TM_SIMD_AVX2_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "dispatch.h"

static inline int32_t tm_ld32(const void *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * tm_srdhm() on each lane. The scalar rule, (ab + nudge) / 2^31 truncated
 * with nudge = ab >= 0 ? 2^30 : 1 - 2^30, equals floor((ab + 2^30) / 2^31),
 * and that result fits in 32 bits, so a logical 64-bit shift gives its low
 * half. Only INT32_MIN * INT32_MIN overflows; it alone lands on INT32_MIN
 * and is turned into INT32_MAX.
 */
static inline __m256i tm_srdhm_avx2(__m256i a, __m256i b)
{
	const __m256i nudge = _mm256_set1_epi64x(1ll << 30);
	__m256i ev = _mm256_add_epi64(_mm256_mul_epi32(a, b), nudge);
	__m256i od = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32),
						       _mm256_srli_epi64(b, 32)), nudge);
	__m256i r = _mm256_blend_epi32(_mm256_srli_epi64(ev, 31), _mm256_slli_epi64(od, 1), 0xaa);

	return _mm256_add_epi32(r, _mm256_cmpeq_epi32(r, _mm256_set1_epi32(INT32_MIN)));
}

/* tm_rounding_divide_by_pot() with a per-lane exponent in [0, 31]. */
static inline __m256i tm_rdivpot_avx2(__m256i x, __m256i e)
{
	const __m256i one = _mm256_set1_epi32(1);
	__m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, e), one);
	__m256i rem = _mm256_and_si256(x, mask);
	__m256i thr = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(x, 31));

	return _mm256_sub_epi32(_mm256_srav_epi32(x, e), _mm256_cmpgt_epi32(rem, thr));
}

/* tm_multiply_by_quantized_multiplier() with shift split into left/right. */
static inline __m256i tm_mbqm_avx2(__m256i x, __m256i q, __m256i ls, __m256i rs)
{
	return tm_rdivpot_avx2(tm_srdhm_avx2(_mm256_sllv_epi32(x, ls), q), rs);
}

/* Requantize 8 accumulators of channels [c, c + 8) and clamp. */
static inline __m256i tm_rq_avx2(__m256i acc, const struct tm_rq *rq, size_t c)
{
	__m256i q = _mm256_loadu_si256((const __m256i *)(rq->q_fixed + c));
	__m256i ls = _mm256_loadu_si256((const __m256i *)(rq->lshift + c));
	__m256i rs = _mm256_loadu_si256((const __m256i *)(rq->rshift + c));
	__m256i v = _mm256_add_epi32(tm_mbqm_avx2(acc, q, ls, rs), _mm256_set1_epi32(rq->out_zp));

	v = _mm256_max_epi32(v, _mm256_set1_epi32(rq->act_min));
	return _mm256_min_epi32(v, _mm256_set1_epi32(rq->act_max));
}

/* 8 int32 lanes already within int8 range -> 8 bytes at @out (only @n stored). */
static inline void tm_store8_i8(int8_t *out, __m256i v, size_t n)
{
	__m128i p = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	p = _mm_packs_epi16(p, p);
	if (n >= 8) {
		_mm_storel_epi64((__m128i *)out, p);
	} else {
		int8_t tmp[16];

		_mm_storeu_si128((__m128i *)tmp, p);
		memcpy(out, tmp, n);
	}
}

/* 8 int8 at @p as int32 lanes; only @n are read (the rest are 0). */
static inline __m256i tm_load8_i8(const int8_t *p, size_t n)
{
	int8_t tmp[8] = { 0 };

	if (n >= 8)
		return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p));
	memcpy(tmp, p, n);
	return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)tmp));
}

/* 8 int32 at @p; only @n are read (the rest are 0). */
static inline __m256i tm_load8_i32(const int32_t *p, size_t n)
{
	int32_t tmp[8] = { 0 };

	if (n >= 8)
		return _mm256_loadu_si256((const __m256i *)p);
	memcpy(tmp, p, n * 4);
	return _mm256_loadu_si256((const __m256i *)tmp);
}

#endif /* TM_SIMD_AVX2_H */
