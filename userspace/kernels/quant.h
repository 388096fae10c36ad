/* SPDX-License-Identifier: MIT */
/*
 * quant.h - the integer arithmetic of TFLite's int8 reference, shared by every
 * CPU kernel (and only by them: hw/model re-implements it independently so
 * that device/CPU agreement is a test, not a tautology).
 *
 * real = scale * (q - zero_point). A real multiplier M in (0, 2^31) is held as
 * (q_fixed, shift) with M = q_fixed * 2^(shift - 31), q_fixed in [2^30, 2^31).
 */
#ifndef TM_KERNELS_QUANT_H
#define TM_KERNELS_QUANT_H

#include <stdint.h>

/** tm_quantize_multiplier() - M -> (q_fixed, shift) via frexp, round half away. */
void tm_quantize_multiplier(double m, int32_t *q_fixed, int *shift);

/* (a * b * 2) >> 32 with rounding to nearest (ties up), saturating INT32_MIN^2. */
static inline int32_t tm_srdhm(int32_t a, int32_t b)
{
	if (a == INT32_MIN && b == INT32_MIN)
		return INT32_MAX;
	int64_t ab = (int64_t)a * b;
	int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
	/* Division truncates toward zero, as gemmlowp's reference does. */
	return (int32_t)((ab + nudge) / (1ll << 31));
}

/* x / 2^exponent, rounding half away from zero; exponent in [0, 31]. */
static inline int32_t tm_rounding_divide_by_pot(int32_t x, int exponent)
{
	int32_t mask = (int32_t)((1ll << exponent) - 1);
	int32_t remainder = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * M as TFLite's MultiplyByQuantizedMultiplier. */
static inline int32_t tm_multiply_by_quantized_multiplier(int32_t x, int32_t q_fixed, int shift)
{
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;
	return tm_rounding_divide_by_pot(tm_srdhm((int32_t)((uint32_t)x << left), q_fixed), right);
}

static inline int32_t tm_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

#endif /* TM_KERNELS_QUANT_H */
