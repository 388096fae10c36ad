// SPDX-License-Identifier: MIT
/*
 * ops.c - the table from opcode to its CPU implementation. Each op family's
 * glue (ops_*.c) validates an op in prepare and calls the kernels in eval.
 */
#include "ops.h"

static const struct tm_op_impl *const op_impls[TM_OP_COUNT] = {
	/* ops_nn.c: convolutions, fully connected, matmul, pooling */
	[TM_OP_CONV_2D] = &tm_op_conv_2d,
	[TM_OP_DEPTHWISE_CONV_2D] = &tm_op_depthwise_conv_2d,
	[TM_OP_FULLY_CONNECTED] = &tm_op_fully_connected,
	[TM_OP_BATCH_MATMUL] = &tm_op_batch_matmul,
	[TM_OP_MAX_POOL_2D] = &tm_op_max_pool_2d,
	[TM_OP_AVG_POOL_2D] = &tm_op_avg_pool_2d,
	/* ops_elementwise.c: arithmetic, activations, reductions, shape ops, (de)quantize */
};

const struct tm_op_impl *tm_op_impl_get(unsigned opcode)
{
	return opcode < TM_OP_COUNT ? op_impls[opcode] : NULL;
}
