/* SPDX-License-Identifier: MIT */
/*
 * hand_model.h - a struct tm_model assembled directly in memory, for tests of
 * the runtime and the planner that need graph shapes (liveness, errors) the
 * loader would check but that do not depend on it. Records are written the
 * way the loader would leave them; nothing here validates.
 */
#ifndef TM_HAND_MODEL_H
#define TM_HAND_MODEL_H

#include <string.h>
#include "tm_priv.h"

#define HM_MAX 32

struct hand_model {
	struct tm_model m;
	struct tm_fmt_tensor tensors[HM_MAX];
	struct tm_fmt_qparam qparams[HM_MAX];
	struct tm_fmt_op ops[HM_MAX];
	uint32_t operands[4 * HM_MAX];
	struct tm_fmt_subgraph sg;
	char strings[1024];
	uint8_t options[1024];
	_Alignas(64) uint8_t data[4096];
	uint32_t n_strings, n_options, n_data;
};

static inline uint32_t hm_string(struct hand_model *h, const char *s)
{
	uint32_t off = h->n_strings;

	if (!off) { /* offset 0 is "" */
		h->strings[0] = '\0';
		off = h->n_strings = 1;
	}
	memcpy(h->strings + off, s, strlen(s) + 1);
	h->n_strings += (uint32_t)strlen(s) + 1;
	return off;
}

static inline void hm_init(struct hand_model *h)
{
	memset(h, 0, sizeof(*h));
	hm_string(h, "");
	h->m.tensors = h->tensors;
	h->m.qparams = h->qparams;
	h->m.ops = h->ops;
	h->m.operands = h->operands;
	h->m.options = h->options;
	h->m.subgraphs = &h->sg;
	h->m.n_subgraphs = 1;
	h->m.strings = h->strings;
	h->m.data = h->data;
	h->sg.operands_first = 0;
}

/* A rank-2 [1, n] tensor; @data (n elements of @esize bytes) makes it const. */
static inline uint32_t hm_tensor(struct hand_model *h, const char *name, unsigned dtype,
				 int32_t n, const void *data, size_t esize)
{
	uint32_t i = h->m.n_tensors++;
	struct tm_fmt_tensor *t = &h->tensors[i];

	t->name = hm_string(h, name);
	t->dtype = (uint8_t)dtype;
	t->rank = 2;
	t->shape[0] = 1;
	t->shape[1] = n;
	t->qparam_first = TM_FMT_NONE;
	t->quant_axis = -1;
	if (data) {
		t->flags = TM_TENSOR_F_CONST;
		t->data_offset = h->n_data;
		t->data_size = (uint64_t)n * esize;
		memcpy(h->data + h->n_data, data, (size_t)t->data_size);
		h->n_data += ((uint32_t)t->data_size + 63) & ~63u;
		h->m.data_size = h->n_data;
	}
	return i;
}

/*
 * Subgraph I/O first (its operands lead the OPERANDS section), then ops.
 */
static inline void hm_io(struct hand_model *h, const uint32_t *in, unsigned n_in,
			 const uint32_t *out, unsigned n_out)
{
	memcpy(h->operands, in, n_in * sizeof(*in));
	memcpy(h->operands + n_in, out, n_out * sizeof(*out));
	h->sg.n_inputs = (uint16_t)n_in;
	h->sg.n_outputs = (uint16_t)n_out;
	h->m.n_operands = n_in + n_out;
	h->sg.name = hm_string(h, "main");
}

static inline uint32_t hm_op(struct hand_model *h, unsigned opcode, const char *name,
			     const uint32_t *in, unsigned n_in, const uint32_t *out, unsigned n_out,
			     const void *options, size_t options_size)
{
	uint32_t i = h->m.n_ops++;
	struct tm_fmt_op *op = &h->ops[i];

	op->opcode = (uint16_t)opcode;
	op->name = hm_string(h, name);
	op->operands_first = h->m.n_operands;
	op->n_inputs = (uint16_t)n_in;
	op->n_outputs = (uint16_t)n_out;
	memcpy(h->operands + h->m.n_operands, in, n_in * sizeof(*in));
	memcpy(h->operands + h->m.n_operands + n_in, out, n_out * sizeof(*out));
	h->m.n_operands += n_in + n_out;
	op->options_offset = h->n_options;
	op->options_size = (uint32_t)options_size;
	if (options_size)
		memcpy(h->options + h->n_options, options, options_size);
	h->n_options += ((uint32_t)options_size + 3) & ~3u;
	h->m.options_size = h->n_options;
	h->sg.ops_count = h->m.n_ops;
	h->m.strings_size = h->n_strings;
	return i;
}

#endif /* TM_HAND_MODEL_H */
