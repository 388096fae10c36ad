// SPDX-License-Identifier: MIT
/*
 * avx2.c - x86-64 AVX2 + FMA primitives (built with -mavx2 -mfma, run only
 * when CPUID says so). int8 products go through vpmaddwd on int16 values:
 * vpmaddubsw would be faster but saturates (255 * 127 * 2 > 32767), and
 * these kernels must equal the reference for every input.
 */
#include <float.h>
#include "simd_avx2.h"
#include "x86.h"

#define MR 4    /* panel rows per GEMM step */
/* Row loops must unroll fully, or the accumulators live in memory. */
#define UNROLL_ROWS _Pragma("GCC unroll 4")

/* ---- int8 GEMM: int16 elements, weights [blk][kp / 2][16][2] ----------------- */

/*
 * @mr rows (a constant after inlining) by 16 channels, two vectors of 8, so
 * each broadcast serves both; short row groups get their own unrolled copy
 * instead of repeating rows.
 */
static inline __attribute__((always_inline)) void
gemm_i8_block(const struct tm_gemm_i8 *g, const void *const *rows, const int mr, __m256i i0,
	      __m256i i1, const int8_t *w, int8_t *out, size_t ldo, size_t n0, size_t nv)
{
	__m256i c0[MR], c1[MR];

	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		c0[r] = i0;
		c1[r] = i1;
	}
	for (size_t s = 0; s < g->nseg; s++) {
		const int16_t *a[MR];

		UNROLL_ROWS
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->segp; j += 2, w += 32) {
			__m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w));
			__m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + 16)));

			UNROLL_ROWS
			for (int r = 0; r < mr; r++) {
				__m256i x = _mm256_set1_epi32(tm_ld32(a[r] + j));

				c0[r] = _mm256_add_epi32(c0[r], _mm256_madd_epi16(x, w0));
				c1[r] = _mm256_add_epi32(c1[r], _mm256_madd_epi16(x, w1));
			}
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		tm_store8_i8(out + r * ldo + n0, tm_rq_avx2(c0[r], &g->rq, n0), nv);
		if (nv > 8)
			tm_store8_i8(out + r * ldo + n0 + 8, tm_rq_avx2(c1[r], &g->rq, n0 + 8),
				     nv - 8);
	}
}

static void gemm_i8(const struct tm_gemm_i8 *g, const void *const *rows, size_t m,
		    const int32_t *bias, int8_t *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 16) {
		size_t nv = g->n - n0 < 16 ? g->n - n0 : 16, ns = g->nseg;
		const int8_t *wb = g->w + n0 * g->kp;
		__m256i i0 = _mm256_loadu_si256((const __m256i *)(g->corr + n0));
		__m256i i1 = _mm256_loadu_si256((const __m256i *)(g->corr + n0 + 8));

		if (bias) {
			i0 = _mm256_add_epi32(i0, tm_load8_i32(bias + n0, nv));
			i1 = _mm256_add_epi32(i1, tm_load8_i32(bias + n0 + 8, nv > 8 ? nv - 8 : 0));
		}
#define ROWS(r0_, mr_) \
	gemm_i8_block(g, rows + (r0_) * ns, mr_, i0, i1, wb, out + (r0_) * ldo, ldo, n0, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

/* ---- float GEMM: weights [blk][k][16] ------------------------------------------ */

static __m256 clamp_ps(__m256 v, __m256 lo, __m256 hi)
{
	/* Operand order keeps NaN, as tm_nn_act_f32() does. */
	return _mm256_min_ps(hi, _mm256_max_ps(lo, v));
}

static __m256i tail_mask(size_t n)
{
	const int32_t m[16] = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };

	return _mm256_loadu_si256((const __m256i *)(m + 8 - (n > 8 ? 8 : n)));
}

static void store_ps(float *out, __m256 v, size_t n)
{
	if (n >= 8)
		_mm256_storeu_ps(out, v);
	else if (n)
		_mm256_maskstore_ps(out, tail_mask(n), v);
}

static __m256 load_ps(const float *p, size_t n)
{
	if (n >= 8)
		return _mm256_loadu_ps(p);
	return n ? _mm256_maskload_ps(p, tail_mask(n)) : _mm256_setzero_ps();
}

static inline __attribute__((always_inline)) void
gemm_f32_block(const struct tm_gemm_f32 *g, const void *const *rows, const int mr, __m256 b0,
	       __m256 b1, const float *w, float *out, size_t ldo, size_t nv)
{
	const __m256 lo = _mm256_set1_ps(g->act_min), hi = _mm256_set1_ps(g->act_max);
	__m256 c0[MR], c1[MR];

	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		c0[r] = b0;
		c1[r] = b1;
	}
	for (size_t s = 0; s < g->nseg; s++) {
		const float *a[MR];

		UNROLL_ROWS
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->seglen; j++, w += 16) {
			__m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);

			UNROLL_ROWS
			for (int r = 0; r < mr; r++) {
				__m256 x = _mm256_broadcast_ss(a[r] + j);

				c0[r] = _mm256_fmadd_ps(x, w0, c0[r]);
				c1[r] = _mm256_fmadd_ps(x, w1, c1[r]);
			}
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		store_ps(out + r * ldo, clamp_ps(c0[r], lo, hi), nv);
		store_ps(out + r * ldo + 8, clamp_ps(c1[r], lo, hi), nv > 8 ? nv - 8 : 0);
	}
}

static void gemm_f32(const struct tm_gemm_f32 *g, const void *const *rows, size_t m,
		     const float *bias, float *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 16) {
		size_t nv = g->n - n0 < 16 ? g->n - n0 : 16, ns = g->nseg;
		const float *wb = g->w + n0 * g->nseg * g->seglen;
		__m256 b0 = bias ? load_ps(bias + n0, nv) : _mm256_setzero_ps();
		__m256 b1 = bias && nv > 8 ? load_ps(bias + n0 + 8, nv - 8) : _mm256_setzero_ps();
		float *o = out + n0;

#define ROWS(r0_, mr_) \
	gemm_f32_block(g, rows + (r0_) * ns, mr_, b0, b1, wb, o + (r0_) * ldo, ldo, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

/* ---- depthwise ------------------------------------------------------------------- */

static void dw_i8(const struct tm_dw_i8 *d, const int8_t *const *in, const int8_t *const *w,
		  size_t ntaps, const int32_t *bias, int8_t *out)
{
	const __m256i zp = _mm256_set1_epi32(d->in_zp);

	for (size_t c0 = 0; c0 < d->c; c0 += 8) {
		size_t nv = d->c - c0 < 8 ? d->c - c0 : 8;
		__m256i acc = _mm256_setzero_si256();

		for (size_t t = 0; t < ntaps; t++) {
			__m256i x = _mm256_sub_epi32(tm_load8_i8(in[t] + c0, nv), zp);

			acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(x, tm_load8_i8(w[t] + c0, nv)));
		}
		if (bias)
			acc = _mm256_add_epi32(acc, tm_load8_i32(bias + c0, nv));
		tm_store8_i8(out + c0, tm_rq_avx2(acc, &d->rq, c0), nv);
	}
}

/* Multiply then add, in tap order: the reference's rounding, bit for bit. */
void tm_avx2_dw_f32(size_t c, const float *const *in, const float *const *w, size_t ntaps,
		    const float *bias, float lo, float hi, float *out)
{
	const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);

	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		__m256 acc = _mm256_setzero_ps();

		for (size_t t = 0; t < ntaps; t++)
			acc = _mm256_add_ps(acc, _mm256_mul_ps(load_ps(in[t] + c0, nv),
							       load_ps(w[t] + c0, nv)));
		if (bias)
			acc = _mm256_add_ps(acc, load_ps(bias + c0, nv));
		store_ps(out + c0, clamp_ps(acc, vlo, vhi), nv);
	}
}

/* ---- panels -------------------------------------------------------------------------- */

/* Panel values x + 128 as int16, 16 at a time. */
static void panel_i8(const int8_t *src, size_t n, void *dst)
{
	const __m256i off = _mm256_set1_epi16(128);
	int16_t *d = dst;
	size_t i = 0;

	for (; i + 16 <= n; i += 16)
		_mm256_storeu_si256((__m256i *)(d + i), _mm256_add_epi16(off,
			_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i)))));
	for (; i < n; i++)
		d[i] = (int16_t)(src[i] + 128);
}

/* ---- pooling ------------------------------------------------------------------------ */

void tm_avx2_max_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out)
{
	const __m256i vlo = _mm256_set1_epi8((char)lo), vhi = _mm256_set1_epi8((char)hi);
	size_t c0 = 0;

	for (; c0 + 32 <= c; c0 += 32) {
		__m256i m = _mm256_set1_epi8(-128);

		for (size_t t = 0; t < ntaps; t++)
			m = _mm256_max_epi8(m, _mm256_loadu_si256((const __m256i *)(in[t] + c0)));
		m = _mm256_min_epi8(_mm256_max_epi8(m, vlo), vhi);
		_mm256_storeu_si256((__m256i *)(out + c0), m);
	}
	for (; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		__m256i m = _mm256_set1_epi32(-128);

		for (size_t t = 0; t < ntaps; t++)
			m = _mm256_max_epi32(m, tm_load8_i8(in[t] + c0, nv));
		m = _mm256_min_epi32(_mm256_max_epi32(m, _mm256_set1_epi32(lo)),
				     _mm256_set1_epi32(hi));
		tm_store8_i8(out + c0, m, nv);
	}
}

/*
 * (sum +/- n/2) / n truncated, as the reference rounds half away from zero.
 * In double the quotient is exact enough: |sum| < 2^31 and a true quotient
 * is at least 1/n < 2^-12 away from the next integer.
 */
static __m256i avg_div(__m256i sum, size_t n)
{
	__m256i half = _mm256_set1_epi32((int32_t)(n / 2));
	__m256i neg = _mm256_cmpgt_epi32(_mm256_set1_epi32(1), sum);   /* sum <= 0 */
	__m256i adj = _mm256_add_epi32(sum, _mm256_sub_epi32(_mm256_xor_si256(half, neg), neg));
	__m256d dn = _mm256_set1_pd((double)n);
	__m128i q0 = _mm256_cvttpd_epi32(_mm256_div_pd(
		_mm256_cvtepi32_pd(_mm256_castsi256_si128(adj)), dn));
	__m128i q1 = _mm256_cvttpd_epi32(_mm256_div_pd(
		_mm256_cvtepi32_pd(_mm256_extracti128_si256(adj, 1)), dn));

	return _mm256_inserti128_si256(_mm256_castsi128_si256(q0), q1, 1);
}

void tm_avx2_avg_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out)
{
	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		__m256i s = _mm256_setzero_si256();

		for (size_t t = 0; t < ntaps; t++)
			s = _mm256_add_epi32(s, tm_load8_i8(in[t] + c0, nv));
		s = avg_div(s, ntaps);
		s = _mm256_min_epi32(_mm256_max_epi32(s, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
		tm_store8_i8(out + c0, s, nv);
	}
}

void tm_avx2_max_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out)
{
	const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);

	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		__m256 m = _mm256_set1_ps(-FLT_MAX);

		/* max(x, m) = x > m ? x : m: a NaN input is skipped, as in the reference. */
		for (size_t t = 0; t < ntaps; t++)
			m = _mm256_max_ps(load_ps(in[t] + c0, nv), m);
		store_ps(out + c0, clamp_ps(m, vlo, vhi), nv);
	}
}

void tm_avx2_avg_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out)
{
	const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
	const __m256 n = _mm256_set1_ps((float)ntaps);

	for (size_t c0 = 0; c0 < c; c0 += 8) {
		size_t nv = c - c0 < 8 ? c - c0 : 8;
		__m256 s = _mm256_setzero_ps();

		for (size_t t = 0; t < ntaps; t++)
			s = _mm256_add_ps(s, load_ps(in[t] + c0, nv));
		store_ps(out + c0, clamp_ps(_mm256_div_ps(s, n), vlo, vhi), nv);
	}
}

/* ---- activations ------------------------------------------------------------------ */

/* x > 0 ? x : x * alpha, as the reference, without its unpredictable branch. */
void tm_avx2_leaky_f32(const float *in, float *out, size_t n, float alpha)
{
	const __m256 va = _mm256_set1_ps(alpha), zero = _mm256_setzero_ps();

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256 x = load_ps(in + i, nv);

		store_ps(out + i, _mm256_blendv_ps(_mm256_mul_ps(x, va), x,
						   _mm256_cmp_ps(x, zero, _CMP_GT_OQ)), nv);
	}
}

void tm_avx2_clamp_f32(const float *in, float *out, size_t n, float lo, float hi)
{
	const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;

		store_ps(out + i, clamp_ps(load_ps(in + i, nv), vlo, vhi), nv);
	}
}

/*
 * out = lut[x + 128], 32 bytes at a time: vpshufb looks up 16 entries by the
 * low nibble, so each of the 16 high-nibble rows of the table is looked up
 * and kept where the high nibble matches.
 */
void tm_avx2_lut_i8(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n)
{
	const __m256i lo_mask = _mm256_set1_epi8(0x0f);
	__m256i rows[16];
	size_t i = 0;

	for (int h = 0; h < 16; h++)
		rows[h] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(lut + 16 * h)));
	for (; i + 32 <= n; i += 32) {
		/* Index x + 128: flipping the sign bit. */
		__m256i x = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(in + i)),
					     _mm256_set1_epi8(-128));
		__m256i lo = _mm256_and_si256(x, lo_mask);
		__m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), lo_mask);
		__m256i r = _mm256_setzero_si256();

		for (int h = 0; h < 16; h++)
			r = _mm256_blendv_epi8(r, _mm256_shuffle_epi8(rows[h], lo),
					       _mm256_cmpeq_epi8(hi, _mm256_set1_epi8((char)h)));
		_mm256_storeu_si256((__m256i *)(out + i), r);
	}
	for (; i < n; i++)
		out[i] = lut[in[i] + 128];
}

/*
 * QUANTIZE float -> int8 as the reference: round(x / scale) in double, half
 * away from zero (trunc, then one more step where the remainder is >= 0.5),
 * NaN -> zp, the quotient held within +-1e9 before the int cast, + zp, clamp.
 */
static __m128i quantize4(__m128 x, __m256d scale, __m128i zp)
{
	const __m256d half = _mm256_set1_pd(0.5), big = _mm256_set1_pd(1e9);
	const __m256d sign = _mm256_set1_pd(-0.0);
	__m256d v = _mm256_div_pd(_mm256_cvtps_pd(x), scale);
	__m256d t = _mm256_round_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
	__m256d away = _mm256_cmp_pd(_mm256_andnot_pd(sign, _mm256_sub_pd(v, t)), half, _CMP_GE_OQ);
	__m256d step = _mm256_or_pd(_mm256_and_pd(v, sign), _mm256_set1_pd(1.0));
	__m256d r = _mm256_add_pd(t, _mm256_and_pd(away, step));
	__m128i q, nan;

	r = _mm256_min_pd(_mm256_max_pd(r, _mm256_sub_pd(_mm256_setzero_pd(), big)), big);
	q = _mm_add_epi32(_mm256_cvttpd_epi32(r), zp);
	nan = _mm_castps_si128(_mm_cmp_ps(x, x, _CMP_UNORD_Q));
	q = _mm_blendv_epi8(q, zp, nan);
	return _mm_min_epi32(_mm_max_epi32(q, _mm_set1_epi32(-128)), _mm_set1_epi32(127));
}

void tm_avx2_quantize_i8(const float *in, int8_t *out, size_t n, float scale, int32_t zp)
{
	const __m256d vs = _mm256_set1_pd((double)scale);
	const __m128i vz = _mm_set1_epi32(zp);

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256 x = load_ps(in + i, nv);
		__m128i lo = quantize4(_mm256_castps256_ps128(x), vs, vz);
		__m128i hi = quantize4(_mm256_extractf128_ps(x, 1), vs, vz);

		tm_store8_i8(out + i, _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), nv);
	}
}

/* ---- elementwise ------------------------------------------------------------------- */

/* 8 int8 operands from @p stepping @s (1, or 0 for a repeated scalar). */
static __m256i operand_i8(const int8_t *p, size_t s, size_t nv)
{
	return s ? tm_load8_i8(p, nv) : _mm256_set1_epi32(*p);
}

static __m256i mbqm_uniform(__m256i x, int32_t q, int shift)
{
	return tm_mbqm_avx2(x, _mm256_set1_epi32(q), _mm256_set1_epi32(shift > 0 ? shift : 0),
			    _mm256_set1_epi32(shift > 0 ? 0 : -shift));
}

static __m256i clamp_epi32(__m256i v, int32_t lo, int32_t hi)
{
	return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
}

void tm_avx2_add_i8(const struct tm_add_params *p, int sign, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n)
{
	const __m256i ao = _mm256_set1_epi32(p->a_offset), bo = _mm256_set1_epi32(p->b_offset);

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256i va = _mm256_add_epi32(operand_i8(a + i * sa, sa, nv), ao);
		__m256i vb = _mm256_add_epi32(operand_i8(b + i * sb, sb, nv), bo);
		__m256i x, y, o;

		x = mbqm_uniform(_mm256_slli_epi32(va, p->left_shift), p->a_mult, p->a_shift);
		y = mbqm_uniform(_mm256_slli_epi32(vb, p->left_shift), p->b_mult, p->b_shift);
		o = sign > 0 ? _mm256_add_epi32(x, y) : _mm256_sub_epi32(x, y);
		o = mbqm_uniform(o, p->out_mult, p->out_shift);
		o = _mm256_add_epi32(o, _mm256_set1_epi32(p->out_offset));
		tm_store8_i8(out + i, clamp_epi32(o, p->act_min, p->act_max), nv);
	}
}

void tm_avx2_mul_i8(const struct tm_mul_params *p, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n)
{
	const __m256i ao = _mm256_set1_epi32(p->a_offset), bo = _mm256_set1_epi32(p->b_offset);

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256i va = _mm256_add_epi32(operand_i8(a + i * sa, sa, nv), ao);
		__m256i vb = _mm256_add_epi32(operand_i8(b + i * sb, sb, nv), bo);
		__m256i o = mbqm_uniform(_mm256_mullo_epi32(va, vb), p->mult, p->shift);

		o = _mm256_add_epi32(o, _mm256_set1_epi32(p->out_offset));
		tm_store8_i8(out + i, clamp_epi32(o, p->act_min, p->act_max), nv);
	}
}

/* 32 int8 operands from @p stepping @s (1, or 0 for a repeated scalar). */
static __m256i operand32_i8(const int8_t *p, size_t s)
{
	return s ? _mm256_loadu_si256((const __m256i *)p) : _mm256_set1_epi8(*p);
}

void tm_avx2_minmax_i8(int is_max, const int8_t *a, size_t sa, const int8_t *b, size_t sb,
		       int8_t *out, size_t n)
{
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i x = operand32_i8(a + i * sa, sa), y = operand32_i8(b + i * sb, sb);

		_mm256_storeu_si256((__m256i *)(out + i),
				    is_max ? _mm256_max_epi8(x, y) : _mm256_min_epi8(x, y));
	}
	for (; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256i x = operand_i8(a + i * sa, sa, nv), y = operand_i8(b + i * sb, sb, nv);

		tm_store8_i8(out + i, is_max ? _mm256_max_epi32(x, y) : _mm256_min_epi32(x, y), nv);
	}
}

void tm_avx2_bin_f32(enum tm_fast_binop op, const float *a, size_t sa, const float *b,
		     size_t sb, float lo, float hi, float *out, size_t n)
{
	const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);

	for (size_t i = 0; i < n; i += 8) {
		size_t nv = n - i < 8 ? n - i : 8;
		__m256 x = sa ? load_ps(a + i, nv) : _mm256_set1_ps(*a);
		__m256 y = sb ? load_ps(b + i, nv) : _mm256_set1_ps(*b);
		__m256 v;

		switch (op) {
		case TM_FAST_ADD: v = _mm256_add_ps(x, y); break;
		case TM_FAST_SUB: v = _mm256_sub_ps(x, y); break;
		case TM_FAST_MUL: v = _mm256_mul_ps(x, y); break;
		/* a > b ? a : b and a < b ? a : b, the reference's forms. */
		case TM_FAST_MAX: v = _mm256_max_ps(x, y); break;
		default: v = _mm256_min_ps(x, y); break;
		}

		store_ps(out + i, clamp_ps(v, vlo, vhi), nv);
	}
}

const struct tm_isa_ops tm_isa_avx2 = {
	.i8_nr = 16, .i8_kr = 2, .i8_a16 = 1, .i8_xoff = 128,
	.gemm_i8 = gemm_i8,
	.f32_nr = 16,
	.gemm_f32 = gemm_f32,
	.dw_i8 = dw_i8,
	.dw_f32 = tm_avx2_dw_f32,
	.max_i8 = tm_avx2_max_i8,
	.avg_i8 = tm_avx2_avg_i8,
	.max_f32 = tm_avx2_max_f32,
	.avg_f32 = tm_avx2_avg_f32,
	.add_i8 = tm_avx2_add_i8,
	.mul_i8 = tm_avx2_mul_i8,
	.bin_f32 = tm_avx2_bin_f32,
	.minmax_i8 = tm_avx2_minmax_i8,
	.leaky_f32 = tm_avx2_leaky_f32,
	.clamp_f32 = tm_avx2_clamp_f32,
	.lut_i8 = tm_avx2_lut_i8,
	.quantize_i8 = tm_avx2_quantize_i8,
	.panel_i8 = panel_i8,
};
