// SPDX-License-Identifier: MIT
/* model_fixture.c - the model every loader test corrupts (see model_fixture.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_fixture.h"

static uint32_t fx_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Deterministic const data; 2:4 tensors get valid index bytes after their values. */
static void fill(uint8_t *p, uint64_t n, unsigned dtype, unsigned layout, uint64_t groups)
{
	static const uint8_t pairs[6] = { 0x4, 0x8, 0xc, 0x9, 0xd, 0xe };
	uint32_t s = (uint32_t)n * 2654435761u | 1;

	for (uint64_t k = 0; k < n; k++)
		p[k] = (uint8_t)fx_rand(&s);
	if (dtype == TM_DTYPE_FLOAT32)
		for (uint64_t k = 0; k < n / 4; k++) {
			float f = (float)(int)(fx_rand(&s) % 200 - 100) / 64.0f;
			memcpy(p + 4 * k, &f, 4);
		}
	if (layout == TM_LAYOUT_SPARSE_2_4)
		for (uint64_t g = 0; g < groups; g++)
			p[n - groups + g] = pairs[fx_rand(&s) % 6];
}

struct fx_tensor {
	const char *name;
	unsigned dtype, layout, rank;
	int32_t shape[TM_MAX_RANK];
	int is_const;
	unsigned nq;             /* quantization parameters */
	int axis;
	float scale;
	int32_t zp;
};

#define I8 TM_DTYPE_INT8
#define I4 TM_DTYPE_INT4
#define I32 TM_DTYPE_INT32
#define U8 TM_DTYPE_UINT8
#define F32 TM_DTYPE_FLOAT32
#define SP TM_LAYOUT_SPARSE_2_4

static const struct fx_tensor fx_tensors[FX_N_TENSORS] = {
	[FX_T_INPUT] = { "input", I8, 0, 4, { 1, 8, 8, 4 }, 0, 1, -1, 0.05f, -3 },
	[FX_T_CONV_W] = { "conv/w", I8, 0, 4, { 8, 3, 3, 4 }, 1, 8, 0, 0.01f, 0 },
	[FX_T_CONV_B] = { "conv/b", I32, 0, 1, { 8 }, 1, 8, 0, 0.0005f, 0 },
	[FX_T_CONV_OUT] = { "conv", I8, 0, 4, { 1, 8, 8, 8 }, 0, 1, -1, 0.1f, -128 },
	[FX_T_DW_W] = { "dw/w", I4, 0, 4, { 1, 3, 3, 8 }, 1, 8, 3, 0.2f, 0 },
	[FX_T_DW_OUT] = { "dw", I8, 0, 4, { 1, 8, 8, 8 }, 0, 1, -1, 0.1f, 5 },
	[FX_T_POOL_OUT] = { "pool", I8, 0, 4, { 1, 4, 4, 8 }, 0, 1, -1, 0.1f, 5 },
	[FX_T_FLAT] = { "flat", I8, 0, 2, { 1, 128 }, 0, 1, -1, 0.1f, 5 },
	[FX_T_FC_W] = { "fc/w", I8, SP, 2, { 16, 128 }, 1, 16, 0, 0.02f, 0 },
	[FX_T_FC_OUT] = { "fc", I8, 0, 2, { 1, 16 }, 0, 1, -1, 0.3f, 1 },
	[FX_T_SOFTMAX_OUT] = { "probs", I8, 0, 2, { 1, 16 }, 0, 1, -1, 1.0f / 256, -128 },
	[FX_T_F_CONST] = { "f/const", F32, 0, 2, { 2, 3 }, 1, 0, -1, 0, 0 },
	[FX_T_F_T] = { "f/t", F32, 0, 2, { 3, 2 }, 0, 0, -1, 0, 0 },
	[FX_T_F_PAD] = { "f/pad", F32, 0, 2, { 5, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_MEAN] = { "f/mean", F32, 0, 2, { 1, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_CAT] = { "f/cat", F32, 0, 2, { 2, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_CLIP] = { "f/clip", F32, 0, 2, { 2, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_LEAKY] = { "f/leaky", F32, 0, 2, { 2, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_ADDB] = { "f/addb", F32, 0, 1, { 4 }, 1, 0, -1, 0, 0 },
	[FX_T_F_ADD] = { "f/add", F32, 0, 2, { 2, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_F_MMB] = { "f/mmb", F32, 0, 2, { 4, 2 }, 1, 0, -1, 0, 0 },
	[FX_T_F_MM] = { "f/mm", F32, 0, 2, { 2, 2 }, 0, 0, -1, 0, 0 },
	[FX_T_FC2_W] = { "fc2/w", I4, SP, 2, { 4, 16 }, 1, 4, 0, 0.5f, 0 },
	[FX_T_FC2_OUT] = { "fc2", I8, 0, 2, { 1, 4 }, 0, 1, -1, 0.25f, 0 },
	[FX_T_DEQ] = { "deq", F32, 0, 2, { 1, 4 }, 0, 0, -1, 0, 0 },
	[FX_T_AUX] = { "aux", U8, 0, 2, { 1, 4 }, 0, 1, -1, 0.5f, 128 },
	[FX_T_AUX_Q] = { "aux/q", I8, 0, 2, { 1, 4 }, 0, 1, -1, 0.5f, 0 },
	[FX_T_BODY_IN] = { "body/in", F32, 0, 1, { 4 }, 0, 0, -1, 0, 0 },
	[FX_T_BODY_OUT] = { "body/out", F32, 0, 1, { 4 }, 0, 0, -1, 0, 0 },
};

static int add_tensor(struct tm_builder *b, const struct fx_tensor *ft)
{
	struct tm_tensor_spec spec = {
		.name = ft->name, .dtype = ft->dtype, .layout = ft->layout, .rank = ft->rank,
		.qparam_count = ft->nq, .quant_axis = ft->axis,
	};
	float scales[16];
	int32_t zps[16];
	uint8_t *data = NULL;
	uint64_t bytes;
	int ret;

	memcpy(spec.shape, ft->shape, sizeof(spec.shape));
	for (unsigned k = 0; k < ft->nq; k++) {
		scales[k] = ft->scale * (float)(k + 1);
		zps[k] = ft->zp;
	}
	spec.scales = scales;
	spec.zero_points = zps;
	if (ft->is_const) {
		ret = tm_fmt_tensor_bytes(ft->dtype, ft->layout, ft->shape, ft->rank, &bytes);
		if (ret)
			return ret;
		data = malloc(bytes);
		if (!data)
			return -ENOMEM;
		fill(data, bytes, ft->dtype, ft->layout,
		     ft->layout == SP ? bytes / (ft->dtype == I4 ? 2 : 3) : 0);
		spec.data = data;
		spec.data_size = bytes;
	}
	ret = tm_builder_add_tensor(b, &spec);
	free(data);
	return ret;
}

#define OP(opc, nm, ins, outs, opts, place) \
	tm_builder_add_op(b, opc, nm, ins, TM_ARRAY_LEN(ins), outs, TM_ARRAY_LEN(outs), \
			  opts, sizeof(*(opts)), place)
#define TM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define U32(...) ((const uint32_t[]){ __VA_ARGS__ })

static int add_cnn_ops(struct tm_builder *b)
{
	const struct tm_conv_options conv = { 1, 1, 1, 1, 1, 1, 1, 1, 1, { TM_ACT_RELU, 0, 0 } };
	const struct tm_conv_options dw = { 1, 1, 1, 1, 1, 1, 1, 1, 1, { TM_ACT_RELU6, 0, 0 } };
	const struct tm_pool_options pool = { 2, 2, 2, 2, 0, 0, 0, 0, { TM_ACT_NONE, 0, 0 } };
	const struct tm_fc_options fc = { { TM_ACT_NONE, 0, 0 }, 0 };
	const struct tm_softmax_options sm = { 1.0f };
	int ret = 0;

	ret |= OP(TM_OP_CONV_2D, "conv", U32(FX_T_INPUT, FX_T_CONV_W, FX_T_CONV_B),
		  U32(FX_T_CONV_OUT), &conv, TM_PLACE_DEVICE) < 0;
	ret |= OP(TM_OP_DEPTHWISE_CONV_2D, "dw", U32(FX_T_CONV_OUT, FX_T_DW_W, TM_FMT_NONE),
		  U32(FX_T_DW_OUT), &dw, TM_PLACE_AUTO) < 0;
	ret |= OP(TM_OP_MAX_POOL_2D, "pool", U32(FX_T_DW_OUT), U32(FX_T_POOL_OUT), &pool,
		  TM_PLACE_AUTO) < 0;
	ret |= tm_builder_add_op(b, TM_OP_RESHAPE, "flatten", U32(FX_T_POOL_OUT), 1,
				 U32(FX_T_FLAT), 1, NULL, 0, TM_PLACE_AUTO) < 0;
	ret |= OP(TM_OP_FULLY_CONNECTED, "fc", U32(FX_T_FLAT, FX_T_FC_W, TM_FMT_NONE),
		  U32(FX_T_FC_OUT), &fc, TM_PLACE_CPU) < 0;
	ret |= OP(TM_OP_SOFTMAX, "softmax", U32(FX_T_FC_OUT), U32(FX_T_SOFTMAX_OUT), &sm,
		  TM_PLACE_AUTO) < 0;
	return ret ? -EINVAL : 0;
}

static int add_float_ops(struct tm_builder *b)
{
	const struct tm_transpose_options tr = { { 1, 0 } };
	const struct tm_pad_options pad = { { 1, 1 }, { 1, 1 }, 0.0f };
	const struct tm_reduce_options mean = { 1, 1 };
	const struct tm_concat_options cat = { 0, { TM_ACT_NONE, 0, 0 } };
	const struct tm_clip_options clip = { -2.0f, 2.0f };
	const struct tm_leaky_relu_options leaky = { 0.1f };
	const struct tm_binary_options add = { { TM_ACT_CLIP, -1.0f, 1.0f } };
	const struct tm_matmul_options mm = { 0, 0 };
	int ret = 0;

	ret |= OP(TM_OP_TRANSPOSE, "t", U32(FX_T_F_CONST), U32(FX_T_F_T), &tr, 0) < 0;
	ret |= OP(TM_OP_PAD, "pad", U32(FX_T_F_T), U32(FX_T_F_PAD), &pad, 0) < 0;
	ret |= OP(TM_OP_MEAN, "mean", U32(FX_T_F_PAD), U32(FX_T_F_MEAN), &mean, 0) < 0;
	ret |= OP(TM_OP_CONCATENATION, "cat", U32(FX_T_F_MEAN, FX_T_F_MEAN), U32(FX_T_F_CAT),
		  &cat, 0) < 0;
	ret |= OP(TM_OP_CLIP, "clip", U32(FX_T_F_CAT), U32(FX_T_F_CLIP), &clip, 0) < 0;
	ret |= OP(TM_OP_LEAKY_RELU, "leaky", U32(FX_T_F_CLIP), U32(FX_T_F_LEAKY), &leaky, 0) < 0;
	ret |= OP(TM_OP_ADD, "add", U32(FX_T_F_LEAKY, FX_T_F_ADDB), U32(FX_T_F_ADD), &add, 0) < 0;
	ret |= OP(TM_OP_BATCH_MATMUL, "mm", U32(FX_T_F_ADD, FX_T_F_MMB), U32(FX_T_F_MM), &mm,
		  0) < 0;
	return ret ? -EINVAL : 0;
}

static int add_quant_ops(struct tm_builder *b)
{
	const struct tm_fc_options fc = { { TM_ACT_NONE, 0, 0 }, 1 };
	int ret = 0;

	ret |= OP(TM_OP_FULLY_CONNECTED, "fc2", U32(FX_T_FC_OUT, FX_T_FC2_W),
		  U32(FX_T_FC2_OUT), &fc, TM_PLACE_DEVICE) < 0;
	ret |= tm_builder_add_op(b, TM_OP_DEQUANTIZE, "deq", U32(FX_T_FC2_OUT), 1, U32(FX_T_DEQ),
				 1, NULL, 0, 0) < 0;
	ret |= tm_builder_add_op(b, TM_OP_QUANTIZE, "q", U32(FX_T_AUX), 1, U32(FX_T_AUX_Q), 1,
				 NULL, 0, 0) < 0;
	return ret ? -EINVAL : 0;
}

static int build(struct tm_builder *b)
{
	int ret = 0;

	for (unsigned i = 0; i < FX_N_TENSORS && !ret; i++)
		ret = add_tensor(b, &fx_tensors[i]) == (int)i ? 0 : -EINVAL;
	if (!ret)
		ret = add_cnn_ops(b);
	if (!ret)
		ret = add_float_ops(b);
	if (!ret)
		ret = add_quant_ops(b);
	if (!ret)
		ret = tm_builder_set_io(b, U32(FX_T_INPUT, FX_T_AUX), 2,
					U32(FX_T_SOFTMAX_OUT, FX_T_F_MM, FX_T_DEQ, FX_T_AUX_Q), 4);
	if (!ret)
		ret = tm_builder_begin_subgraph(b, "body") == 1 ? 0 : -EINVAL;
	if (!ret)
		ret = tm_builder_add_op(b, TM_OP_RELU, "body/relu", U32(FX_T_BODY_IN), 1,
					U32(FX_T_BODY_OUT), 1, NULL, 0, 0) == 0 ? 0 : -EINVAL;
	if (!ret)
		ret = tm_builder_set_io(b, U32(FX_T_BODY_IN), 1, U32(FX_T_BODY_OUT), 1);
	if (!ret)
		ret = tm_builder_set_metadata(b, "producer", "tmaccel tests");
	if (!ret)
		ret = tm_builder_set_metadata(b, "source", "model_fixture.c");
	return ret;
}

int fixture_build(void **buf, size_t *size)
{
	struct tm_builder *b = tm_builder_new();
	int ret;

	if (!b)
		return -ENOMEM;
	ret = build(b);
	if (!ret)
		ret = tm_builder_finish(b, buf, size);
	tm_builder_del(b);
	return ret;
}

static struct tm_fmt_section *table(uint8_t *buf, size_t size, uint32_t *n)
{
	struct tm_fmt_header *h = (void *)buf;

	if (size < sizeof(*h))
		return NULL;
	*n = h->section_count;
	if (*n > (size - sizeof(*h)) / sizeof(struct tm_fmt_section))
		*n = (uint32_t)((size - sizeof(*h)) / sizeof(struct tm_fmt_section));
	return (void *)(buf + sizeof(*h));
}

struct tm_fmt_section *fixture_section(uint8_t *buf, size_t size, unsigned type)
{
	uint32_t n;
	struct tm_fmt_section *tab = table(buf, size, &n);

	for (uint32_t i = 0; tab && i < n; i++)
		if (tab[i].type == type && tab[i].offset <= size && tab[i].size <= size - tab[i].offset)
			return &tab[i];
	return NULL;
}

void *fixture_records(uint8_t *buf, size_t size, unsigned type)
{
	struct tm_fmt_section *s = fixture_section(buf, size, type);

	return s ? buf + s->offset : NULL;
}

void fixture_fix_crcs(uint8_t *buf, size_t size)
{
	struct tm_fmt_header *h = (void *)buf;
	uint32_t n;
	struct tm_fmt_section *tab = table(buf, size, &n);

	if (!tab)
		return;
	for (uint32_t i = 0; i < n; i++)
		if (tab[i].offset <= size && tab[i].size <= size - tab[i].offset)
			tab[i].crc32 = tm_crc32(0, buf + tab[i].offset, tab[i].size);
	h->table_crc32 = tm_crc32(0, tab, n * sizeof(*tab));
	h->header_crc32 = 0;
	h->header_crc32 = tm_crc32(0, h, sizeof(*h));
}
