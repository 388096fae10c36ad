// SPDX-License-Identifier: MIT
/*
 * ops_common.c - checks every op family's prepare shares (declared in ops.h).
 * Each fails through tm_op_fail(), so the runtime's error names the op.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include "ops.h"

/*
 * tm_multiply_by_quantized_multiplier() shifts its int32 argument left by
 * max(shift, 0) before the fixed-point multiply, and the kernels then add a
 * zero point. A shift above 31 is undefined in C; a smaller one still wraps
 * when |x| << shift leaves int32 (the result is then garbage, in TFLite too).
 * So a multiplier is accepted only if every |x| <= @x_max the kernel can feed
 * it, shifted, stays below INT32_MAX with room for a zero point of up to 255.
 * @x_max 0: the operand's range is not known here (accumulators); only the
 * shift itself is checked.
 */
int tm_op_check_mult(struct tm_op_ctx *ctx, const char *what, int32_t q_fixed, int shift,
		     int64_t x_max)
{
	double m = ldexp((double)q_fixed, shift - 31);

	if (shift > 31)
		return tm_op_fail(ctx, "%s multiplier %g is too large (shift %d > 31)", what, m,
				  shift);
	if (x_max > 0 && shift > 0 && (x_max << shift) > INT32_MAX - 255)
		return tm_op_fail(ctx, "%s multiplier %g is too large: operands up to %lld "
				  "overflow int32 when shifted left by %d", what, m,
				  (long long)x_max, shift);
	return 0;
}
