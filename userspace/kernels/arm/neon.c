// SPDX-License-Identifier: MIT
/*
 * neon.c - AArch64 Advanced SIMD primitives: the int8 GEMM (int16
 * multiply-accumulate; dotprod.c has the SDOT one) and the float GEMM behind
 * CONV_2D and FULLY_CONNECTED. Panels hold x itself (xoff 0).
 *
 * The other rows (depthwise, pools, elementwise, activations, lookup,
 * QUANTIZE) are in neon_rows.c, shared with the dotprod table.
 */
#include "simd_neon.h"

/* ---- int8 GEMM, plain NEON: int16 elements, weights [blk][kp][8] --------------- */

static inline __attribute__((always_inline)) void
gemm_i8_neon_block(const struct tm_gemm_i8 *g, const void *const *rows, const int mr,
		   int32x4_t b0, int32x4_t b1, const int8_t *w, int8_t *out, size_t ldo,
		   size_t n0, size_t nv)
{
	int32x4_t c0[MR], c1[MR];

	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		c0[r] = b0;
		c1[r] = b1;
	}
	for (size_t s = 0; s < g->nseg; s++) {
		const int16_t *a[MR];

		UNROLL_ROWS
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->segp; j++, w += 8) {
			int16x8_t wv = vmovl_s8(vld1_s8(w));

			UNROLL_ROWS
			for (int r = 0; r < mr; r++) {
				c0[r] = vmlal_n_s16(c0[r], vget_low_s16(wv), a[r][j]);
				c1[r] = vmlal_n_s16(c1[r], vget_high_s16(wv), a[r][j]);
			}
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++)
		store8(out + r * ldo + n0, c0[r], c1[r], &g->rq, n0, nv);
}

static void gemm_i8_neon(const struct tm_gemm_i8 *g, const void *const *rows, size_t m,
			 const int32_t *bias, int8_t *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 8) {
		size_t nv = g->n - n0 < 8 ? g->n - n0 : 8, ns = g->nseg;
		const int8_t *wb = g->w + n0 * g->kp;
		int32x4_t b0, b1;

		bias_init(g, bias, n0, nv, &b0, &b1);
#define ROWS(r0_, mr_) \
	gemm_i8_neon_block(g, rows + (r0_) * ns, mr_, b0, b1, wb, out + (r0_) * ldo, ldo, n0, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

static void panel_i16(const int8_t *src, size_t n, void *dst)
{
	int16_t *d = dst;
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		vst1q_s16(d + i, vmovl_s8(vld1_s8(src + i)));
	for (; i < n; i++)
		d[i] = src[i];
}

/* ---- float GEMM: weights [blk][k][8] ---------------------------------------------- */



static inline __attribute__((always_inline)) void
gemm_f32_block(const struct tm_gemm_f32 *g, const void *const *rows, const int mr,
	       float32x4_t b0, float32x4_t b1, const float *w, float *out, size_t ldo, size_t nv)
{
	const float32x4_t lo = vdupq_n_f32(g->act_min), hi = vdupq_n_f32(g->act_max);
	float32x4_t c0[MR], c1[MR];

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
		for (size_t j = 0; j < g->seglen; j++, w += 8) {
			float32x4_t w0 = vld1q_f32(w), w1 = vld1q_f32(w + 4);

			UNROLL_ROWS
			for (int r = 0; r < mr; r++) {
				c0[r] = vfmaq_n_f32(c0[r], w0, a[r][j]);
				c1[r] = vfmaq_n_f32(c1[r], w1, a[r][j]);
			}
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++) {
		store4_f32(out + r * ldo, clamp4(c0[r], lo, hi), nv);
		store4_f32(out + r * ldo + 4, clamp4(c1[r], lo, hi), nv > 4 ? nv - 4 : 0);
	}
}

void tm_neon_gemm_f32(const struct tm_gemm_f32 *g, const void *const *rows, size_t m,
		      const float *bias, float *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 8) {
		size_t nv = g->n - n0 < 8 ? g->n - n0 : 8, ns = g->nseg;
		const float *wb = g->w + n0 * g->nseg * g->seglen;
		float32x4_t b0 = bias ? load4_f32(bias + n0, nv) : vdupq_n_f32(0.0f);
		float32x4_t b1 = bias && nv > 4 ? load4_f32(bias + n0 + 4, nv - 4) : vdupq_n_f32(0.0f);
		float *o = out + n0;

#define ROWS(r0_, mr_) \
	gemm_f32_block(g, rows + (r0_) * ns, mr_, b0, b1, wb, o + (r0_) * ldo, ldo, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

const struct tm_isa_ops tm_isa_neon = {
	.i8_nr = 8, .i8_kr = 1, .i8_a16 = 1, .i8_xoff = 0,
	.gemm_i8 = gemm_i8_neon,
	.panel_i8 = panel_i16,
	.f32_nr = 8,
	.gemm_f32 = tm_neon_gemm_f32,
	TM_NEON_ROWS
};
