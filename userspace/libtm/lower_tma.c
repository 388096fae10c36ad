// SPDX-License-Identifier: MIT
/*
 * lower_tma.c - CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as TMA
 * commands. The op glue (ops_nn.c) has already checked the op in prepare;
 * what is checked here is only what the device adds: its capabilities, its
 * field widths, constant weights and bias, activations in the arena, and a
 * requantization shift the device can apply. The multipliers are computed
 * with the same functions and rules as the CPU path, so the device's
 * results are the CPU's, byte for byte.
 */
#include <errno.h>
#include <string.h>
#include "lower_tma.h"
#include "nn.h"
#include "ops.h"

/* One device layer: the op's geometry in the command's terms. */
struct dev_layer {
	unsigned opcode;
	int32_t images;                      /* CONV: batch (one command each) */
	int32_t in_h, in_w, in_c, out_h, out_w, out_c;
	int32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
	const struct tm_fused_act *act;
};

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static int is_device_opcode(unsigned opcode)
{
	return opcode == TM_OP_CONV_2D || opcode == TM_OP_DEPTHWISE_CONV_2D ||
	       opcode == TM_OP_FULLY_CONNECTED;
}

/* FC as the ABI's GEMM: M rows = out_w, K = in_c, N = out_c. */
static void fc_layer(const struct tm_op_ctx *ctx, struct dev_layer *l)
{
	const struct tm_fc_options *o = ctx->options;
	const struct tm_tensor *w = ctx->in[1];

	*l = (struct dev_layer){
		.opcode = TM_OP_FULLY_CONNECTED, .images = 1, .in_h = 1, .out_h = 1,
		.in_c = w->shape[1], .out_c = w->shape[0],
		.k_h = 1, .k_w = 1, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
		.act = &o->act,
	};
	l->in_w = l->out_w = (int32_t)(tm_tensor_elems(ctx->in[0]) / (size_t)l->in_c);
}

static void conv_layer(const struct tm_op_ctx *ctx, struct dev_layer *l)
{
	const struct tm_conv_options *o = ctx->options;
	const struct tm_tensor *in = ctx->in[0], *w = ctx->in[1], *out = ctx->out[0];

	*l = (struct dev_layer){
		.opcode = ctx->op->opcode, .images = in->shape[0],
		.in_h = in->shape[1], .in_w = in->shape[2], .in_c = in->shape[3],
		.out_h = out->shape[1], .out_w = out->shape[2], .out_c = out->shape[3],
		.k_h = w->shape[1], .k_w = w->shape[2],
		.stride_h = o->stride_h, .stride_w = o->stride_w,
		.dil_h = o->dilation_h, .dil_w = o->dilation_w,
		.pad_top = o->pad_top, .pad_left = o->pad_left, .act = &o->act,
	};
}

static void layer_of(const struct tm_op_ctx *ctx, struct dev_layer *l)
{
	if (ctx->op->opcode == TM_OP_FULLY_CONNECTED)
		fc_layer(ctx, l);
	else
		conv_layer(ctx, l);
}

/* Requantization of channel @c exactly as ops_nn.c computes it. */
static void chan_multiplier(const struct tm_op_ctx *ctx, int32_t c, int32_t *q_fixed, int *shift)
{
	const struct tm_tensor *w = ctx->in[1];
	int per_tensor = w->q_count == 1;
	/* TFLite rounds s_in * s_w to float32 only for FC with one weight scale. */
	int float_product = per_tensor && ctx->op->opcode == TM_OP_FULLY_CONNECTED;

	tm_nn_multiplier(ctx->in[0]->q->scale, w->q[per_tensor ? 0 : c].scale,
			 ctx->out[0]->q->scale, float_product, q_fixed, shift);
}

static int weights_check(const struct tm_backend_caps *caps, const struct tm_op_ctx *ctx,
			 char *why, size_t whylen)
{
	const struct tm_tensor *w = ctx->in[1], *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
	int sparse = w->layout == TM_LAYOUT_SPARSE_2_4;

	if (!w->is_const) {
		tm_set_error(why, whylen, "weights are computed at run time (device weights are constant)");
		return 0;
	}
	if (b && !b->is_const) {
		tm_set_error(why, whylen, "bias is computed at run time");
		return 0;
	}
	if (w->dtype == TM_DTYPE_INT4 && !(caps->flags & TM_CAP_INT4)) {
		tm_set_error(why, whylen, "int4 weights: the device has no INT4");
		return 0;
	}
	if (sparse && !(caps->flags & TM_CAP_SPARSE_2_4)) {
		tm_set_error(why, whylen, "2:4 weights: the device has no SPARSE_2_4");
		return 0;
	}
	return 1;
}

static int fits(int32_t v, int32_t max)
{
	return v >= 0 && v <= max;
}

/*
 * Layers beyond the 16-bit out_c field (dense weights, not depthwise) or,
 * for FC, beyond the 16-bit row count are cut into several commands, each
 * a slice of output channels or of rows: one command's output is another's
 * neighbour, nothing accumulates across them. The slice sizes keep every
 * operand offset a multiple of TMA_OPND_ALIGN (int4: of whole bytes too).
 */
#define SPLIT_CHANS 65528 /* multiple of 8 */
#define SPLIT_ROWS  65532 /* multiple of 4 */

static int chan_splittable(const struct tm_op_ctx *ctx)
{
	return ctx->op->opcode != TM_OP_DEPTHWISE_CONV_2D &&
	       ctx->in[1]->layout != TM_LAYOUT_SPARSE_2_4;
}

/* Rows (FC) and output channels one command takes. */
static int32_t split_rows(const struct dev_layer *l)
{
	return l->opcode == TM_OP_FULLY_CONNECTED && l->out_w > 0xffff ? SPLIT_ROWS : l->out_w;
}

static int32_t split_chans(const struct dev_layer *l)
{
	return l->out_c > 0xffff ? SPLIT_CHANS : l->out_c;
}

static int geometry_check(const struct tm_op_ctx *ctx, const struct dev_layer *l, char *why,
			  size_t whylen)
{
	int fc = l->opcode == TM_OP_FULLY_CONNECTED;

	if (l->out_c > 0xffff && !chan_splittable(ctx)) {
		tm_set_error(why, whylen, "%d output channels exceed the 16-bit field and %s weights "
			     "are not split", l->out_c,
			     ctx->in[1]->layout == TM_LAYOUT_SPARSE_2_4 ? "2:4" : "depthwise");
		return 0;
	}
	if (!fits(l->in_h, 0xffff) || !fits(l->in_w, fc ? INT32_MAX : 0xffff) ||
	    !fits(l->in_c, 0xffff) || !fits(l->out_h, 0xffff) ||
	    !fits(l->out_w, fc ? INT32_MAX : 0xffff)) {
		tm_set_error(why, whylen, "a dimension exceeds the device's 16-bit fields");
		return 0;
	}
	/* Images after the first start at their offset: it must stay aligned. */
	if (l->images > 1 && (((uint64_t)l->in_h * l->in_w * l->in_c) % TMA_OPND_ALIGN ||
			      ((uint64_t)l->out_h * l->out_w * l->out_c) % TMA_OPND_ALIGN)) {
		tm_set_error(why, whylen, "image size not a multiple of %d bytes (device offsets)",
			     TMA_OPND_ALIGN);
		return 0;
	}
	if (!fits(l->k_h, 0xff) || !fits(l->k_w, 0xff) || !fits(l->stride_h, 0xff) ||
	    !fits(l->stride_w, 0xff) || !fits(l->dil_h, 0xff) || !fits(l->dil_w, 0xff) ||
	    !fits(l->pad_top, 0xff) || !fits(l->pad_left, 0xff)) {
		tm_set_error(why, whylen, "kernel, stride, dilation or padding exceeds 255");
		return 0;
	}
	if ((uint64_t)l->in_w * (uint64_t)l->in_c > UINT32_MAX ||
	    (uint64_t)l->out_w * (uint64_t)l->out_c > UINT32_MAX) {
		tm_set_error(why, whylen, "a row stride exceeds 32 bits");
		return 0;
	}
	return 1;
}

static int quant_check(const struct tm_op_ctx *ctx, int32_t out_c, char *why, size_t whylen)
{
	for (int32_t c = 0; c < out_c; c++) {
		int32_t q_fixed;
		int shift;

		chan_multiplier(ctx, c, &q_fixed, &shift);
		if (shift < -31) {
			tm_set_error(why, whylen, "channel %d: requantization shift %d is below the "
				     "device's -31", c, shift);
			return 0;
		}
	}
	return 1;
}

int tm_lower_op_check(const struct tm_backend_caps *caps, const struct tm_op_ctx *ctx,
		      char *why, size_t whylen)
{
	const char *name = tm_opcode_name(ctx->op->opcode);
	struct dev_layer l;

	if (!(caps->flags & TM_CAP_TMA_CMDS) || !(caps->flags & TM_CAP_INT8)) {
		tm_set_error(why, whylen, "the device does not run int8 TMA commands");
		return 0;
	}
	if (!is_device_opcode(ctx->op->opcode)) {
		tm_set_error(why, whylen, "%s has no device command", name ? name : "this op");
		return 0;
	}
	if (ctx->in[0]->dtype != TM_DTYPE_INT8) {
		tm_set_error(why, whylen, "%s activations (the device takes int8)",
			     tm_dtype_name(ctx->in[0]->dtype));
		return 0;
	}
	if (ctx->in[0]->is_const || !ctx->in[0]->data || !ctx->out[0]->data) {
		tm_set_error(why, whylen, "input is a constant, not an activation");
		return 0;
	}
	if (ctx->op->opcode == TM_OP_DEPTHWISE_CONV_2D && !(caps->flags & TM_CAP_DEPTHWISE)) {
		tm_set_error(why, whylen, "the device has no depthwise mode");
		return 0;
	}
	if (!weights_check(caps, ctx, why, whylen))
		return 0;
	layer_of(ctx, &l);
	return geometry_check(ctx, &l, why, whylen) && quant_check(ctx, l.out_c, why, whylen);
}

static uint64_t align64(uint64_t v)
{
	return (v + 63) & ~(uint64_t)63;
}

uint64_t tm_lower_const_bytes(const struct tm_op_ctx *ctx)
{
	return align64(ctx->in[1]->bytes) +
	       align64((uint64_t)ctx->out[0]->shape[ctx->out[0]->rank - 1] * TMA_CHAN_PARAM_SIZE);
}

unsigned tm_lower_cmd_count(const struct tm_op_ctx *ctx)
{
	struct dev_layer l;

	layer_of(ctx, &l);
	return (unsigned)((uint64_t)l.images * div_up((uint64_t)l.out_w, (uint64_t)split_rows(&l)) *
			  div_up((uint64_t)l.out_c, (uint64_t)split_chans(&l)));
}

/* Weights as stored (model.bin's layout is the ABI's), then the channel table. */
static void build_const(const struct tm_op_ctx *ctx, int32_t out_c, uint8_t *konst)
{
	const struct tm_tensor *w = ctx->in[1], *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
	struct tma_chan_param *cp = (struct tma_chan_param *)(konst + align64(w->bytes));
	const int32_t *bias = b ? b->data : NULL;

	memcpy(konst, w->data, w->bytes);
	for (int32_t c = 0; c < out_c; c++) {
		int32_t q_fixed;
		int shift;

		chan_multiplier(ctx, c, &q_fixed, &shift);
		cp[c] = (struct tma_chan_param){
			.bias = bias ? (uint32_t)bias[c] : 0,
			.mult = (uint32_t)q_fixed,
			.shift = (uint32_t)shift,
		};
	}
}

static uint32_t flags_of(const struct tm_op_ctx *ctx)
{
	const struct tm_tensor *w = ctx->in[1];
	uint32_t f = 0;

	if (w->dtype == TM_DTYPE_INT4)
		f |= TMA_FLAG_INT4;
	if (w->layout == TM_LAYOUT_SPARSE_2_4)
		f |= TMA_FLAG_SPARSE_2_4;
	if (ctx->op->opcode == TM_OP_DEPTHWISE_CONV_2D)
		f |= TMA_FLAG_DEPTHWISE;
	return f;
}

static uint32_t pack16(int32_t lo, int32_t hi)
{
	return (uint32_t)lo << TMA_CMD_LO16_SHIFT | (uint32_t)hi << TMA_CMD_HI16_SHIFT;
}

static uint32_t pack8(int32_t b0, int32_t b1, int32_t b2, int32_t b3)
{
	return ((uint32_t)b0 & 0xff) << TMA_CMD_B0_SHIFT | ((uint32_t)b1 & 0xff) << TMA_CMD_B1_SHIFT |
	       ((uint32_t)b2 & 0xff) << TMA_CMD_B2_SHIFT | ((uint32_t)b3 & 0xff) << TMA_CMD_B3_SHIFT;
}

/* The command of image 0; FC leaves the fields the ABI fixes at 0. */
static void base_cmd(const struct tm_op_ctx *ctx, const struct dev_layer *l, struct tma_cmd *c)
{
	const struct tm_fmt_qparam *iq = ctx->in[0]->q, *oq = ctx->out[0]->q;
	int fc = l->opcode == TM_OP_FULLY_CONNECTED;
	int32_t act_min, act_max;
	float lo, hi;

	tm_op_fused_act((struct tm_op_ctx *)ctx, l->act, &lo, &hi);
	tm_op_act_range_int8(lo, hi, oq->scale, oq->zero_point, &act_min, &act_max);
	memset(c, 0, sizeof(*c));
	c->op = (uint32_t)(fc ? TMA_OP_FC : TMA_OP_CONV2D) << TMA_CMD_OP_OPCODE_SHIFT |
		flags_of(ctx) << TMA_CMD_OP_FLAGS_SHIFT;
	c->regions = TM_LOWER_RGN_ARENA << TMA_CMD_REGIONS_IN_SHIFT |
		     TM_LOWER_RGN_CONST << TMA_CMD_REGIONS_WGT_SHIFT |
		     TM_LOWER_RGN_CONST << TMA_CMD_REGIONS_CHAN_SHIFT |
		     TM_LOWER_RGN_ARENA << TMA_CMD_REGIONS_OUT_SHIFT;
	c->chans = pack16(l->in_c, l->out_c);
	c->quant = pack8(iq->zero_point, oq->zero_point, act_min, act_max);
	c->in_pix_stride = (uint32_t)l->in_c;
	c->out_pix_stride = (uint32_t)l->out_c;
	if (fc) {
		c->out_hw = pack16(0, l->out_w);
		return;
	}
	c->in_hw = pack16(l->in_h, l->in_w);
	c->out_hw = pack16(l->out_h, l->out_w);
	c->kernel = pack8(l->k_h, l->k_w, l->stride_h, l->stride_w);
	c->dil_pad = pack8(l->dil_h, l->dil_w, l->pad_top, l->pad_left);
	c->in_row_stride = (uint32_t)(l->in_w * l->in_c);
	c->out_row_stride = (uint32_t)(l->out_w * l->out_c);
}

static int offset32(const void *base, const void *p, uint64_t extra, uint32_t *off)
{
	uint64_t o = (uint64_t)((const uint8_t *)p - (const uint8_t *)base) + extra;

	*off = (uint32_t)o;
	return o <= UINT32_MAX && !(o % TMA_OPND_ALIGN);
}

/* One command: image @b, rows [@r0, +@nr) (FC), output channels [@c0, +@nc). */
struct slice {
	int32_t b, r0, nr, c0, nc;
};

static int slice_cmd(const struct tm_op_ctx *ctx, const struct dev_layer *l,
		     const struct slice *s, const void *arena, uint64_t wgt, uint64_t chan,
		     struct tma_cmd *c)
{
	const struct tm_tensor *w = ctx->in[1];
	uint64_t k = (uint64_t)l->k_h * l->k_w * l->in_c; /* weights per output channel */
	uint64_t in_off = (uint64_t)s->b * l->in_h * l->in_w * l->in_c + (uint64_t)s->r0 * l->in_c;
	uint64_t out_off = (uint64_t)s->b * l->out_h * l->out_w * l->out_c +
			   (uint64_t)s->r0 * l->out_c + (uint64_t)s->c0;

	base_cmd(ctx, l, c);
	c->chans = pack16(l->in_c, s->nc);
	if (l->opcode == TM_OP_FULLY_CONNECTED)
		c->out_hw = pack16(0, s->nr);
	/* Slices start at whole bytes: c0 is a multiple of 8 (SPLIT_CHANS). */
	wgt += (uint64_t)s->c0 * k / (w->dtype == TM_DTYPE_INT4 ? 2 : 1);
	chan += (uint64_t)s->c0 * TMA_CHAN_PARAM_SIZE;
	return offset32(arena, arena, wgt, &c->wgt_offset) &&
	       offset32(arena, arena, chan, &c->chan_offset) &&
	       offset32(arena, ctx->in[0]->data, in_off, &c->in_offset) &&
	       offset32(arena, ctx->out[0]->data, out_off, &c->out_offset);
}

int tm_lower_op(const struct tm_op_ctx *ctx, const void *arena, uint8_t *konst, uint64_t koff,
		struct tma_cmd *cmds, char *why, size_t whylen)
{
	uint64_t chan = koff + align64(ctx->in[1]->bytes);
	int32_t rows, chans;
	struct dev_layer l;
	unsigned n = 0;

	layer_of(ctx, &l);
	rows = split_rows(&l);
	chans = split_chans(&l);
	build_const(ctx, l.out_c, konst);
	for (int32_t b = 0; b < l.images; b++)
		for (int32_t r0 = 0; r0 < l.out_w; r0 += rows)
			for (int32_t c0 = 0; c0 < l.out_c; c0 += chans) {
				struct slice s = {
					b, r0, l.out_w - r0 < rows ? l.out_w - r0 : rows,
					c0, l.out_c - c0 < chans ? l.out_c - c0 : chans,
				};

				if (!slice_cmd(ctx, &l, &s, arena, koff, chan, &cmds[n++])) {
					tm_set_error(why, whylen, "operands beyond the device's "
						     "32-bit offsets or misaligned");
					return -EINVAL;
				}
			}
	return 0;
}

#define DEV_CMD_CYCLES 32  /* fetch, decode and checks of a command; first tile */
#define DEV_JOB_CYCLES 64  /* descriptor fetch and completion record */

uint64_t tm_lower_op_cycles(const struct tm_backend_caps *caps, const struct tm_op_ctx *ctx)
{
	const struct tm_tensor *w = ctx->in[1];
	uint64_t rows = caps->array_rows ? caps->array_rows : 1;
	uint64_t cols = caps->array_cols ? caps->array_cols : 1;
	uint64_t bus = caps->bus_bytes ? caps->bus_bytes : 8;
	uint64_t pixels, taps, lanes, compute, bytes, dma;
	struct dev_layer l;

	layer_of(ctx, &l);
	pixels = (uint64_t)l.out_h * (uint64_t)l.out_w;
	taps = (uint64_t)l.k_h * (uint64_t)l.k_w;
	lanes = div_up((uint64_t)l.out_c, cols);
	if (l.opcode == TM_OP_DEPTHWISE_CONV_2D) {
		compute = pixels * lanes * taps;
	} else {
		uint64_t per_cycle = rows * (w->dtype == TM_DTYPE_INT4 ? 2 : 1) *
				     (w->layout == TM_LAYOUT_SPARSE_2_4 ? 2 : 1);

		compute = pixels * lanes * taps * div_up((uint64_t)l.in_c, per_cycle);
	}
	/* Per image: its input and output, the weights and channel table again. */
	bytes = (uint64_t)l.in_h * l.in_w * l.in_c + pixels * (uint64_t)l.out_c + w->bytes +
		(uint64_t)l.out_c * TMA_CHAN_PARAM_SIZE;
	dma = div_up(bytes, bus);
	return (uint64_t)l.images * (DEV_CMD_CYCLES + (compute > dma ? compute : dma)) +
	       DEV_JOB_CYCLES;
}

void tm_lower_end(struct tma_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->op = TMA_OP_END << TMA_CMD_OP_OPCODE_SHIFT;
}
