/* SPDX-License-Identifier: MIT */
/*
 * partition.h - which ops run on the device.
 *
 * Per op, the device's capabilities and the op's constraints decide
 * (tm_lower_op_check(): opcode, int8 activations, int8/int4 weights,
 * dense/2:4, per-channel requantization, the command's field widths);
 * the model's placement hint TM_PLACE_CPU keeps an op on the CPU. Then,
 * unless every capable op is forced onto the device (TM_OFFLOAD_ALL), a
 * cost model decides whether offloading pays: the device's time from
 * tm_lower_op_cycles() at its clock against the CPU's from the op's MACs at
 * the rate of the kernel variant this host runs. Every placement gets its
 * reason. The runtime then cuts contiguous device ops into one job each.
 */
#ifndef TM_PARTITION_H
#define TM_PARTITION_H

#include <stddef.h>
#include "backend.h"
#include "planner.h"

#define TM_REASON_LEN 112

/**
 * tm_partition_op() - place one prepared op.
 * @dev: the device backend, or NULL when the runtime has none.
 * @offload: enum tm_offload.
 * @return 1 device, 0 CPU; @why says why, either way.
 */
int tm_partition_op(struct tm_backend *dev, const struct tm_op_ctx *ctx, unsigned offload,
		    char *why, size_t whylen);

/**
 * tm_partition_cpu_ns() - the CPU time the cost model expects for @ctx:
 * a fixed cost per op plus its MACs (dense: 2:4 weights are not skipped by
 * the CPU kernels) at the rate of the kernel variant tm_isa_select() picks.
 */
double tm_partition_cpu_ns(const struct tm_op_ctx *ctx);

/**
 * tm_partition_extend_lifetimes() - keep every tensor a maximal run of
 * device-capable ops (by opcode) reads alive until the run's last op.
 * A device job that fails is re-run on the CPU from its first op, so its
 * inputs must not be overwritten by the job's own outputs.
 * @items: tm_plan_lifetimes() of @m.
 */
void tm_partition_extend_lifetimes(const struct tm_model *m, struct tm_plan_item *items);

#endif /* TM_PARTITION_H */
