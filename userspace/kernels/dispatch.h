/* SPDX-License-Identifier: MIT */
/*
 * dispatch.h - the optimised CPU kernels and the dispatcher that picks them.
 *
 * Each instruction set (ISA) provides a handful of primitives (struct
 * tm_isa_ops): an int8 and a float32 GEMM over packed weights, depthwise and
 * pooling reductions over a list of taps, elementwise ADD/SUB/MUL/MAXIMUM/
 * MINIMUM rows, float activations, the int8 table lookup and QUANTIZE. The
 * ISA-neutral drivers here (dispatch.c) turn CONV_2D, DEPTHWISE_CONV_2D
 * (multiplier 1), FULLY_CONNECTED, the pools and the binary ops into calls
 * of those primitives, as dispatch_mm.c does float BATCH_MATMUL; the op
 * glue calls the row primitives directly. int8 BATCH_MATMUL runs the
 * reference kernel.
 *
 * The op glue consults the dispatcher once, in prepare: tm_fast_*_init()
 * packs the weights into persistent memory the caller allocated (sized by
 * tm_fast_*_size()) and fixes the ISA's functions in it, so eval costs one
 * indirect call and nothing else. int8 results equal the reference kernels
 * bit for bit; float results differ only in the summation order of the GEMM
 * (fused multiply-add), the pools, depthwise and elementwise are exact.
 *
 * TM_CPU=ref|avx2|vnni|neon|dotprod in the environment forces a variant.
 */
#ifndef TM_KERNELS_DISPATCH_H
#define TM_KERNELS_DISPATCH_H

#include <stddef.h>
#include <stdint.h>
#include "elementwise.h"
#include "nn.h"

enum tm_isa {
	TM_ISA_REF,       /* the plain C reference kernels */
	TM_ISA_AVX2,      /* x86-64 AVX2 + FMA */
	TM_ISA_VNNI,      /* x86-64 AVX-512 F/BW/VL + VNNI */
	TM_ISA_NEON,      /* AArch64 Advanced SIMD */
	TM_ISA_DOTPROD,   /* AArch64 Advanced SIMD + dot product (SDOT) */
	TM_ISA_COUNT,
};

/** @return "ref", "avx2", ... */
const char *tm_isa_name(enum tm_isa isa);
/** @return 1 if this build has @isa's kernels and this CPU can run them. */
int tm_isa_supported(enum tm_isa isa);
/**
 * tm_isa_select() - the ISA prepare should use: TM_CPU if set, else the best
 * supported one.
 * @return an enum tm_isa, or -EINVAL if TM_CPU names nothing this build and
 *         CPU support (@why then says so).
 */
int tm_isa_select(const char **why);

/* ---- the primitives an ISA provides --------------------------------------- */

/* Per-channel requantization, arrays padded to the ISA's vector width. */
struct tm_rq {
	const int32_t *q_fixed;
	const int32_t *lshift, *rshift;  /* max(shift, 0), max(-shift, 0) */
	int32_t out_zp, act_min, act_max;
};

/*
 * The GEMMs' A operand: row r (an output pixel) is nseg segments, at
 * rows[r * nseg + s]; the reduction index runs through the segments in order.
 */

/**
 * struct tm_gemm_i8 - packed int8 weights for out = requant(A . W^T + corr + bias).
 * @w: [ceil(n / nr)][kp / kr][nr][kr]; zero beyond n, and in each segment's tail.
 * @corr: per channel, -(in_zp + xoff) * sum(w): A holds x + xoff (see dispatch.c).
 * @n: output channels; @nseg, @segp: segments per row and their padded length
 *     (a multiple of kr; A may be read up to segp - 1 elements past a segment's
 *     data, against zero weights); @kp = nseg * segp.
 */
struct tm_gemm_i8 {
	const int8_t *w;
	const int32_t *corr;
	struct tm_rq rq;
	size_t n, nseg, segp, kp;
};

/** struct tm_gemm_f32 - packed float weights [ceil(n / nr)][nseg * seglen][nr]. */
struct tm_gemm_f32 {
	const float *w;
	size_t n, nseg, seglen;
	float act_min, act_max;
};

/** struct tm_dw_i8 - one depthwise pixel: channels and requantization. */
struct tm_dw_i8 {
	size_t c;
	int32_t in_zp;
	struct tm_rq rq;
};

enum tm_fast_binop { TM_FAST_ADD, TM_FAST_SUB, TM_FAST_MUL, TM_FAST_MAX, TM_FAST_MIN };

/*
 * An ISA's table may leave a family out (NULL): the GEMMs are always there;
 * depthwise, the pools (all four), the binary rows (all four), the float
 * activations (both), the table lookup and QUANTIZE are optional, and their
 * ops then run the reference kernels.
 */
struct tm_isa_ops {
	/*
	 * int8 GEMM over m rows of segment pointers; elements are uint8 (x +
	 * i8_xoff) or, when i8_a16, int16 (same values); @bias may be NULL; out
	 * rows are ldo apart.
	 */
	unsigned i8_nr, i8_kr, i8_a16;
	int32_t i8_xoff;
	void (*gemm_i8)(const struct tm_gemm_i8 *g, const void *const *rows, size_t m,
			const int32_t *bias, int8_t *out, size_t ldo);
	/* @n inputs into a panel row as its elements (x + i8_xoff). */
	void (*panel_i8)(const int8_t *src, size_t n, void *dst);
	/* float GEMM over m rows of segment pointers. */
	unsigned f32_nr;
	void (*gemm_f32)(const struct tm_gemm_f32 *g, const void *const *rows, size_t m,
			 const float *bias, float *out, size_t ldo);
	/* One output pixel of depthwise (multiplier 1) over @ntaps (input, weight) rows. */
	void (*dw_i8)(const struct tm_dw_i8 *d, const int8_t *const *in, const int8_t *const *w,
		      size_t ntaps, const int32_t *bias, int8_t *out);
	void (*dw_f32)(size_t c, const float *const *in, const float *const *w, size_t ntaps,
		       const float *bias, float lo, float hi, float *out);
	/* One output pixel of a pool over @ntaps input rows of @c channels. */
	void (*max_i8)(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		       int8_t *out);
	void (*avg_i8)(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		       int8_t *out);
	void (*max_f32)(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
			float *out);
	void (*avg_f32)(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
			float *out);
	/* Rows of @n outputs; an operand's step is 1, or 0 when it repeats. */
	void (*add_i8)(const struct tm_add_params *p, int sign, const int8_t *a, size_t sa,
		       const int8_t *b, size_t sb, int8_t *out, size_t n);
	void (*mul_i8)(const struct tm_mul_params *p, const int8_t *a, size_t sa,
		       const int8_t *b, size_t sb, int8_t *out, size_t n);
	void (*bin_f32)(enum tm_fast_binop op, const float *a, size_t sa, const float *b,
			size_t sb, float lo, float hi, float *out, size_t n);
	/* MAXIMUM/MINIMUM of raw int8 codes. */
	void (*minmax_i8)(int is_max, const int8_t *a, size_t sa, const int8_t *b, size_t sb,
			  int8_t *out, size_t n);
	/* LEAKY_RELU and RELU/RELU6/CLIP in float, as the reference computes them. */
	void (*leaky_f32)(const float *in, float *out, size_t n, float alpha);
	void (*clamp_f32)(const float *in, float *out, size_t n, float lo, float hi);
	/* out = lut[x + 128]: every int8 activation the op glue tabulates. */
	void (*lut_i8)(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n);
	/* QUANTIZE float -> int8, as tm_quantize_f32_int8_ref(). */
	void (*quantize_i8)(const float *in, int8_t *out, size_t n, float scale, int32_t zp);
};

/*
 * For the ISA files' GEMMs: BLOCK(r0, mr) over m rows in groups of MR (at most
 * 8), the last group with its own size, always as a constant, so an
 * always-inline block unrolls fully for each size instead of repeating rows.
 */
#define TM_RG_CASE(k, MR, BLOCK, r0) case k: BLOCK(r0, (k) < (MR) ? (k) : (MR)); break;
#define TM_ROW_GROUPS(m, MR, BLOCK) do { \
	size_t r0_ = 0; \
	for (; r0_ + (MR) <= (m); r0_ += (MR)) \
		BLOCK(r0_, MR); \
	switch ((m) - r0_) { \
	TM_RG_CASE(7, MR, BLOCK, r0_) TM_RG_CASE(6, MR, BLOCK, r0_) \
	TM_RG_CASE(5, MR, BLOCK, r0_) TM_RG_CASE(4, MR, BLOCK, r0_) \
	TM_RG_CASE(3, MR, BLOCK, r0_) TM_RG_CASE(2, MR, BLOCK, r0_) \
	TM_RG_CASE(1, MR, BLOCK, r0_) \
	} \
} while (0)

/** @return @isa's primitives, NULL for TM_ISA_REF or when not supported. */
const struct tm_isa_ops *tm_isa_ops_get(enum tm_isa isa);

/* Per-ISA tables (each defined in its own file, built only where it can run). */
extern const struct tm_isa_ops tm_isa_avx2;
extern const struct tm_isa_ops tm_isa_vnni;
extern const struct tm_isa_ops tm_isa_neon;
extern const struct tm_isa_ops tm_isa_dotprod;

/* ---- the ops: prepare once, run many times ---------------------------------- */

/*
 * CONV_2D and FULLY_CONNECTED (as a 1x1 convolution over batch "pixels"),
 * int8 or float32. size() returns 0 when @isa has no fast path for the op
 * (the caller then runs the reference kernel). init() packs @w (int8 in any
 * stored encoding; float when @wf) into @mem and reports the eval scratch.
 * The bias stays with the caller and may change between runs; weights may not.
 */
struct tm_fast_conv;
size_t tm_fast_conv_size(enum tm_isa isa, const struct tm_conv_params *p,
			 const struct tm_nn_weights *w, int is_float);
const struct tm_fast_conv *tm_fast_conv_init(void *mem, enum tm_isa isa,
					     const struct tm_conv_params *p,
					     const struct tm_nn_quant *q,
					     const struct tm_nn_weights *w, const float *wf,
					     size_t *scratch);
void tm_fast_conv_int8(const struct tm_fast_conv *f, const int8_t *in, const int32_t *bias,
		       int8_t *out, void *scratch);
void tm_fast_conv_f32(const struct tm_fast_conv *f, const float *in, const float *bias,
		      float *out, void *scratch);

/* FULLY_CONNECTED's geometry as the 1x1 convolution tm_fast_conv_* runs. */
void tm_fast_fc_geometry(const struct tm_fc_params *fc, struct tm_conv_params *p);

/* DEPTHWISE_CONV_2D with depth multiplier 1 (others: size() is 0). */
struct tm_fast_dw;
size_t tm_fast_dw_size(enum tm_isa isa, const struct tm_conv_params *p,
		       const struct tm_nn_weights *w, int is_float);
const struct tm_fast_dw *tm_fast_dw_init(void *mem, enum tm_isa isa,
					 const struct tm_conv_params *p,
					 const struct tm_nn_quant *q,
					 const struct tm_nn_weights *w, const float *wf,
					 size_t *scratch);
void tm_fast_dw_int8(const struct tm_fast_dw *f, const int8_t *in, const int32_t *bias,
		     int8_t *out, void *scratch);
void tm_fast_dw_f32(const struct tm_fast_dw *f, const float *in, const float *bias,
		    float *out, void *scratch);

/*
 * float BATCH_MATMUL without adj_x (dispatch_mm.c): B is an operand, laid out
 * for the GEMM in scratch per run; size() is 0 where there is no fast path.
 */
struct tm_fast_mm;
size_t tm_fast_mm_size(enum tm_isa isa, const struct tm_matmul_params *p);
const struct tm_fast_mm *tm_fast_mm_init(void *mem, enum tm_isa isa,
					 const struct tm_matmul_params *p, size_t *scratch);
void tm_fast_mm_f32(const struct tm_fast_mm *f, const float *a, const float *b, float *out,
		    void *scratch);

/* MAX/AVG_POOL_2D: no packing, only the choice; @scratch: the tap list. */
size_t tm_fast_pool_scratch(const struct tm_pool_params *p);
void tm_fast_pool_int8(const struct tm_isa_ops *ops, int avg, const struct tm_pool_params *p,
		       int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out,
		       void *scratch);
void tm_fast_pool_f32(const struct tm_isa_ops *ops, int avg, const struct tm_pool_params *p,
		      const float *in, float *out, void *scratch);

/*
 * ADD/SUB/MUL over a broadcast: the fast rows serve every broadcast whose
 * innermost axis steps each operand by 1 or 0; tm_fast_bcast_ok() says
 * whether @bc is one.
 */
int tm_fast_bcast_ok(const struct tm_bcast *bc);
void tm_fast_add_int8(const struct tm_isa_ops *ops, const struct tm_add_params *p, int sign,
		      const struct tm_bcast *bc, const int8_t *a, const int8_t *b, int8_t *out);
void tm_fast_mul_int8(const struct tm_isa_ops *ops, const struct tm_mul_params *p,
		      const struct tm_bcast *bc, const int8_t *a, const int8_t *b, int8_t *out);
void tm_fast_bin_f32(const struct tm_isa_ops *ops, enum tm_fast_binop op,
		     const struct tm_bcast *bc, const float *a, const float *b, float lo,
		     float hi, float *out);
void tm_fast_minmax_int8(const struct tm_isa_ops *ops, int is_max, const struct tm_bcast *bc,
			 const int8_t *a, const int8_t *b, int8_t *out);

#endif /* TM_KERNELS_DISPATCH_H */
