// SPDX-License-Identifier: MIT
/*
 * partition.c - per-op placement between the device and the CPU.
 */
#include <string.h>
#include "dispatch.h"
#include "lower_tma.h"
#include "partition.h"

/*
 * int8 MACs per ns of the CPU kernels, per variant: CONV_2D and
 * FULLY_CONNECTED over the openWakeWord models on the build machine (one
 * AMD EPYC core; docs/perf.md), rounded down. neon and dotprod were not
 * measured on hardware (qemu-user only): they are assumptions for a
 * Cortex-A53/A55-class core.
 */
static const double cpu_macs_per_ns[TM_ISA_COUNT] = {
	[TM_ISA_REF] = 1.2,
	[TM_ISA_AVX2] = 45.0,
	[TM_ISA_VNNI] = 75.0,
	[TM_ISA_NEON] = 4.0,
	[TM_ISA_DOTPROD] = 8.0,
};
#define CPU_OP_NS 100.0 /* call, requantization setup, cache misses of a small op */

double tm_partition_cpu_ns(const struct tm_op_ctx *ctx)
{
	int isa = tm_isa_select(NULL);
	double rate = cpu_macs_per_ns[isa >= 0 && isa < TM_ISA_COUNT ? isa : TM_ISA_REF];
	double macs = (double)ctx->macs;

	if (ctx->n_in > 1 && ctx->in[1] && ctx->in[1]->layout == TM_LAYOUT_SPARSE_2_4)
		macs *= 2;
	return CPU_OP_NS + macs / rate;
}

/* Does offloading pay? 1 device, 0 CPU; the estimates go into @why. */
static int weigh(struct tm_backend *dev, const struct tm_op_ctx *ctx, unsigned offload,
		 char *why, size_t whylen)
{
	struct tm_backend_caps caps;
	double cpu_us, dev_us;

	dev->ops->caps(dev, &caps);
	if (!caps.clock_mhz) {
		tm_set_error(why, whylen, "device %s runs it (clock unknown: no cost estimate)",
			     dev->ops->name);
		return 1;
	}
	cpu_us = tm_partition_cpu_ns(ctx) / 1e3;
	dev_us = (double)tm_lower_op_cycles(&caps, ctx) / caps.clock_mhz;
	if (offload == TM_OFFLOAD_ALL) {
		tm_set_error(why, whylen, "device %s runs it (offload all; est. %.1f us vs cpu "
			     "%.1f us)", dev->ops->name, dev_us, cpu_us);
		return 1;
	}
	if (cpu_us <= dev_us) {
		tm_set_error(why, whylen, "cpu faster: est. %.1f us vs device %.1f us", cpu_us,
			     dev_us);
		return 0;
	}
	tm_set_error(why, whylen, "device %s runs it: est. %.1f us vs cpu %.1f us",
		     dev->ops->name, dev_us, cpu_us);
	return 1;
}

int tm_partition_op(struct tm_backend *dev, const struct tm_op_ctx *ctx, unsigned offload,
		    char *why, size_t whylen)
{
	char dev_why[TM_REASON_LEN];

	if (!dev) {
		tm_set_error(why, whylen, "no accelerator in use");
		return 0;
	}
	if (ctx->op->placement == TM_PLACE_CPU) {
		tm_set_error(why, whylen, "the model places it on the CPU");
		return 0;
	}
	dev_why[0] = '\0';
	if (!dev->ops->op_supported(dev, ctx, dev_why, sizeof(dev_why))) {
		tm_set_error(why, whylen, "%s", dev_why);
		return 0;
	}
	return weigh(dev, ctx, offload, why, whylen);
}

static int device_opcode(unsigned opcode)
{
	return opcode == TM_OP_CONV_2D || opcode == TM_OP_DEPTHWISE_CONV_2D ||
	       opcode == TM_OP_FULLY_CONNECTED;
}

/* Extend what ops [first, last] read up to @last. */
static void extend_run(const struct tm_model *m, const struct tm_fmt_subgraph *sg,
		       int32_t first, int32_t last, struct tm_plan_item *items)
{
	for (int32_t i = first; i <= last; i++) {
		const struct tm_fmt_op *op = &m->ops[sg->ops_first + i];
		const uint32_t *in = tm_op_inputs(m, op);

		for (unsigned k = 0; k < op->n_inputs; k++)
			if (in[k] != TM_FMT_NONE && items[in[k]].size && items[in[k]].last < last)
				items[in[k]].last = last;
	}
}

void tm_partition_extend_lifetimes(const struct tm_model *m, struct tm_plan_item *items)
{
	const struct tm_fmt_subgraph *sg = &m->subgraphs[0];
	int32_t n = (int32_t)sg->ops_count, start = -1;

	for (int32_t i = 0; i <= n; i++) {
		int dev = i < n && device_opcode(m->ops[sg->ops_first + i].opcode);

		if (dev && start < 0)
			start = i;
		if (!dev && start >= 0) {
			if (i - 1 > start)
				extend_run(m, sg, start, i - 1, items);
			start = -1;
		}
	}
}
