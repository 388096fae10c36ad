// SPDX-License-Identifier: MIT
/*
 * partition.c - per-op placement between the device and the CPU.
 */
#include <string.h>
#include "lower_tma.h"
#include "partition.h"

int tm_partition_op(struct tm_backend *dev, const struct tm_op_ctx *ctx, char *why, size_t whylen)
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
	tm_set_error(why, whylen, "device %s runs it", dev->ops->name);
	return 1;
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
