// SPDX-License-Identifier: MIT
/*
 * avx512_vnni.c - x86-64 AVX-512 (F, BW, VL) + VNNI primitives, built with
 * those -m flags and run only when CPUID reports all of them. vpdpbusd
 * multiplies the unsigned panel bytes (x + 128) by the signed weights and adds
 * four products into each int32 lane without saturation, so the int8 GEMM
 * wraps exactly like the reference. Pools and elementwise rows reuse the AVX2
 * code (VNNI machines have AVX2; those loops are memory bound).
 */
#include "simd_avx2.h"
#include "x86.h"

#define MR 4
/* Row loops must unroll fully, or the accumulators live in memory. */
#define UNROLL_ROWS _Pragma("GCC unroll 4")

static __mmask16 lanes(size_t n)
{
	return n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1);
}

/* The 16-lane twin of tm_srdhm_avx2() / tm_rdivpot_avx2() (see there). */
static __m512i mbqm512(__m512i x, __m512i q, __m512i ls, __m512i rs)
{
	const __m512i nudge = _mm512_set1_epi64(1ll << 30), one = _mm512_set1_epi32(1);
	__m512i ev, od, r, mask, rem, thr;

	x = _mm512_sllv_epi32(x, ls);
	ev = _mm512_add_epi64(_mm512_mul_epi32(x, q), nudge);
	od = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(q, 32)),
			      nudge);
	r = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(ev, 31), _mm512_slli_epi64(od, 1));
	r = _mm512_mask_sub_epi32(r, _mm512_cmpeq_epi32_mask(r, _mm512_set1_epi32(INT32_MIN)), r,
				  one);
	mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rs), one);
	rem = _mm512_and_si512(r, mask);
	thr = _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(r, 31));
	r = _mm512_srav_epi32(r, rs);
	return _mm512_mask_add_epi32(r, _mm512_cmpgt_epi32_mask(rem, thr), r, one);
}

static __m512i rq512(__m512i acc, const struct tm_rq *rq, size_t c)
{
	__m512i v = mbqm512(acc, _mm512_loadu_si512(rq->q_fixed + c),
			    _mm512_loadu_si512(rq->lshift + c), _mm512_loadu_si512(rq->rshift + c));

	v = _mm512_add_epi32(v, _mm512_set1_epi32(rq->out_zp));
	v = _mm512_max_epi32(v, _mm512_set1_epi32(rq->act_min));
	return _mm512_min_epi32(v, _mm512_set1_epi32(rq->act_max));
}

static void store16_i8(int8_t *out, __m512i v, size_t n)
{
	_mm_mask_storeu_epi8(out, lanes(n), _mm512_cvtsepi32_epi8(v));
}

/* ---- int8 GEMM: uint8 elements, weights [blk][kp / 4][16][4] ----------------- */

/* A single row: four partial sums (exact: int32 sums wrap associatively). */
static void gemm_i8_row(const struct tm_gemm_i8 *g, const void *const *rows, __m512i init,
			const int8_t *w, int8_t *out, size_t n0, size_t nv)
{
	__m512i c0 = init, c1 = _mm512_setzero_si512(), c2 = c1, c3 = c1;

	for (size_t s = 0; s < g->nseg; s++) {
		const uint8_t *a = rows[s];
		size_t j = 0;

		for (; j + 16 <= g->segp; j += 16, w += 256) {
			c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(tm_ld32(a + j)),
						 _mm512_loadu_si512(w));
			c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(tm_ld32(a + j + 4)),
						 _mm512_loadu_si512(w + 64));
			c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(tm_ld32(a + j + 8)),
						 _mm512_loadu_si512(w + 128));
			c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(tm_ld32(a + j + 12)),
						 _mm512_loadu_si512(w + 192));
		}
		for (; j < g->segp; j += 4, w += 64)
			c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(tm_ld32(a + j)),
						 _mm512_loadu_si512(w));
	}
	c0 = _mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3));
	store16_i8(out + n0, rq512(c0, &g->rq, n0), nv);
}

static inline __attribute__((always_inline)) void
gemm_i8_block(const struct tm_gemm_i8 *g, const void *const *rows, const int mr, __m512i init,
	      const int8_t *w, int8_t *out, size_t ldo, size_t n0, size_t nv)
{
	__m512i acc[MR];

	if (mr == 1) {
		gemm_i8_row(g, rows, init, w, out, n0, nv);
		return;
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++)
		acc[r] = init;
	for (size_t s = 0; s < g->nseg; s++) {
		const uint8_t *a[MR];

		UNROLL_ROWS
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->segp; j += 4, w += 64) {
			__m512i wv = _mm512_loadu_si512(w);

			UNROLL_ROWS
			for (int r = 0; r < mr; r++)
				acc[r] = _mm512_dpbusd_epi32(acc[r],
					_mm512_set1_epi32(tm_ld32(a[r] + j)), wv);
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++)
		store16_i8(out + r * ldo + n0, rq512(acc[r], &g->rq, n0), nv);
}

static void gemm_i8(const struct tm_gemm_i8 *g, const void *const *rows, size_t m,
		    const int32_t *bias, int8_t *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 16) {
		size_t nv = g->n - n0 < 16 ? g->n - n0 : 16, ns = g->nseg;
		const int8_t *wb = g->w + n0 * g->kp;
		__m512i init = _mm512_loadu_si512(g->corr + n0);

		if (bias)
			init = _mm512_add_epi32(init, _mm512_maskz_loadu_epi32(lanes(nv), bias + n0));
#define ROWS(r0_, mr_) \
	gemm_i8_block(g, rows + (r0_) * ns, mr_, init, wb, out + (r0_) * ldo, ldo, n0, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

/* Panel bytes x + 128 (mod 256: the sign bit flipped), 64 at a time. */
static void panel_i8(const int8_t *src, size_t n, void *dst)
{
	const __m512i flip = _mm512_set1_epi8(-128);
	uint8_t *d = dst;

	for (size_t i = 0; i < n; i += 64) {
		__mmask64 k = n - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - i)) - 1;

		_mm512_mask_storeu_epi8(d + i, k, _mm512_xor_si512(flip,
					_mm512_maskz_loadu_epi8(k, src + i)));
	}
}

/* ---- float GEMM: weights [blk][k][16] ------------------------------------------- */

/*
 * One vector of 16 channels by up to 8 rows: narrow blocks waste fewer lanes
 * on these models' 24..96 channels than 32-wide ones, and 8 rows still give
 * 8 independent FMA chains.
 */
#define MR_F32 8

static __m512 clamp512(__m512 v, __m512 lo, __m512 hi)
{
	return _mm512_min_ps(hi, _mm512_max_ps(lo, v));
}

/*
 * A single row (FULLY_CONNECTED at batch 1): four partial sums over
 * alternating k, so four FMA chains overlap instead of one waiting on
 * itself; they are added at the end (a different summation order, within
 * the float tolerance).
 */
static void gemm_f32_row(const struct tm_gemm_f32 *g, const void *const *rows, __m512 b0,
			 const float *w, float *out, __mmask16 k0)
{
	__m512 c0 = b0, c1 = _mm512_setzero_ps(), c2 = c1, c3 = c1;

	for (size_t s = 0; s < g->nseg; s++) {
		const float *a = rows[s];
		size_t j = 0;

		for (; j + 4 <= g->seglen; j += 4, w += 64) {
			c0 = _mm512_fmadd_ps(_mm512_set1_ps(a[j]), _mm512_loadu_ps(w), c0);
			c1 = _mm512_fmadd_ps(_mm512_set1_ps(a[j + 1]), _mm512_loadu_ps(w + 16), c1);
			c2 = _mm512_fmadd_ps(_mm512_set1_ps(a[j + 2]), _mm512_loadu_ps(w + 32), c2);
			c3 = _mm512_fmadd_ps(_mm512_set1_ps(a[j + 3]), _mm512_loadu_ps(w + 48), c3);
		}
		for (; j < g->seglen; j++, w += 16)
			c0 = _mm512_fmadd_ps(_mm512_set1_ps(a[j]), _mm512_loadu_ps(w), c0);
	}
	c0 = _mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3));
	_mm512_mask_storeu_ps(out, k0, clamp512(c0, _mm512_set1_ps(g->act_min),
						_mm512_set1_ps(g->act_max)));
}

static inline __attribute__((always_inline)) void
gemm_f32_block(const struct tm_gemm_f32 *g, const void *const *rows, const int mr, __m512 b0,
	       const float *w, float *out, size_t ldo, __mmask16 k0)
{
	const __m512 lo = _mm512_set1_ps(g->act_min), hi = _mm512_set1_ps(g->act_max);
	__m512 c[MR_F32];

	if (mr == 1) {
		gemm_f32_row(g, rows, b0, w, out, k0);
		return;
	}
	_Pragma("GCC unroll 8")
	for (int r = 0; r < mr; r++)
		c[r] = b0;
	for (size_t s = 0; s < g->nseg; s++) {
		const float *a[MR_F32];

		_Pragma("GCC unroll 8")
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->seglen; j++, w += 16) {
			__m512 wv = _mm512_loadu_ps(w);

			_Pragma("GCC unroll 8")
			for (int r = 0; r < mr; r++)
				c[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r][j]), wv, c[r]);
		}
	}
	_Pragma("GCC unroll 8")
	for (int r = 0; r < mr; r++)
		_mm512_mask_storeu_ps(out + r * ldo, k0, clamp512(c[r], lo, hi));
}

static void gemm_f32(const struct tm_gemm_f32 *g, const void *const *rows, size_t m,
		     const float *bias, float *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 16) {
		size_t nv = g->n - n0 < 16 ? g->n - n0 : 16, ns = g->nseg;
		__mmask16 k0 = lanes(nv);
		const float *wb = g->w + n0 * g->nseg * g->seglen;
		__m512 b0 = bias ? _mm512_maskz_loadu_ps(k0, bias + n0) : _mm512_setzero_ps();
		float *o = out + n0;

#define ROWS(r0_, mr_) \
	gemm_f32_block(g, rows + (r0_) * ns, mr_, b0, wb, o + (r0_) * ldo, ldo, k0)
		TM_ROW_GROUPS(m, MR_F32, ROWS);
#undef ROWS
	}
}

/*
 * The table lookup, 64 codes at a time: vpshufb looks up 16 entries by the
 * low nibble; the high nibble picks, by mask, which of the 16 rows lands.
 */
static void lut_i8(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n)
{
	const __m512i lo_mask = _mm512_set1_epi8(0x0f), flip = _mm512_set1_epi8(-128);
	__m512i rows[16];

	for (int h = 0; h < 16; h++)
		rows[h] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(lut + 16 * h)));
	for (size_t i = 0; i < n; i += 64) {
		__mmask64 k = n - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - i)) - 1;
		__m512i x = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, in + i), flip);
		__m512i lo = _mm512_and_si512(x, lo_mask);
		__m512i hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), lo_mask);
		__m512i r = _mm512_setzero_si512();

		for (int h = 0; h < 16; h++)
			r = _mm512_mask_shuffle_epi8(r, _mm512_cmpeq_epi8_mask(hi, _mm512_set1_epi8((char)h)),
						     rows[h], lo);
		_mm512_mask_storeu_epi8(out + i, k, r);
	}
}

/* ---- depthwise ------------------------------------------------------------------- */

static void dw_i8(const struct tm_dw_i8 *d, const int8_t *const *in, const int8_t *const *w,
		  size_t ntaps, const int32_t *bias, int8_t *out)
{
	const __m512i zp = _mm512_set1_epi32(d->in_zp);

	for (size_t c0 = 0; c0 < d->c; c0 += 16) {
		size_t nv = d->c - c0 < 16 ? d->c - c0 : 16;
		__mmask16 k = lanes(nv);
		__m512i acc = _mm512_setzero_si512();

		for (size_t t = 0; t < ntaps; t++) {
			__m512i x = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, in[t] + c0));
			__m512i wv = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, w[t] + c0));

			acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(_mm512_sub_epi32(x, zp), wv));
		}
		if (bias)
			acc = _mm512_add_epi32(acc, _mm512_maskz_loadu_epi32(k, bias + c0));
		store16_i8(out + c0, rq512(acc, &d->rq, c0), nv);
	}
}

const struct tm_isa_ops tm_isa_vnni = {
	.i8_nr = 16, .i8_kr = 4, .i8_a16 = 0, .i8_xoff = 128,
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
	.lut_i8 = lut_i8,
	.quantize_i8 = tm_avx2_quantize_i8,
	.panel_i8 = panel_i8,
};
