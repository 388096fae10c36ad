/* SPDX-License-Identifier: MIT */
/*
 * model_fixture.h - a small model.bin that uses every part of the format
 * (all dtypes, int4, 2:4 sparse, per-channel quantization, every option
 * struct with checks, two subgraphs, metadata), built with the writer. The
 * loader tests corrupt it field by field, the fuzzer starts from it.
 */
#ifndef TM_MODEL_FIXTURE_H
#define TM_MODEL_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "tm.h"

/* Tensor indices of the fixture. */
enum {
	FX_T_INPUT, FX_T_CONV_W, FX_T_CONV_B, FX_T_CONV_OUT, FX_T_DW_W, FX_T_DW_OUT,
	FX_T_POOL_OUT, FX_T_FLAT, FX_T_FC_W, FX_T_FC_OUT, FX_T_SOFTMAX_OUT,
	FX_T_F_CONST, FX_T_F_T, FX_T_F_PAD, FX_T_F_MEAN, FX_T_F_CAT, FX_T_F_CLIP,
	FX_T_F_LEAKY, FX_T_F_ADDB, FX_T_F_ADD, FX_T_F_MMB, FX_T_F_MM,
	FX_T_FC2_W, FX_T_FC2_OUT, FX_T_DEQ, FX_T_AUX, FX_T_AUX_Q,
	FX_T_BODY_IN, FX_T_BODY_OUT,
	FX_N_TENSORS
};

/* Op indices (subgraph 0 first, then subgraph 1's single op). */
enum {
	FX_OP_CONV, FX_OP_DW, FX_OP_POOL, FX_OP_RESHAPE, FX_OP_FC, FX_OP_SOFTMAX,
	FX_OP_TRANSPOSE, FX_OP_PAD, FX_OP_MEAN, FX_OP_CONCAT, FX_OP_CLIP, FX_OP_LEAKY,
	FX_OP_ADD, FX_OP_MATMUL, FX_OP_FC2, FX_OP_DEQ, FX_OP_QUANT,
	FX_OP_BODY_RELU,
	FX_N_OPS
};
#define FX_N_MAIN_OPS FX_OP_BODY_RELU

/** fixture_build() - the fixture as model.bin bytes (malloc'ed). @return 0 or -errno. */
int fixture_build(void **buf, size_t *size);

/** fixture_section() - the table entry of a section type, NULL if absent or out of bounds. */
struct tm_fmt_section *fixture_section(uint8_t *buf, size_t size, unsigned type);

/** fixture_records() - the contents of a section (trusting the table). */
void *fixture_records(uint8_t *buf, size_t size, unsigned type);

/**
 * fixture_fix_crcs() - recompute every section CRC whose section lies inside
 * the buffer, then the table and header CRCs, so a corruption reaches the
 * check it targets instead of a CRC check. Safe on any bytes.
 */
void fixture_fix_crcs(uint8_t *buf, size_t size);

#endif /* TM_MODEL_FIXTURE_H */
