/* SPDX-License-Identifier: MIT */
/*
 * lower_tma.h - model ops to TMA commands (uapi/tma_cmd.h).
 *
 * The TMA runs CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int8
 * activations, int8/int4 weights, dense or 2:4, and per-channel
 * requantization. Lowering happens once, in tm_runtime_new(): each device op
 * gets its weights copied in model.bin's layout (which is the device's: int4
 * packed, 2:4 values then index bytes) and a table of struct tma_chan_param
 * (bias, multiplier, shift per output channel) in the "const" region, and
 * one command per image and slice (FC: one for up to 65532 rows; layers
 * wider than 65535 channels or rows are cut into slices) addressing the arena and
 * const regions.
 */
#ifndef TM_LOWER_TMA_H
#define TM_LOWER_TMA_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"
#include "tma_cmd.h"

/* Region indices the lowered commands use (struct tm_job's regions). */
#define TM_LOWER_RGN_ARENA 0
#define TM_LOWER_RGN_CONST 1
#define TM_LOWER_N_REGIONS 2

/**
 * tm_lower_op_check() - can a device with @caps run @ctx's (prepared) op?
 * @return 1, or 0 with the reason in @why.
 */
int tm_lower_op_check(const struct tm_backend_caps *caps, const struct tm_op_ctx *ctx,
		      char *why, size_t whylen);

/** tm_lower_const_bytes() - bytes of const-region data of a device op (64-aligned). */
uint64_t tm_lower_const_bytes(const struct tm_op_ctx *ctx);

/** tm_lower_cmd_count() - commands of a device op (END not included). */
unsigned tm_lower_cmd_count(const struct tm_op_ctx *ctx);

/**
 * tm_lower_op() - lower a checked device op.
 * @arena: host address of the arena (activations' offsets are taken from it).
 * @konst: host address of the op's const data, tm_lower_const_bytes() long,
 *         at @koff in the const region.
 * @cmds: tm_lower_cmd_count() commands to fill.
 * @return 0, or -EINVAL with the reason in @why (an offset beyond 32 bits).
 */
int tm_lower_op(const struct tm_op_ctx *ctx, const void *arena, uint8_t *konst, uint64_t koff,
		struct tma_cmd *cmds, char *why, size_t whylen);

/**
 * tm_lower_op_cycles() - the device cycles a checked op is expected to take
 * as a job of its own: per command, the array's compute (rows products per
 * output-channel lane and cycle, twice that with int4, twice again with 2:4;
 * depthwise one) or its bytes over the bus, whichever is longer, plus setup.
 * The runtime's own formula, not the device model's (they stay independent);
 * on the openWakeWord layers 21% below the RTL's cycles (median; -49%..+13%).
 */
uint64_t tm_lower_op_cycles(const struct tm_backend_caps *caps, const struct tm_op_ctx *ctx);

/** tm_lower_end() - the END command. */
void tm_lower_end(struct tma_cmd *cmd);

#endif /* TM_LOWER_TMA_H */
