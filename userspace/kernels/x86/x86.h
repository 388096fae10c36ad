/* SPDX-License-Identifier: MIT */
/*
 * x86.h - the AVX2 primitives the AVX-512 table reuses where wider vectors
 * buy nothing (pooling and elementwise rows are memory bound).
 */
#ifndef TM_KERNELS_X86_H
#define TM_KERNELS_X86_H

#include "dispatch.h"

void tm_avx2_max_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out);
void tm_avx2_avg_i8(const int8_t *const *in, size_t ntaps, size_t c, int32_t lo, int32_t hi,
		    int8_t *out);
void tm_avx2_max_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out);
void tm_avx2_avg_f32(const float *const *in, size_t ntaps, size_t c, float lo, float hi,
		     float *out);
void tm_avx2_add_i8(const struct tm_add_params *p, int sign, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n);
void tm_avx2_mul_i8(const struct tm_mul_params *p, const int8_t *a, size_t sa,
		    const int8_t *b, size_t sb, int8_t *out, size_t n);
void tm_avx2_bin_f32(enum tm_fast_binop op, const float *a, size_t sa, const float *b,
		     size_t sb, float lo, float hi, float *out, size_t n);
void tm_avx2_minmax_i8(int is_max, const int8_t *a, size_t sa, const int8_t *b, size_t sb,
		       int8_t *out, size_t n);
void tm_avx2_leaky_f32(const float *in, float *out, size_t n, float alpha);
void tm_avx2_clamp_f32(const float *in, float *out, size_t n, float lo, float hi);
void tm_avx2_lut_i8(const int8_t lut[256], const int8_t *in, int8_t *out, size_t n);
void tm_avx2_quantize_i8(const float *in, int8_t *out, size_t n, float scale, int32_t zp);
void tm_avx2_dw_f32(size_t c, const float *const *in, const float *const *w, size_t ntaps,
		    const float *bias, float lo, float hi, float *out);

#endif /* TM_KERNELS_X86_H */
