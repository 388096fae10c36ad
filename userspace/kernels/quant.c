// SPDX-License-Identifier: MIT
#include <math.h>
#include "quant.h"

void tm_quantize_multiplier(double m, int32_t *q_fixed, int *shift)
{
	if (m == 0.0) {
		*q_fixed = 0;
		*shift = 0;
		return;
	}
	double q = frexp(m, shift);
	int64_t qf = (int64_t)round(q * (double)(1ll << 31)); /* round(): half away */
	if (qf == (1ll << 31)) {
		qf /= 2;
		++*shift;
	}
	if (*shift < -31) { /* too small to represent: the product is 0 */
		*shift = 0;
		qf = 0;
	}
	*q_fixed = (int32_t)qf;
}
