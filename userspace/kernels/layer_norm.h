/* SPDX-License-Identifier: MIT */
/*
 * layer_norm.h - reference CPU kernel of LAYER_NORM (float32).
 */
#ifndef TM_KERNELS_LAYER_NORM_H
#define TM_KERNELS_LAYER_NORM_H

#include <stddef.h>

/**
 * tm_layer_norm_f32_ref() - normalize @outer rows of @inner elements:
 * y = (x - mean) / sqrt(var + @eps) * gamma + beta, var the biased variance.
 * @gamma, @beta: @inner values each, or NULL for 1 and 0.
 */
void tm_layer_norm_f32_ref(const float *x, const float *gamma, const float *beta, float *y,
			   size_t outer, size_t inner, float eps);

#endif /* TM_KERNELS_LAYER_NORM_H */
