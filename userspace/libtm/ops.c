// SPDX-License-Identifier: MIT
/*
 * ops.c - the table from opcode to its CPU implementation. Each op family's
 * glue (ops_*.c) validates an op in prepare and calls the kernels in eval.
 */
#include "ops.h"

static const struct tm_op_impl *const op_impls[TM_OP_COUNT] = {
	/* ops_nn.c: convolutions, fully connected, matmul, pooling */
	/* ops_elementwise.c: arithmetic, activations, reductions, shape ops, (de)quantize */
};

const struct tm_op_impl *tm_op_impl_get(unsigned opcode)
{
	return opcode < TM_OP_COUNT ? op_impls[opcode] : NULL;
}
