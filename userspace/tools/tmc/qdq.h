/* SPDX-License-Identifier: MIT */
/*
 * qdq.h - already-quantized ONNX (QDQ form and QLinear operators), see qdq.c.
 */
#ifndef TMC_QDQ_H
#define TMC_QDQ_H

#include "ir.h"

/*
 * Before lowering: QDQ patterns -> QLinear operators, parameters on every
 * run-time quantized tensor, uint8 -> int8 (zero point - 128).
 */
int tmc_qdq_prepare(struct ir_graph *g);

/* Lowering rules of node @ni (lower.c's table calls them). */
int lw_lower_quantize(struct ir_graph *g, int ni);
int lw_lower_dequantize(struct ir_graph *g, int ni);
int lw_lower_qconv(struct ir_graph *g, int ni);
int lw_lower_qmatmul(struct ir_graph *g, int ni);
int lw_lower_qgemm(struct ir_graph *g, int ni);
int lw_lower_qbinary(struct ir_graph *g, int ni);

#endif /* TMC_QDQ_H */
