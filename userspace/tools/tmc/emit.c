// SPDX-License-Identifier: MIT
/*
 * emit.c - a lowered, optimized graph -> model.bin through libtm's builder.
 *
 * Only tensors that live nodes or the graph's inputs/outputs touch are
 * written, in first-use order, so the file carries no folded-away constants.
 */
#include <stdlib.h>
#include <string.h>
#include "tmc.h"

static int tm_dtype_of(int dtype)
{
	switch (dtype) {
	case IR_FLOAT: return TM_DTYPE_FLOAT32;
	case IR_INT8: return TM_DTYPE_INT8;
	case IR_INT4: return TM_DTYPE_INT4;
	case IR_INT32: return TM_DTYPE_INT32;
	case IR_UINT8: return TM_DTYPE_UINT8;
	default: return TM_DTYPE_INVALID;
	}
}

static int add_tensor(struct ir_graph *g, struct tm_builder *b, int t, int *map)
{
	const struct ir_tensor *x = &g->t[t];
	struct tm_tensor_spec s = { 0 };
	uint64_t bytes = 0;

	if (map[t] >= 0)
		return map[t];
	s.name = x->name;
	s.dtype = (unsigned)tm_dtype_of(x->dtype);
	s.layout = x->layout;
	s.rank = (unsigned)x->rank;
	if (!s.dtype)
		return ir_fail(g, "tensor '%s': type %s cannot be stored in model.bin", x->name,
			       ir_dtype_name(x->dtype));
	if (x->rank > TM_MAX_RANK)
		return ir_fail(g, "tensor '%s': rank %d is more than model.bin's %d", x->name, x->rank,
			       TM_MAX_RANK);
	for (int i = 0; i < x->rank; i++) {
		if (x->shape[i] < 1 || x->shape[i] > INT32_MAX)
			return ir_fail(g, "tensor '%s': dimension %d out of range", x->name, i);
		s.shape[i] = (int32_t)x->shape[i];
	}
	if (x->data) {
		if (tm_fmt_tensor_bytes(s.dtype, s.layout, s.shape, s.rank, &bytes))
			return ir_fail(g, "tensor '%s': bad size", x->name);
		s.data = x->data;
		s.data_size = (size_t)bytes;
	}
	if (x->q.count) {
		s.qparam_count = x->q.count;
		s.quant_axis = x->q.axis;
		s.scales = x->q.scale;
		s.zero_points = x->q.zp;
	} else {
		s.quant_axis = -1;
	}
	int id = tm_builder_add_tensor(b, &s);
	if (id < 0)
		return ir_fail(g, "tensor '%s': %s", x->name, tm_builder_error(b));
	map[t] = id;
	return id;
}

int tmc_emit(struct ir_graph *g, struct tm_builder *b)
{
	int *map = malloc(sizeof(int) * (size_t)(g->n_t + 1));
	uint32_t io_in[IR_MAX_IO * 4], *io_out = malloc(sizeof(uint32_t) * 4096);
	int ret = -1;

	if (!map || !io_out) {
		free(map);
		free(io_out);
		return ir_fail(g, "out of memory");
	}
	for (int i = 0; i < g->n_t; i++)
		map[i] = -1;
	int live = 0;
	for (int i = 0; i < g->n_n; i++)
		live += !g->n[i].dead;
	if (!live) {
		ir_fail(g, "the model computes nothing at run time (every output is a constant)");
		goto out;
	}
	for (int i = 0; i < g->n_in; i++) {
		int id = add_tensor(g, b, g->in[i], map);
		if (id < 0)
			goto out;
		io_in[i] = (uint32_t)id;
	}
	for (int i = 0; i < g->n_n; i++) {
		const struct ir_node *n = &g->n[i];
		uint32_t in[TM_MAX_OP_INPUTS], out[TM_MAX_OP_OUTPUTS];
		if (n->dead)
			continue;
		if (!n->tm_op) {
			ir_fail(g, "node '%s' (%s): was not lowered", n->name, n->op);
			goto out;
		}
		if (n->n_in > TM_MAX_OP_INPUTS || n->n_out > TM_MAX_OP_OUTPUTS) {
			ir_fail(g, "node '%s' (%s): too many operands", n->name, tm_opcode_name(n->tm_op));
			goto out;
		}
		for (int k = 0; k < n->n_in; k++) {
			int id = n->in[k] < 0 ? (int)TM_FMT_NONE : add_tensor(g, b, n->in[k], map);
			if (n->in[k] >= 0 && id < 0)
				goto out;
			in[k] = (uint32_t)id;
		}
		for (int k = 0; k < n->n_out; k++) {
			int id = add_tensor(g, b, n->out[k], map);
			if (id < 0)
				goto out;
			out[k] = (uint32_t)id;
		}
		if (tm_builder_add_op(b, n->tm_op, n->name, in, (unsigned)n->n_in, out,
				      (unsigned)n->n_out, n->opts_size ? n->opts : NULL, n->opts_size,
				      n->placement) < 0) {
			ir_fail(g, "node '%s' (%s): %s", n->name, tm_opcode_name(n->tm_op),
				tm_builder_error(b));
			goto out;
		}
	}
	for (int i = 0; i < g->n_out; i++) {
		int id = add_tensor(g, b, g->out[i], map);
		if (id < 0)
			goto out;
		io_out[i] = (uint32_t)id;
	}
	if (tm_builder_set_io(b, io_in, (unsigned)g->n_in, io_out, (unsigned)g->n_out)) {
		ir_fail(g, "graph inputs/outputs: %s", tm_builder_error(b));
		goto out;
	}
	ret = 0;
out:
	free(map);
	free(io_out);
	return ret;
}
