/* SPDX-License-Identifier: MIT */
/* ops.h - the CPU op implementations, one struct per opcode (see ops.c). */
#ifndef TM_OPS_H
#define TM_OPS_H

#include "tm_priv.h"

/* ops_nn.c */
extern const struct tm_op_impl tm_op_conv_2d;
extern const struct tm_op_impl tm_op_depthwise_conv_2d;
extern const struct tm_op_impl tm_op_fully_connected;
extern const struct tm_op_impl tm_op_batch_matmul;
extern const struct tm_op_impl tm_op_max_pool_2d;
extern const struct tm_op_impl tm_op_avg_pool_2d;

#endif /* TM_OPS_H */
