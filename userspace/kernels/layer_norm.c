// SPDX-License-Identifier: MIT
/*
 * layer_norm.c - LAYER_NORM, the one-op form of the written-out
 * ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) pattern.
 *
 * Mean and variance are accumulated in double (two passes, so the variance
 * never cancels catastrophically); the result is rounded to float once per
 * element, which makes it at least as accurate as the float op chain it
 * replaces.
 */
#include <math.h>
#include "layer_norm.h"

void tm_layer_norm_f32_ref(const float *x, const float *gamma, const float *beta, float *y,
			   size_t outer, size_t inner, float eps)
{
	for (size_t r = 0; r < outer; r++, x += inner, y += inner) {
		double mean = 0, var = 0;

		for (size_t i = 0; i < inner; i++)
			mean += x[i];
		mean /= (double)inner;
		for (size_t i = 0; i < inner; i++)
			var += ((double)x[i] - mean) * ((double)x[i] - mean);
		var /= (double)inner;
		double inv = 1.0 / sqrt(var + (double)eps);
		for (size_t i = 0; i < inner; i++) {
			double v = ((double)x[i] - mean) * inv;
			if (gamma)
				v *= gamma[i];
			if (beta)
				v += beta[i];
			y[i] = (float)v;
		}
	}
}
