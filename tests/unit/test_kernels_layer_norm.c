// SPDX-License-Identifier: MIT
/*
 * test_kernels_layer_norm.c - the LAYER_NORM reference kernel against numpy
 * golden data (tests/golden/gen_golden_layer_norm.py, float64 from the
 * definition): within 2e-6 relative (one float rounding of a double result).
 */
#include <math.h>
#include <stdlib.h>
#include "layer_norm.h"
#include "layer_norm_golden.h"
#include "tm_test.h"

static int run_case(const struct ln_case *c)
{
	size_t n = (size_t)c->outer * (size_t)c->inner;
	float *y = malloc(sizeof(float) * n);
	int bad = 0;

	tm_layer_norm_f32_ref(c->x, c->affine ? c->g : NULL, c->affine ? c->b : NULL, y,
			      (size_t)c->outer, (size_t)c->inner, c->eps);
	for (size_t i = 0; i < n; i++)
		bad += !(fabsf(y[i] - c->y[i]) <= 2e-6f * (1 + fabsf(c->y[i])));
	free(y);
	return bad;
}

static void test_kernels_layer_norm_golden(void)
{
	for (size_t i = 0; i < sizeof(ln_cases) / sizeof(ln_cases[0]); i++) {
		int bad = run_case(&ln_cases[i]);
		if (bad)
			fprintf(stderr, "case %zu: %d elements off\n", i, bad);
		CHECK_EQ(bad, 0);
	}
}

int main(void)
{
	TM_RUN(test_kernels_layer_norm_golden);
	TM_TEST_EXIT();
}
