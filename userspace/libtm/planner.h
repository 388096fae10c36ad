/* SPDX-License-Identifier: MIT */
/*
 * planner.h - the activation memory planner: one arena per model, every
 * non-constant tensor of subgraph 0 gets an offset in it, and tensors whose
 * lifetimes do not overlap share bytes.
 */
#ifndef TM_PLANNER_H
#define TM_PLANNER_H

#include <stdint.h>
#include "tm_priv.h"

#define TM_PLAN_ALIGN 64 /* offsets and sizes: cache lines, and what DMA wants */

/**
 * struct tm_plan_item - one tensor to place.
 * @size: bytes needed; 0 means "no storage" (const, or not used by subgraph 0).
 * @first: index of the first op that needs the tensor (its producer; 0 for
 *         graph inputs, which must hold their contents across invokes).
 * @last: index of the last op that needs it, inclusive (the op count for
 *        graph outputs, which are read after the invoke).
 * @offset: output: byte offset in the arena, a multiple of TM_PLAN_ALIGN.
 *
 * Two items are live at the same time iff their [first, last] ranges meet;
 * an op's output therefore never aliases one of its inputs.
 */
struct tm_plan_item {
	uint64_t size;
	int32_t first, last;
	uint64_t offset;
};

/**
 * tm_plan_arena() - place items: greedy by size, best fit among the gaps left
 * by items already placed whose lifetimes overlap.
 * @items: @n items; sets each @offset.
 * @arena_size: output: bytes of the arena (0 if nothing needs storage).
 * @return 0, -ENOMEM, or -EOVERFLOW if the arena would not fit in 64 bits.
 */
int tm_plan_arena(struct tm_plan_item *items, unsigned n, uint64_t *arena_size);

/**
 * tm_plan_lifetimes() - fill @items (one per model tensor) with the sizes and
 * lifetimes of subgraph 0's activations; const tensors and tensors subgraph 0
 * never touches get size 0.
 * @return 0 or -EINVAL if a tensor's size cannot be computed (message in @err).
 */
int tm_plan_lifetimes(const struct tm_model *m, struct tm_plan_item *items, char *err,
		      size_t errlen);

#endif /* TM_PLANNER_H */
