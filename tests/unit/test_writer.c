// SPDX-License-Identifier: MIT
/*
 * Writer tests: build -> serialise -> load -> introspect round trips for every
 * dtype and layout, quantization, options, subgraphs and metadata; the file
 * layout rules (alignment, CRCs, string dedup); and specs the writer refuses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model_fixture.h"
#include "tm_priv.h"
#include "tm_test.h"

#define U32(...) ((const uint32_t[]){ __VA_ARGS__ })

static struct tm_model *finish_and_load(struct tm_builder *b, void **buf, size_t *size)
{
	struct tm_model *m = NULL;
	char err[TM_ERRLEN];
	int ret = tm_builder_finish(b, buf, size);

	CHECK_EQ(ret, 0);
	if (ret) {
		fprintf(stderr, "finish: %s\n", tm_builder_error(b));
		return NULL;
	}
	CHECK_EQ(tm_model_from_buffer(*buf, *size, &m, err, sizeof(err)), 0);
	return m;
}

static uint8_t pattern(size_t k)
{
	return (uint8_t)(k * 37 + 11);
}

/* One const tensor of every dtype with odd sizes; data comes back byte for byte. */
static void test_writer_roundtrip_dtypes(void)
{
	static const struct { unsigned dtype; int32_t shape[3]; uint64_t bytes; } cases[] = {
		{ TM_DTYPE_FLOAT32, { 3, 5, 1 }, 60 },
		{ TM_DTYPE_INT8, { 7, 1, 3 }, 21 },
		{ TM_DTYPE_INT4, { 1, 3, 3 }, 5 },   /* 9 nibbles -> 5 bytes */
		{ TM_DTYPE_INT32, { 2, 2, 1 }, 16 },
		{ TM_DTYPE_UINT8, { 1, 1, 13 }, 13 },
	};
	struct tm_builder *b = tm_builder_new();
	uint8_t data[64];
	void *buf;
	size_t size;
	struct tm_model *m;

	for (size_t k = 0; k < sizeof(data); k++)
		data[k] = pattern(k);
	for (unsigned i = 0; i < TM_ARRAY_SIZE(cases); i++) {
		struct tm_tensor_spec s = { .name = tm_dtype_name(cases[i].dtype),
					    .dtype = cases[i].dtype, .rank = 3,
					    .data = data + i, .data_size = cases[i].bytes };

		memcpy(s.shape, cases[i].shape, sizeof(cases[i].shape));
		CHECK_EQ(tm_builder_add_tensor(b, &s), i);
	}
	/* A graph needs an output: a rank-0 activation produced from tensor 0. */
	CHECK_EQ(tm_builder_add_tensor(b, &(struct tm_tensor_spec){ .name = "out",
		 .dtype = TM_DTYPE_FLOAT32, .shape = { 3, 5, 1 }, .rank = 3 }), 5);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "r", U32(0), 1, U32(5), 1, NULL, 0, 0), 0);
	CHECK_EQ(tm_builder_set_io(b, NULL, 0, U32(5), 1), 0);
	m = finish_and_load(b, &buf, &size);
	for (unsigned i = 0; m && i < TM_ARRAY_SIZE(cases); i++) {
		struct tm_tensor_info info;
		const uint8_t *d = tm_model_tensor_data(m, i);

		CHECK_EQ(tm_model_tensor_info(m, i, &info), 0);
		CHECK(!strcmp(info.name, tm_dtype_name(cases[i].dtype)));
		CHECK_EQ(info.dtype, cases[i].dtype);
		CHECK_EQ(info.layout, TM_LAYOUT_DENSE);
		CHECK_EQ(info.rank, 3);
		for (unsigned d2 = 0; d2 < 3; d2++)
			CHECK_EQ(info.shape[d2], cases[i].shape[d2]);
		CHECK_EQ(info.shape[3], 0);
		CHECK_EQ(info.bytes, cases[i].bytes);
		CHECK_EQ(info.is_const, 1);
		CHECK_EQ(info.qparam_count, 0);
		CHECK_EQ(info.quant_axis, -1);
		CHECK(d != NULL);
		CHECK_EQ((d - (const uint8_t *)buf) % TM_FMT_ALIGN, 0);
		CHECK_EQ(memcmp(d, data + i, cases[i].bytes), 0);
	}
	CHECK(m && tm_model_tensor_data(m, 5) == NULL);
	tm_model_close(m);
	free(buf);
	tm_builder_del(b);
}

/* 2:4 int8 and int4: sizes are values + one index byte per group of 4. */
static void test_writer_roundtrip_sparse(void)
{
	struct tm_builder *b = tm_builder_new();
	uint8_t data[96];
	struct tm_tensor_spec s8 = { .name = "w8", .dtype = TM_DTYPE_INT8,
				     .layout = TM_LAYOUT_SPARSE_2_4, .rank = 2, .shape = { 8, 16 },
				     .data = data, .data_size = 64 + 32 };
	struct tm_tensor_spec s4 = s8;
	struct tm_tensor_info info;
	struct tm_model *m;
	void *buf;
	size_t size;

	for (int k = 0; k < 96; k++)
		data[k] = (uint8_t)(k < 64 ? pattern(k) : 0x4 + (k % 3) * 4); /* 0x4, 0x8, 0xc */
	s4.name = "w4", s4.dtype = TM_DTYPE_INT4, s4.data = data + 32, s4.data_size = 32 + 32;
	CHECK_EQ(tm_builder_add_tensor(b, &s8), 0);
	CHECK_EQ(tm_builder_add_tensor(b, &s4), 1);
	CHECK_EQ(tm_builder_add_tensor(b, &(struct tm_tensor_spec){ .name = "x",
		 .dtype = TM_DTYPE_INT8, .rank = 2, .shape = { 1, 16 } }), 2);
	CHECK_EQ(tm_builder_add_tensor(b, &(struct tm_tensor_spec){ .name = "y",
		 .dtype = TM_DTYPE_INT8, .rank = 2, .shape = { 1, 8 } }), 3);
	CHECK(tm_builder_add_op(b, TM_OP_FULLY_CONNECTED, "fc", U32(2, 0, TM_FMT_NONE), 3, U32(3), 1,
				&(struct tm_fc_options){ 0 }, sizeof(struct tm_fc_options), 0) == 0);
	CHECK_EQ(tm_builder_set_io(b, U32(2), 1, U32(3), 1), 0);
	m = finish_and_load(b, &buf, &size);
	CHECK_EQ(tm_model_tensor_info(m, 0, &info), 0);
	CHECK_EQ(info.layout, TM_LAYOUT_SPARSE_2_4);
	CHECK_EQ(info.bytes, 96);
	CHECK_EQ(memcmp(tm_model_tensor_data(m, 0), data, 96), 0);
	CHECK_EQ(tm_model_tensor_info(m, 1, &info), 0);
	CHECK_EQ(info.dtype, TM_DTYPE_INT4);
	CHECK_EQ(info.layout, TM_LAYOUT_SPARSE_2_4);
	CHECK_EQ(info.bytes, 64);
	CHECK_EQ(memcmp(tm_model_tensor_data(m, 1), data + 32, 64), 0);
	tm_model_close(m);
	free(buf);
	tm_builder_del(b);
}

/* Per-channel scales and zero points land in QPARAMS in order. */
static void test_writer_roundtrip_per_channel(void)
{
	struct tm_builder *b = tm_builder_new();
	const float scales[5] = { 0.5f, 0.25f, 0.125f, 1e-6f, 3.0f };
	const int32_t zps[5] = { -128, -1, 0, 1, 127 };
	int8_t w[5 * 2];
	struct tm_tensor_spec s = { .name = "w", .dtype = TM_DTYPE_INT8, .rank = 2,
				    .shape = { 2, 5 }, .data = w, .data_size = sizeof(w),
				    .qparam_count = 5, .quant_axis = 1, .scales = scales,
				    .zero_points = zps };
	struct tm_tensor_info info;
	struct tm_model *m;
	void *buf;
	size_t size;

	memset(w, 1, sizeof(w));
	CHECK_EQ(tm_builder_add_tensor(b, &s), 0);
	/* Per-tensor activation, zero points default to 0. */
	CHECK_EQ(tm_builder_add_tensor(b, &(struct tm_tensor_spec){ .name = "a",
		 .dtype = TM_DTYPE_INT8, .rank = 1, .shape = { 4 }, .qparam_count = 1,
		 .quant_axis = -1, .scales = &scales[2] }), 1);
	CHECK_EQ(tm_builder_add_tensor(b, &(struct tm_tensor_spec){ .name = "o",
		 .dtype = TM_DTYPE_INT8, .rank = 1, .shape = { 4 }, .qparam_count = 1,
		 .quant_axis = -1, .scales = &scales[0] }), 2);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, NULL, U32(1), 1, U32(2), 1, NULL, 0, 0), 0);
	CHECK_EQ(tm_builder_set_io(b, U32(1), 1, U32(2), 1), 0);
	m = finish_and_load(b, &buf, &size);
	CHECK_EQ(tm_model_tensor_info(m, 0, &info), 0);
	CHECK_EQ(info.qparam_count, 5);
	CHECK_EQ(info.quant_axis, 1);
	CHECK(info.scale == 0.5f);
	CHECK_EQ(info.zero_point, -128);
	CHECK_EQ(m->n_qparams, 7);
	for (unsigned k = 0; k < 5; k++) {
		const struct tm_fmt_qparam *q = &m->qparams[m->tensors[0].qparam_first + k];

		CHECK(q->scale == scales[k]);
		CHECK_EQ(q->zero_point, zps[k]);
	}
	CHECK_EQ(tm_model_tensor_info(m, 1, &info), 0);
	CHECK_EQ(info.qparam_count, 1);
	CHECK_EQ(info.quant_axis, -1);
	CHECK(info.scale == 0.125f);
	CHECK_EQ(info.zero_point, 0);
	tm_model_close(m);
	free(buf);
	tm_builder_del(b);
}

/* The fixture: ops, options, placements, names, subgraphs and metadata survive. */
static void test_writer_roundtrip_fixture(void)
{
	const struct tm_conv_options *conv;
	const struct tm_transpose_options *tr;
	struct tm_op_info oi;
	struct tm_model *m;
	char err[TM_ERRLEN];
	void *buf;
	size_t size;

	CHECK_EQ(fixture_build(&buf, &size), 0);
	CHECK_EQ(tm_model_from_buffer(buf, size, &m, err, sizeof(err)), 0);
	CHECK_EQ(tm_model_op_info(m, FX_OP_CONV, &oi), 0);
	CHECK(!strcmp(oi.name, "conv"));
	CHECK_EQ(oi.opcode, TM_OP_CONV_2D);
	CHECK_EQ(oi.placement, TM_PLACE_DEVICE);
	CHECK_EQ(oi.n_inputs, 3);
	CHECK_EQ(oi.n_outputs, 1);
	CHECK_EQ(oi.inputs[1], FX_T_CONV_W);
	CHECK_EQ(oi.outputs[0], FX_T_CONV_OUT);
	conv = oi.options;
	CHECK_EQ(conv->pad_bottom, 1);
	CHECK_EQ(conv->act.kind, TM_ACT_RELU);
	CHECK_EQ(tm_model_op_info(m, FX_OP_DW, &oi), 0);
	CHECK_EQ(oi.inputs[2], TM_FMT_NONE);
	CHECK_EQ(tm_model_op_info(m, FX_OP_FC, &oi), 0);
	CHECK_EQ(oi.placement, TM_PLACE_CPU);
	CHECK_EQ(tm_model_op_info(m, FX_OP_RESHAPE, &oi), 0);
	CHECK(oi.options == NULL);
	CHECK_EQ(tm_model_op_info(m, FX_OP_TRANSPOSE, &oi), 0);
	tr = oi.options;
	CHECK_EQ(tr->perm[0], 1);
	CHECK_EQ(tr->perm[1], 0);
	CHECK_EQ((uintptr_t)oi.options % 4, 0);
	CHECK_EQ(tm_model_op_info(m, FX_OP_CONCAT, &oi), 0);
	CHECK_EQ(oi.n_inputs, 2);
	/* The body subgraph's op is not one of the model's ops. */
	CHECK_EQ(tm_model_op_info(m, FX_N_MAIN_OPS, &oi), -EINVAL);
	CHECK_EQ(m->n_subgraphs, 2);
	CHECK_EQ(m->subgraphs[1].ops_first, FX_OP_BODY_RELU);
	CHECK_EQ(m->subgraphs[1].ops_count, 1);
	CHECK(!strcmp(tm_model_string(m, m->subgraphs[1].name), "body"));
	CHECK_EQ(m->operands[m->subgraphs[1].operands_first + 1], FX_T_BODY_OUT);
	CHECK(!strcmp(tm_model_metadata(m, "producer"), "tmaccel tests"));
	CHECK(!strcmp(tm_model_metadata(m, "source"), "model_fixture.c"));
	CHECK(tm_model_metadata(m, "tmaccel tests") == NULL);
	CHECK(tm_model_metadata(m, "missing") == NULL);
	tm_model_close(m);
	free(buf);
}

/* Same input, same bytes: the writer has no hidden state (time, addresses). */
static void test_writer_deterministic(void)
{
	void *a, *b;
	size_t na, nb;

	CHECK_EQ(fixture_build(&a, &na), 0);
	CHECK_EQ(fixture_build(&b, &nb), 0);
	CHECK_EQ(na, nb);
	CHECK_EQ(memcmp(a, b, na), 0);
	free(a);
	free(b);
}

/* Header, table, 64-aligned sections, CRCs over exactly the section bytes. */
static void test_writer_layout(void)
{
	void *p;
	size_t size;
	const uint8_t *buf;
	const struct tm_fmt_header *h;
	const struct tm_fmt_section *tab;
	struct tm_fmt_header copy;
	uint64_t end = 0;

	CHECK_EQ(fixture_build(&p, &size), 0);
	buf = p;
	h = p;
	tab = (const void *)(buf + 64);
	CHECK_EQ(memcmp(h->magic, "TMMODEL\0", 8), 0);
	CHECK_EQ(h->version_major, 1);
	CHECK_EQ(h->header_size, 64);
	CHECK_EQ(h->section_count, 9);
	CHECK_EQ(h->file_size, size);
	CHECK_EQ(h->table_crc32, tm_crc32(0, tab, 9 * 32));
	copy = *h;
	copy.header_crc32 = 0;
	CHECK_EQ(h->header_crc32, tm_crc32(0, &copy, 64));
	for (unsigned i = 0; i < 9; i++) {
		CHECK_EQ(tab[i].type, i + 1);
		CHECK_EQ(tab[i].flags, 0);
		CHECK_EQ(tab[i].offset % 64, 0);
		CHECK(tab[i].offset >= end);
		CHECK_EQ(tab[i].crc32, tm_crc32(0, buf + tab[i].offset, tab[i].size));
		end = tab[i].offset + tab[i].size;
	}
	CHECK_EQ(end, size);
	CHECK_EQ(tab[1].count, FX_N_TENSORS);
	CHECK_EQ(tab[3].count, FX_N_OPS);
	CHECK_EQ(tab[6].count, 2);
	free(p);
}

/* Equal names are stored once; unnamed records point at offset 0. */
static void test_writer_string_dedup(void)
{
	struct tm_builder *b = tm_builder_new();
	struct tm_tensor_spec s = { .name = "same", .dtype = TM_DTYPE_FLOAT32, .rank = 1,
				    .shape = { 2 } };
	struct tm_model *m;
	void *buf;
	size_t size;
	char name[16];

	CHECK_EQ(tm_builder_add_tensor(b, &s), 0);
	CHECK_EQ(tm_builder_add_tensor(b, &s), 1);
	s.name = NULL;
	CHECK_EQ(tm_builder_add_tensor(b, &s), 2);
	/* Enough distinct names to grow the hash table a few times. */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "t%d", i % 150);
		s.name = name;
		CHECK_EQ(tm_builder_add_tensor(b, &s), 3 + i);
	}
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "same", U32(0), 1, U32(1), 1, NULL, 0, 0), 0);
	CHECK_EQ(tm_builder_set_io(b, U32(0), 1, U32(1), 1), 0);
	m = finish_and_load(b, &buf, &size);
	CHECK_EQ(m->tensors[0].name, m->tensors[1].name);
	CHECK_EQ(m->ops[0].name, m->tensors[0].name);
	CHECK_EQ(m->tensors[2].name, 0);
	CHECK_EQ(m->tensors[3].name, m->tensors[153].name);
	/* "" + "same" + t0..t9 (3 bytes) + t10..t99 (4) + t100..t149 (5) */
	CHECK_EQ(m->strings_size, 1 + 5 + 10 * 3 + 90 * 4 + 50 * 5);
	tm_model_close(m);
	free(buf);
	tm_builder_del(b);
}

static void test_writer_metadata(void)
{
	struct tm_builder *b = tm_builder_new();

	CHECK_EQ(tm_builder_set_metadata(b, "k", "v"), 0);
	CHECK_EQ(tm_builder_set_metadata(b, "k", "w"), -EEXIST);
	CHECK_STR_CONTAINS(tm_builder_error(b), "key \"k\" is already set");
	CHECK_EQ(tm_builder_set_metadata(b, "", "w"), -EINVAL);
	CHECK_EQ(tm_builder_set_metadata(b, "k2", NULL), -EINVAL);
	CHECK_EQ(tm_builder_set_metadata(b, "empty", ""), 0);
	tm_builder_del(b);
}

/* Bad specs are refused with the loader's message; the builder stays usable. */
static void test_writer_rejects_tensors(void)
{
	struct tm_builder *b = tm_builder_new();
	uint8_t data[16] = { 0 };
	float scale = 0.5f, zero = 0.0f;
	struct tm_tensor_spec ok = { .name = "ok", .dtype = TM_DTYPE_INT8, .rank = 2,
				     .shape = { 2, 4 } };
	struct tm_tensor_spec s;

	s = ok, s.data = data, s.data_size = 7;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "tensor 0: data_size 7, but its shape and dtype take 8 bytes");
	s = ok, s.dtype = 300;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "dtype 300");
	s = ok, s.dtype = TM_DTYPE_MAX;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "tensor 0: dtype 6 out of range");
	s = ok, s.rank = 7;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	s = ok, s.shape[1] = 0;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "shape[1] is 0");
	s = ok, s.qparam_count = 1, s.quant_axis = -1;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "but no scales");
	s = ok, s.qparam_count = 1, s.quant_axis = 1, s.scales = &scale;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "1 quantization parameters for 4 channels on axis 1");
	s = ok, s.qparam_count = 1, s.quant_axis = -1, s.scales = &zero;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "scale 0 is not finite and > 0");
	s = ok, s.layout = TM_LAYOUT_SPARSE_2_4;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "2:4 sparse layout is only for const");
	/* 2:4 data whose index bytes are not increasing positions. */
	s = ok, s.layout = TM_LAYOUT_SPARSE_2_4, s.data = data, s.data_size = 6;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "2:4 index byte of group 0 is 0x00");
	s = ok, s.data = NULL, s.data_size = 8;
	CHECK_EQ(tm_builder_add_tensor(b, &s), -EINVAL);
	/* Nothing of the refused tensors stayed behind. */
	CHECK_EQ(tm_builder_add_tensor(b, &ok), 0);
	CHECK_EQ(tm_builder_add_tensor(b, NULL), -EINVAL);
	tm_builder_del(b);
}

static void test_writer_rejects_ops(void)
{
	struct tm_builder *b = tm_builder_new();
	struct tm_tensor_spec t = { .dtype = TM_DTYPE_FLOAT32, .rank = 2, .shape = { 2, 3 } };
	struct tm_conv_options conv = { 1, 1, 1, 1, 0, 0, 0, 0, 1, { 0, 0, 0 } };
	struct tm_transpose_options tr = { { 0, 0 } };
	void *buf;
	size_t size;

	CHECK_EQ(tm_builder_add_tensor(b, &t), 0);
	CHECK_EQ(tm_builder_add_tensor(b, &t), 1);
	CHECK_EQ(tm_builder_add_tensor(b, &t), 2);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_COUNT, "x", U32(0), 1, U32(1), 1, NULL, 0, 0), -EINVAL);
	char want[64];
	snprintf(want, sizeof(want), "op 0: opcode %d out of range", TM_OP_COUNT);
	CHECK_STR_CONTAINS(tm_builder_error(b), want);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_CONV_2D, "x", U32(0), 1, U32(1), 1, &conv, 4, 0), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0 (CONV_2D): options_size 4, expected 48");
	CHECK_EQ(tm_builder_add_op(b, TM_OP_CONV_2D, "x", U32(0), 1, U32(1), 1, NULL, 48, 0), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "without options");
	conv.stride_w = 0;
	CHECK_EQ(tm_builder_add_op(b, TM_OP_CONV_2D, "x", U32(0), 1, U32(1), 1, &conv,
				   sizeof(conv), 0), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0: stride (1, 0) must be >= 1");
	CHECK_EQ(tm_builder_add_op(b, TM_OP_TRANSPOSE, "x", U32(0), 1, U32(1), 1, &tr,
				   sizeof(tr), 0), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0: perm is not a permutation of 0..1");
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "x", U32(0), 1, U32(3), 1, NULL, 0, 0), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0: output 0 is tensor 3, but there are 3 tensors");
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "x", U32(0), 1, U32(1), 9, NULL, 0, 0), -EINVAL);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "x", NULL, 1, U32(1), 1, NULL, 0, 0), -EINVAL);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "x", U32(0), 1, U32(1), 1, NULL, 0, 7), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0: placement 7 out of range");
	/* Out of order: op 0 reads tensor 1 that op 1 produces. finish finds it. */
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "late", U32(1), 1, U32(2), 1, NULL, 0, 0), 0);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "early", U32(0), 1, U32(1), 1, NULL, 0, 0), 1);
	CHECK_EQ(tm_builder_set_io(b, U32(0), 1, U32(2), 1), 0);
	CHECK_EQ(tm_builder_set_io(b, U32(0), 1, U32(5), 1), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "subgraph 0: output 0 is tensor 5, but there are 3");
	CHECK_EQ(tm_builder_finish(b, &buf, &size), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "op 0: input 0 (tensor 1 \"\") is not const");
	tm_builder_del(b);
}

static void test_writer_empty_model_refused(void)
{
	struct tm_builder *b = tm_builder_new();
	void *buf;
	size_t size;

	CHECK_EQ(tm_builder_finish(b, &buf, &size), -EINVAL);
	CHECK_STR_CONTAINS(tm_builder_error(b), "subgraph 0: has no outputs");
	tm_builder_del(b);
	tm_builder_del(NULL);
	CHECK(!strcmp(tm_builder_error(NULL), ""));
}

static void test_writer_write_file(void)
{
	char path[] = "/tmp/tm_test_writer_XXXXXX", err[TM_ERRLEN];
	struct tm_builder *b = tm_builder_new();
	struct tm_tensor_spec t = { .name = "x", .dtype = TM_DTYPE_INT8, .rank = 1, .shape = { 3 } };
	struct tm_model *m;
	int fd = mkstemp(path);
	void *buf;
	size_t size;

	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(tm_builder_add_tensor(b, &t), 0);
	CHECK_EQ(tm_builder_add_tensor(b, &t), 1);
	CHECK_EQ(tm_builder_add_op(b, TM_OP_RELU, "r", U32(0), 1, U32(1), 1, NULL, 0, 0), 0);
	CHECK_EQ(tm_builder_set_io(b, U32(0), 1, U32(1), 1), 0);
	CHECK_EQ(tm_builder_write(b, path), 0);
	CHECK_EQ(tm_model_open(path, &m, err, sizeof(err)), 0);
	CHECK_EQ(tm_builder_finish(b, &buf, &size), 0);
	CHECK_EQ(m->size, size);
	CHECK_EQ(memcmp(m->base, buf, size), 0);
	/* No METADATA: eight sections. */
	CHECK_EQ(((const struct tm_fmt_header *)buf)->section_count, 8);
	CHECK(tm_model_metadata(m, "x") == NULL);
	tm_model_close(m);
	free(buf);
	unlink(path);
	CHECK_EQ(tm_builder_write(b, "/nonexistent-dir/x.bin"), -ENOENT);
	CHECK_STR_CONTAINS(tm_builder_error(b), "/nonexistent-dir/x.bin");
	tm_builder_del(b);
}

int main(void)
{
	TM_RUN(test_writer_roundtrip_dtypes);
	TM_RUN(test_writer_roundtrip_sparse);
	TM_RUN(test_writer_roundtrip_per_channel);
	TM_RUN(test_writer_roundtrip_fixture);
	TM_RUN(test_writer_deterministic);
	TM_RUN(test_writer_layout);
	TM_RUN(test_writer_string_dedup);
	TM_RUN(test_writer_metadata);
	TM_RUN(test_writer_rejects_tensors);
	TM_RUN(test_writer_rejects_ops);
	TM_RUN(test_writer_empty_model_refused);
	TM_RUN(test_writer_write_file);
	TM_TEST_EXIT();
}
