// SPDX-License-Identifier: MIT
/*
 * planner.c - liveness-based arena planning (the "greedy by size" strategy of
 * TFLite's arena planner): the largest tensors are placed first, each into the
 * tightest gap left between already-placed tensors that are live at the same
 * time, or after all of them. Everything is decided once, in tm_runtime_new();
 * an invoke never allocates.
 */
#include <errno.h>
#include <stdlib.h>
#include "planner.h"

struct plan_order {
	uint64_t size;
	int32_t first;
	unsigned idx;
};

struct plan_span {
	uint64_t begin, end;
};

static int order_cmp(const void *a, const void *b)
{
	const struct plan_order *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int span_cmp(const void *a, const void *b)
{
	const struct plan_span *x = a, *y = b;

	return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static uint64_t align_up(uint64_t v)
{
	return (v + TM_PLAN_ALIGN - 1) & ~(uint64_t)(TM_PLAN_ALIGN - 1);
}

static int lifetimes_overlap(const struct tm_plan_item *a, const struct tm_plan_item *b)
{
	return a->first <= b->last && b->first <= a->last;
}

/*
 * Best fit for @it among @spans (the placed items live at the same time,
 * sorted by offset): the smallest gap that holds it, else the end.
 */
static uint64_t best_fit(const struct plan_span *spans, unsigned n, uint64_t size)
{
	uint64_t prev_end = 0, best = UINT64_MAX, best_gap = UINT64_MAX;

	for (unsigned i = 0; i < n; i++) {
		if (spans[i].begin > prev_end) {
			uint64_t gap = spans[i].begin - prev_end;
			if (gap >= size && gap < best_gap) {
				best_gap = gap;
				best = prev_end;
			}
		}
		if (spans[i].end > prev_end)
			prev_end = spans[i].end;
	}
	return best != UINT64_MAX ? best : prev_end;
}

int tm_plan_arena(struct tm_plan_item *items, unsigned n, uint64_t *arena_size)
{
	struct plan_order *order = calloc(n ? n : 1, sizeof(*order));
	struct plan_span *spans = calloc(n ? n : 1, sizeof(*spans));
	unsigned n_order = 0;
	uint64_t top = 0;
	int ret = 0;

	if (!order || !spans) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (unsigned i = 0; i < n; i++) {
		items[i].offset = 0;
		if (!items[i].size)
			continue;
		if (items[i].size > UINT64_MAX / 2) {
			ret = -EOVERFLOW;
			goto out_free;
		}
		order[n_order++] = (struct plan_order){ align_up(items[i].size), items[i].first, i };
	}
	qsort(order, n_order, sizeof(*order), order_cmp);

	for (unsigned k = 0; k < n_order; k++) {
		struct tm_plan_item *it = &items[order[k].idx];
		unsigned n_spans = 0;
		uint64_t end;

		/* Only the k items placed before this one have offsets yet. */
		for (unsigned j = 0; j < k; j++) {
			const struct tm_plan_item *o = &items[order[j].idx];
			if (lifetimes_overlap(it, o))
				spans[n_spans++] = (struct plan_span){ o->offset, o->offset + order[j].size };
		}
		qsort(spans, n_spans, sizeof(*spans), span_cmp);

		it->offset = best_fit(spans, n_spans, order[k].size);
		if (__builtin_add_overflow(it->offset, order[k].size, &end)) {
			ret = -EOVERFLOW;
			goto out_free;
		}
		if (end > top)
			top = end;
	}
	*arena_size = top;
out_free:
	free(spans);
	free(order);
	return ret;
}

/* Extend @it's lifetime to cover op @op. */
static void plan_touch(struct tm_plan_item *it, int32_t op)
{
	if (it->first < 0 || op < it->first)
		it->first = op;
	if (op > it->last)
		it->last = op;
}

int tm_plan_lifetimes(const struct tm_model *m, struct tm_plan_item *items, char *err,
		      size_t errlen)
{
	const struct tm_fmt_subgraph *sg = &m->subgraphs[0];
	const uint32_t *io = m->operands + sg->operands_first;
	int32_t n_ops = (int32_t)sg->ops_count;

	for (uint32_t t = 0; t < m->n_tensors; t++)
		items[t] = (struct tm_plan_item){ .first = -1, .last = -1 };

	for (int32_t i = 0; i < n_ops; i++) {
		const struct tm_fmt_op *op = &m->ops[sg->ops_first + i];
		const uint32_t *ids = tm_op_inputs(m, op);

		for (unsigned k = 0; k < op->n_inputs + op->n_outputs; k++)
			if (ids[k] != TM_FMT_NONE)
				plan_touch(&items[ids[k]], i);
	}
	/* Inputs are written before the invoke and must survive it (--repeat). */
	for (unsigned k = 0; k < sg->n_inputs; k++) {
		items[io[k]].first = 0;
		items[io[k]].last = n_ops;
	}
	/* Outputs are read after the invoke. */
	for (unsigned k = 0; k < sg->n_outputs; k++)
		plan_touch(&items[io[sg->n_inputs + k]], n_ops);

	for (uint32_t t = 0; t < m->n_tensors; t++) {
		const struct tm_fmt_tensor *ft = &m->tensors[t];
		uint64_t bytes;

		if (items[t].first < 0 || (ft->flags & TM_TENSOR_F_CONST))
			continue;
		if (tm_fmt_tensor_bytes(ft->dtype, ft->layout, ft->shape, ft->rank, &bytes)) {
			tm_set_error(err, errlen, "tensor %u ('%s'): cannot size dtype %u shape of rank %u",
				     t, tm_model_string(m, ft->name), ft->dtype, ft->rank);
			return -EINVAL;
		}
		items[t].size = bytes;
	}
	return 0;
}
