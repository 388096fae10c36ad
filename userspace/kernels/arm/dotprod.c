// SPDX-License-Identifier: MIT
/*
 * dotprod.c - AArch64 int8 GEMM with the dot-product extension (SDOT: four
 * int8 products per int32 lane, wrapping like the reference's sums), built
 * with +dotprod and run only when the kernel reports asimddp. Panels hold x
 * itself (xoff 0): SDOT multiplies signed by signed.
 */
#include "simd_neon.h"

/* ---- int8 GEMM, dot product: int8 elements, weights [blk][kp / 4][8][4] ------------ */

static inline __attribute__((always_inline)) void
gemm_i8_dot_block(const struct tm_gemm_i8 *g, const void *const *rows, const int mr,
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
		const int8_t *a[MR];

		UNROLL_ROWS
		for (int r = 0; r < mr; r++)
			a[r] = rows[r * g->nseg + s];
		for (size_t j = 0; j < g->segp; j += 4, w += 32) {
			int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16);

			UNROLL_ROWS
			for (int r = 0; r < mr; r++) {
				int8x16_t x = vreinterpretq_s8_s32(vdupq_n_s32(tm_ld32(a[r] + j)));

				c0[r] = vdotq_s32(c0[r], x, w0);
				c1[r] = vdotq_s32(c1[r], x, w1);
			}
		}
	}
	UNROLL_ROWS
	for (int r = 0; r < mr; r++)
		store8(out + r * ldo + n0, c0[r], c1[r], &g->rq, n0, nv);
}

static void gemm_i8_dot(const struct tm_gemm_i8 *g, const void *const *rows, size_t m,
			const int32_t *bias, int8_t *out, size_t ldo)
{
	for (size_t n0 = 0; n0 < g->n; n0 += 8) {
		size_t nv = g->n - n0 < 8 ? g->n - n0 : 8, ns = g->nseg;
		const int8_t *wb = g->w + n0 * g->kp;
		int32x4_t b0, b1;

		bias_init(g, bias, n0, nv, &b0, &b1);
#define ROWS(r0_, mr_) \
	gemm_i8_dot_block(g, rows + (r0_) * ns, mr_, b0, b1, wb, out + (r0_) * ldo, ldo, n0, nv)
		TM_ROW_GROUPS(m, MR, ROWS);
#undef ROWS
	}
}

/* Panel bytes are the inputs themselves. */
static void panel_i8(const int8_t *src, size_t n, void *dst)
{
	memcpy(dst, src, n);
}

const struct tm_isa_ops tm_isa_dotprod = {
	.i8_nr = 8, .i8_kr = 4, .i8_a16 = 0, .i8_xoff = 0,
	.gemm_i8 = gemm_i8_dot,
	.panel_i8 = panel_i8,
	.f32_nr = 8,
	.gemm_f32 = tm_neon_gemm_f32,
	TM_NEON_ROWS
};
