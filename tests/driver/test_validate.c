// SPDX-License-Identifier: MIT
/*
 * test_validate.c - the driver's command-stream walker (driver/tma_validate.c)
 * built in userspace: every reject reason on a minimal change of a valid
 * stream, operand spans exactly at and one byte past their region, no
 * wrap-around with extreme strides and offsets.
 */
#include <errno.h>
#include <string.h>

#include "tm_test.h"
#include "tma_cmd.h"
#include "tma_regs.h"
#include "drm/tma_drm.h"
#include "tma_validate.h"

#define CAPS_ALL (TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK | \
		  TMA_CAPS_DEPTHWISE_MASK)

static __u64 sizes[4] = { 4096, 4096, 4096, 4096 };

/* FC: M=3 rows, K=16, N=8; spans: in 2*16+16 = 48, wgt 128, chan 128, out 2*8+8 = 24. */
static void fc(struct tma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = TMA_OP_FC;
	c->regions = 0 | 1 << 8 | 2 << 16 | 3 << 24;
	c->chans = 16 | 8u << 16;
	c->out_hw = 3u << 16;
	c->quant = 0x80u << 16 | 0x7fu << 24;
	c->in_pix_stride = 16;
	c->out_pix_stride = 8;
}

/* CONV2D 5x5x4 -> 3x3x6 with a 3x3 kernel, no padding. */
static void conv(struct tma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = TMA_OP_CONV2D;
	c->regions = 0 | 1 << 8 | 2 << 16 | 3 << 24;
	c->in_hw = 5 | 5u << 16;
	c->chans = 4 | 6u << 16;
	c->out_hw = 3 | 3u << 16;
	c->kernel = 3 | 3 << 8 | 1 << 16 | 1 << 24;
	c->dil_pad = 1 | 1 << 8;
	c->quant = 0x80u << 16 | 0x7fu << 24;
	c->in_pix_stride = 4;
	c->in_row_stride = 20;
	c->out_pix_stride = 6;
	c->out_row_stride = 18;
}

static void end(struct tma_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = TMA_OP_END;
}

static int run(struct tma_cmd *s, unsigned int n, struct tma_validate_result *r)
{
	return tma_validate_stream(s, n, sizes, 4, CAPS_ALL, r);
}

/* A valid two-command stream spoiled by @spoil must fail with @reason at command 0. */
static int rejects(void (*spoil)(struct tma_cmd *), __u32 reason, __u32 opnd)
{
	struct tma_cmd s[2];
	struct tma_validate_result r;

	fc(&s[0]);
	end(&s[1]);
	spoil(s);
	return run(s, 2, &r) == -EINVAL && r.reason == reason && r.cmd == 0 && r.opnd == opnd;
}

static void sp_opcode(struct tma_cmd *c) { c->op = 0x12; }
static void sp_reserved_op(struct tma_cmd *c) { c->op |= 1u << 16; }
static void sp_flag(struct tma_cmd *c) { c->op |= 0x08u << 8; }
static void sp_dw_fc(struct tma_cmd *c) { c->op |= TMA_FLAG_DEPTHWISE << 8; }
static void sp_zero_k(struct tma_cmd *c) { c->chans &= 0xffff0000u; }
static void sp_fc_kernel(struct tma_cmd *c) { c->kernel = 1; }
static void sp_fc_row(struct tma_cmd *c) { c->in_row_stride = 4; }
static void sp_clamp(struct tma_cmd *c) { c->quant = 0x7fu << 16 | 0x80u << 24; }
static void sp_out_pix(struct tma_cmd *c) { c->out_pix_stride = 7; }
static void sp_region(struct tma_cmd *c) { c->regions = 0 | 1 << 8 | 4 << 16 | 3 << 24; }
static void sp_align(struct tma_cmd *c) { c->wgt_offset = 2; }
static void sp_bounds(struct tma_cmd *c) { c->out_offset = 4096 - 20; }
static void sp_wrap(struct tma_cmd *c) { c->in_offset = 0xfffffffcu; c->in_pix_stride = ~0u; }

static int validate_accepts_fc_conv(void)
{
	struct tma_cmd s[4];
	struct tma_validate_result r;

	fc(&s[0]);
	conv(&s[1]);
	s[2].op = TMA_OP_NOP;
	end(&s[3]);
	memset(&s[2], 0, sizeof(s[2]));
	s[2].op = TMA_OP_NOP;
	return run(s, 4, &r) == 0 && r.reason == 0 && r.cmd == 3;
}

static int validate_rejects_each_class(void)
{
	return rejects(sp_opcode, DRM_TMA_REJECT_OPCODE, 0) &&
	       rejects(sp_reserved_op, DRM_TMA_REJECT_OPCODE, 0) &&
	       rejects(sp_flag, DRM_TMA_REJECT_FLAGS, 0) &&
	       rejects(sp_dw_fc, DRM_TMA_REJECT_FLAGS, 0) &&
	       rejects(sp_zero_k, DRM_TMA_REJECT_DIMS, 0) &&
	       rejects(sp_fc_kernel, DRM_TMA_REJECT_DIMS, 0) &&
	       rejects(sp_fc_row, DRM_TMA_REJECT_DIMS, 0) &&
	       rejects(sp_clamp, DRM_TMA_REJECT_DIMS, 0) &&
	       rejects(sp_out_pix, DRM_TMA_REJECT_DIMS, 0) &&
	       rejects(sp_region, DRM_TMA_REJECT_REGION, TMA_OPND_CHAN) &&
	       rejects(sp_align, DRM_TMA_REJECT_ALIGN, TMA_OPND_WGT) &&
	       rejects(sp_bounds, DRM_TMA_REJECT_BOUNDS, TMA_OPND_OUT) &&
	       rejects(sp_wrap, DRM_TMA_REJECT_BOUNDS, TMA_OPND_IN);
}

static int validate_no_end(void)
{
	struct tma_cmd s[2];
	struct tma_validate_result r;

	fc(&s[0]);
	fc(&s[1]);
	return run(s, 2, &r) == -EINVAL && r.reason == DRM_TMA_REJECT_NO_END && r.cmd == 2;
}

/* Commands after END are never run, so they are not checked either. */
static int validate_stops_at_end(void)
{
	struct tma_cmd s[3];
	struct tma_validate_result r;

	end(&s[0]);
	memset(&s[1], 0xff, sizeof(s[1]));
	end(&s[2]);
	return run(s, 3, &r) == 0 && r.cmd == 0;
}

/* The conv output span is 2*18 + 2*6 + 6 = 54 bytes: offset 4096-56 fits, -52 not. */
static int validate_span_edge(void)
{
	struct tma_cmd s[2];
	struct tma_validate_result r;
	int ok;

	conv(&s[0]);
	end(&s[1]);
	s[0].out_offset = 4096 - 56;
	ok = run(s, 2, &r) == 0;
	s[0].out_offset = 4096 - 52;
	return ok && run(s, 2, &r) == -EINVAL && r.reason == DRM_TMA_REJECT_BOUNDS &&
	       r.opnd == TMA_OPND_OUT;
}

/* int4 weights: ceil(E/2) bytes; E = 6*3*3*4 = 216 -> 108; without the cap: FLAGS. */
static int validate_int4_caps(void)
{
	struct tma_cmd s[2];
	struct tma_validate_result r;
	__u64 small[4] = { 4096, 108, 4096, 4096 };
	int ok;

	conv(&s[0]);
	s[0].op |= TMA_FLAG_INT4 << 8;
	end(&s[1]);
	ok = tma_validate_stream(s, 2, small, 4, CAPS_ALL, &r) == 0;
	small[1] = 107;
	ok = ok && tma_validate_stream(s, 2, small, 4, CAPS_ALL, &r) == -EINVAL &&
	     r.reason == DRM_TMA_REJECT_BOUNDS && r.opnd == TMA_OPND_WGT;
	return ok && tma_validate_stream(s, 2, sizes, 4, TMA_CAPS_INT8_MASK, &r) == -EINVAL &&
	       r.reason == DRM_TMA_REJECT_FLAGS;
}

/* Depthwise: out_c a multiple of in_c, weights kh*kw*out_c. */
static int validate_depthwise(void)
{
	struct tma_cmd s[2];
	struct tma_validate_result r;
	int ok;

	conv(&s[0]);
	s[0].op |= TMA_FLAG_DEPTHWISE << 8;
	s[0].chans = 4 | 8u << 16;
	s[0].out_pix_stride = 8;
	s[0].out_row_stride = 24;
	end(&s[1]);
	ok = run(s, 2, &r) == 0;
	s[0].chans = 4 | 6u << 16;
	return ok && run(s, 2, &r) == -EINVAL && r.reason == DRM_TMA_REJECT_DIMS;
}

static void test_validate_accepts_fc_conv(void)
{
	CHECK(validate_accepts_fc_conv());
}

static void test_validate_rejects_each_class(void)
{
	CHECK(validate_rejects_each_class());
}

static void test_validate_no_end(void)
{
	CHECK(validate_no_end());
}

static void test_validate_stops_at_end(void)
{
	CHECK(validate_stops_at_end());
}

static void test_validate_span_edge(void)
{
	CHECK(validate_span_edge());
}

static void test_validate_int4_caps(void)
{
	CHECK(validate_int4_caps());
}

static void test_validate_depthwise(void)
{
	CHECK(validate_depthwise());
}

int main(void)
{
	TM_RUN(test_validate_accepts_fc_conv);
	TM_RUN(test_validate_rejects_each_class);
	TM_RUN(test_validate_no_end);
	TM_RUN(test_validate_stops_at_end);
	TM_RUN(test_validate_span_edge);
	TM_RUN(test_validate_int4_caps);
	TM_RUN(test_validate_depthwise);
	TM_TEST_EXIT();
}
