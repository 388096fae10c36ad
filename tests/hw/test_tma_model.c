// SPDX-License-Identifier: MIT
/*
 * test_tma_model.c - the TMA functional model, one job at a time: every
 * command, every error path in the order uapi/tma_cmd.h documents, and the
 * requantization arithmetic on hand-computed values.
 */
#include <stdint.h>
#include <string.h>

#include "tm_test.h"
#include "tma_cmd.h"
#include "tma_regs.h"
#include "tma_model.h"
#include "tma_harness.h"
#include "tma_abi_check.h"   /* compile-time: uapi and tma_regs.yaml agree */

static struct tmsim_params params;

static uint32_t run(const struct tma_job_desc *d, struct tma_job_result *r)
{
	return tma_job_run(&params, &test_bus, (const uint8_t *)d, r);
}

/* Run @n commands already in place; return the job status. */
static uint32_t run_cmds(uint32_t n, struct tma_job_result *r)
{
	struct tma_job_desc d;

	make_desc(&d, 77, n);
	return run(&d, r);
}

static void reset_mem(void)
{
	tma_params_default(&params);
	memset(mem, 0, sizeof(mem));
	memset(mem + OFF_OUT, 0x5a, 256);
	memset(mem + OFF_DONE, 0xee, TMA_DONE_SIZE);
}

static uint32_t info_field(uint32_t info, uint32_t shift, uint32_t mask)
{
	return (info >> shift) & mask;
}

static void test_tma_requant_values(void)
{
	CHECK_EQ(tma_requant(100, 1 << 30, 0), 50);
	CHECK_EQ(tma_requant(101, 1 << 30, 0), 51);        /* tie rounds up */
	CHECK_EQ(tma_requant(-101, 1 << 30, 0), -50);      /* ... toward +inf */
	CHECK_EQ(tma_requant(3, 1 << 30, -1), 1);          /* 0.75 */
	CHECK_EQ(tma_requant(-3, 1 << 30, -1), -1);        /* -0.75 */
	CHECK_EQ(tma_requant(-1, 1 << 30, -1), 0);         /* -0.25 */
	CHECK_EQ(tma_requant(5, 1 << 30, 2), 10);          /* 5 * 4 * 0.5 */
	CHECK_EQ(tma_requant(INT32_MIN, INT32_MIN, 0), INT32_MAX);
	CHECK_EQ(tma_requant(1, 1 << 30, 31), -1073741824); /* 1 << 31 wraps */
	CHECK_EQ(tma_requant(1, 1 << 30, 40), tma_requant(1, 1 << 30, 31));
	CHECK_EQ(tma_requant(1 << 30, 1 << 30, -40), tma_requant(1 << 30, 1 << 30, -31));
	CHECK_EQ(tma_requant(1 << 30, 1 << 30, -30), 1);   /* 2^29 / 2^30 = 0.5 -> 1 */
}

/* M=2, K=3, N=2 worked by hand (see the comment of each value). */
static void setup_fc_hand(void)
{
	static const int8_t in[6] = { 1, 2, 3, -4, 5, -6 };
	static const int8_t w[6] = { 1, -1, 2, 3, 0, -2 };
	struct spec s = fc_spec(2, 3, 2);

	memcpy(mem + OFF_IN, in, sizeof(in));
	memcpy(mem + OFF_WGT, w, sizeof(w));
	put_chan(0, 10, 1 << 30, 1);    /* x 1 */
	put_chan(1, -20, 1 << 30, 1);
	s.in_zp = 1;
	s.out_zp = 3;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
}

static void test_tma_fc_int8_hand(void)
{
	struct tma_job_result r;
	/* (x - 1) . w + bias + 3: [0,1,2].[1,-1,2]=3 -> 16; [0,1,2].[3,0,-2]=-4 -> -21;
	 * [-5,4,-7].[1,-1,2]=-23 -> -10; [-5,4,-7].[3,0,-2]=-1 -> -18 */
	static const int8_t want[4] = { 16, -21, -10, -18 };

	reset_mem();
	setup_fc_hand();
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	CHECK(!memcmp(mem + OFF_OUT, want, 4));
	CHECK_EQ(mem[OFF_OUT + 4], 0x5a);     /* nothing past the output */
	struct tma_done d = read_done();

	CHECK_EQ(d.seqno, 77);
	CHECK_EQ(d.status, TMA_OK);
	CHECK_EQ(d.err_info, 0);
	CHECK_EQ(d.cmds_done, 2);
	CHECK_EQ(d.macs, 12);
	CHECK_EQ(d.dma_wr, 4);
	CHECK(d.cycles > 0);
	CHECK_EQ(d.cycles, r.cycles);
}

static void test_tma_fc_clamp(void)
{
	struct tma_job_result r;
	struct spec s;
	static const int8_t want[4] = { 5, -5, -5, -5 };

	reset_mem();
	setup_fc_hand();
	s = fc_spec(2, 3, 2);
	s.in_zp = 1;
	s.out_zp = 3;
	s.act_min = -5;
	s.act_max = 5;
	put_cmd(0, &s);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	CHECK(!memcmp(mem + OFF_OUT, want, 4));
}

/* FC rows with strides: output gaps must stay untouched. */
static void test_tma_fc_strided_rows(void)
{
	struct tma_job_result r;
	struct spec s;

	reset_mem();
	setup_fc_hand();
	memmove(mem + OFF_IN + 8, mem + OFF_IN + 3, 3);   /* row 1 at +8 */
	s = fc_spec(2, 3, 2);
	s.in_zp = 1;
	s.out_zp = 3;
	s.in_pix = 8;
	s.out_pix = 5;
	put_cmd(0, &s);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	CHECK_EQ((int8_t)mem[OFF_OUT + 0], 16);
	CHECK_EQ((int8_t)mem[OFF_OUT + 1], -21);
	CHECK_EQ(mem[OFF_OUT + 2], 0x5a);
	CHECK_EQ((int8_t)mem[OFF_OUT + 5], -10);
	CHECK_EQ((int8_t)mem[OFF_OUT + 6], -18);
	CHECK_EQ(mem[OFF_OUT + 7], 0x5a);
}

/* 3x3x1 input 2..10 with zp 1 (so x - zp = 1..9), 3x3 ones, pad 1, stride 2. */
static void test_tma_conv_pad_stride(void)
{
	struct tma_job_result r;
	struct spec s = conv_spec(3, 3, 1, 1, 3, 2, 1);
	static const int8_t want[4] = { 12, 16, 24, 28 };  /* 1+2+4+5, 2+3+5+6, ... */

	reset_mem();
	for (int i = 0; i < 9; i++) {
		mem[OFF_IN + i] = (uint8_t)(i + 2);
		mem[OFF_WGT + i] = 1;
	}
	put_chan(0, 0, 1 << 30, 1);
	s.in_zp = 1;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	CHECK_EQ(s.out_h, 2);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	CHECK(!memcmp(mem + OFF_OUT, want, 4));
	CHECK_EQ(r.macs, 4 * 9);  /* padding taps count */
}

/* 3x3 dilation 2 over 5x5: one output, the corners and centre of a 3x3 grid. */
static void test_tma_conv_dilation(void)
{
	struct tma_job_result r;
	struct spec s = conv_spec(5, 5, 1, 1, 3, 1, 0);

	reset_mem();
	for (int i = 0; i < 25; i++)
		mem[OFF_IN + i] = (uint8_t)i;
	for (int i = 0; i < 9; i++)
		mem[OFF_WGT + i] = 1;
	put_chan(0, 0, 1 << 30, 1);
	s.dh = s.dw = 2;
	s.out_h = s.out_w = 1;
	s.out_row = 1;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	/* rows 0,2,4 x cols 0,2,4: 0+2+4+10+12+14+20+22+24 = 108 */
	CHECK_EQ((int8_t)mem[OFF_OUT], 108);
}

/* 2x2x2 input, depth multiplier 2, 2x2 kernel, w[t][oc] = oc + 1. */
static void test_tma_conv_depthwise(void)
{
	struct tma_job_result r;
	struct spec s = conv_spec(2, 2, 2, 4, 2, 1, 0);
	static const int8_t want[4] = { 16, 32, 60, 80 };

	reset_mem();
	for (int i = 0; i < 8; i++)
		mem[OFF_IN + i] = (uint8_t)(i + 1);
	for (int t = 0; t < 4; t++)
		for (int oc = 0; oc < 4; oc++)
			mem[OFF_WGT + t * 4 + oc] = (uint8_t)(oc + 1);
	for (int oc = 0; oc < 4; oc++)
		put_chan((uint32_t)oc, 0, 1 << 30, 1);
	s.flags = TMA_FLAG_DEPTHWISE;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	CHECK(!memcmp(mem + OFF_OUT, want, 4));
	CHECK_EQ(r.macs, 4 * 4);
}

static int8_t run_fc_1x4(uint32_t flags, const uint8_t *w, size_t wn, const int8_t *in,
			 uint32_t k)
{
	struct tma_job_result r;
	struct spec s = fc_spec(1, k, 1);

	reset_mem();
	memcpy(mem + OFF_IN, in, k);
	memcpy(mem + OFF_WGT, w, wn);
	put_chan(0, 0, 1 << 30, 1);
	s.flags = flags;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	return (int8_t)mem[OFF_OUT];
}

static void test_tma_weights_int4(void)
{
	static const int8_t in[3] = { 1, 1, 1 };
	static const uint8_t w[2] = { 0x78, 0x0f };  /* -8 | 7 << 4, -1 */

	CHECK_EQ(run_fc_1x4(TMA_FLAG_INT4, w, sizeof(w), in, 3), -2);
}

static void test_tma_weights_sparse_int8(void)
{
	static const int8_t in[4] = { 10, 20, 30, 40 };
	static const uint8_t w[3] = { 5, (uint8_t)-3, 1 | 3 << 2 };

	CHECK_EQ(run_fc_1x4(TMA_FLAG_SPARSE_2_4, w, sizeof(w), in, 4), 5 * 20 - 3 * 40);
}

static void test_tma_weights_sparse_int4(void)
{
	static const int8_t in[4] = { 10, 20, 30, 40 };
	static const uint8_t w[2] = { 0xe3, 0 | 2 << 2 };  /* 3, -2 at positions 0, 2 */

	CHECK_EQ(run_fc_1x4(TMA_FLAG_SPARSE_2_4 | TMA_FLAG_INT4, w, sizeof(w), in, 4),
		 3 * 10 - 2 * 30);
}

static void test_tma_weights_sparse_same_position(void)
{
	static const int8_t in[4] = { 10, 20, 30, 40 };
	static const uint8_t w[3] = { 5, (uint8_t)-3, 2 | 2 << 2 };

	CHECK_EQ(run_fc_1x4(TMA_FLAG_SPARSE_2_4, w, sizeof(w), in, 4), (5 - 3) * 30);
}

static void test_tma_nop_end(void)
{
	struct tma_job_result r;

	reset_mem();
	put_op(0, TMA_OP_NOP, 0);
	put_op(1, TMA_OP_NOP, 0);
	put_op(2, TMA_OP_END, 0);
	put_op(3, 0x7f, 0);    /* never reached */
	CHECK_EQ(run_cmds(4, &r), TMA_OK);
	CHECK_EQ(r.cmds_done, 3);
	CHECK_EQ(read_done().status, TMA_OK);
}

/* Expect the job of @n commands to fail with @code at command @cmd. */
static void expect_fail(uint32_t n, uint32_t code, uint32_t cmd, uint32_t opnd)
{
	struct tma_job_result r;

	CHECK_EQ(run_cmds(n, &r), code);
	CHECK_EQ(info_field(r.err_info, TMA_ERR_INFO_CODE_SHIFT, TMA_ERR_INFO_CODE_MASK), code);
	CHECK_EQ(info_field(r.err_info, TMA_ERR_INFO_CMD_SHIFT, TMA_ERR_INFO_CMD_MASK), cmd);
	CHECK_EQ(info_field(r.err_info, TMA_ERR_INFO_OPND_SHIFT, TMA_ERR_INFO_OPND_MASK), opnd);
	CHECK_EQ(r.cmds_done, cmd);
	struct tma_done d = read_done();

	CHECK_EQ(d.status, code);
	CHECK_EQ(d.err_info, r.err_info);
	CHECK_EQ(mem[OFF_OUT], 0x5a);          /* the failing command touched nothing */
}

static void test_tma_err_bad_opcode(void)
{
	reset_mem();
	put_op(0, TMA_OP_NOP, 0);
	put_op(1, 0x00, 0);
	expect_fail(2, TMA_ERR_BAD_OPCODE, 1, TMA_OPND_NONE);
	reset_mem();
	put_op(0, 0x12, 0);
	expect_fail(1, TMA_ERR_BAD_OPCODE, 0, TMA_OPND_NONE);
}

static void fail_with_spec(const struct spec *s, uint32_t code, uint32_t opnd)
{
	put_op(0, TMA_OP_NOP, 0);
	put_cmd(1, s);
	put_op(2, TMA_OP_END, 0);
	expect_fail(3, code, 1, opnd);
}

static void test_tma_err_bad_flags(void)
{
	struct spec s;

	reset_mem();
	put_op(0, TMA_OP_END, TMA_FLAG_INT4);
	expect_fail(1, TMA_ERR_BAD_FLAGS, 0, TMA_OPND_NONE);
	reset_mem();
	s = conv_spec(3, 3, 4, 4, 1, 1, 0);
	s.flags = 0x80;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
	s.flags = TMA_FLAG_DEPTHWISE | TMA_FLAG_SPARSE_2_4;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
	s = fc_spec(1, 4, 4);
	s.flags = TMA_FLAG_DEPTHWISE;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
	/* A capability the device lacks is a bad flag too. */
	s.flags = TMA_FLAG_INT4;
	params.caps &= ~TMA_CAPS_INT4_MASK;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
	tma_params_default(&params);
	params.caps &= ~TMA_CAPS_SPARSE_2_4_MASK;
	s.flags = TMA_FLAG_SPARSE_2_4;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
	/* Flags are checked before dimensions. */
	tma_params_default(&params);
	s = fc_spec(1, 4, 0);
	s.flags = 0x40;
	fail_with_spec(&s, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE);
}

static void test_tma_err_bad_dims(void)
{
	const struct spec base = conv_spec(4, 4, 4, 4, 3, 1, 1);
	struct spec s;

	reset_mem();
#define BAD_DIM(stmt) do { s = base; stmt; fail_with_spec(&s, TMA_ERR_BAD_DIMS, TMA_OPND_NONE); } while (0)
	BAD_DIM(s.in_h = 0);
	BAD_DIM(s.in_w = 0);
	BAD_DIM(s.in_c = 0);
	BAD_DIM(s.out_h = 0);
	BAD_DIM(s.out_w = 0);
	BAD_DIM(s.out_c = 0);
	BAD_DIM(s.kh = 0);
	BAD_DIM(s.kw = 0);
	BAD_DIM(s.sh = 0);
	BAD_DIM(s.sw = 0);
	BAD_DIM(s.dh = 0);
	BAD_DIM(s.dw = 0);
	BAD_DIM((s.act_min = 10, s.act_max = 9));
	BAD_DIM((s.flags = TMA_FLAG_DEPTHWISE, s.out_c = 6));
	BAD_DIM((s.flags = TMA_FLAG_SPARSE_2_4, s.in_c = 6, s.in_pix = 6, s.in_row = 24));
	BAD_DIM(s.out_pix = 3);
	BAD_DIM(s.out_row = s.out_w * s.out_pix - 1);
#undef BAD_DIM
	/* FC ignores the geometry fields: zero kernel/stride is fine there. */
	s = fc_spec(2, 3, 2);
	CHECK_EQ(s.kh, 0);
	put_chan(0, 0, 1 << 30, 0);
	put_chan(1, 0, 1 << 30, 0);
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	struct tma_job_result r;

	CHECK_EQ(run_cmds(2, &r), TMA_OK);
	memset(mem + OFF_OUT, 0x5a, 16);
	s.out_w = 0;
	fail_with_spec(&s, TMA_ERR_BAD_DIMS, TMA_OPND_NONE);
}

static void test_tma_err_bad_region(void)
{
	struct spec s = fc_spec(1, 4, 4);

	reset_mem();
	s.rgn[2] = 1;
	s.rgn[3] = 200;
	fail_with_spec(&s, TMA_ERR_BAD_REGION, TMA_OPND_CHAN);
}

static void test_tma_err_misaligned(void)
{
	struct spec s = fc_spec(1, 4, 4);

	reset_mem();
	s.off[3] = OFF_OUT + 1;
	fail_with_spec(&s, TMA_ERR_MISALIGNED, TMA_OPND_OUT);
	s.off[1] = OFF_WGT + 2;
	fail_with_spec(&s, TMA_ERR_MISALIGNED, TMA_OPND_WGT);
}

/* Spans checked per operand in 64-bit; the fault address is base + offset. */
static void test_tma_err_dma_fault(void)
{
	struct tma_job_desc d;
	struct tma_job_result r;
	struct spec s = fc_spec(2, 3, 2);

	reset_mem();
	put_chan(0, 0, 1 << 30, 0);
	put_chan(1, 0, 1 << 30, 0);
	s.rgn[3] = 1;
	s.off[3] = 0;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	make_desc(&d, 5, 2);
	d.region_count = 2;
	d.regions[1].base = MEM_BASE + OFF_OUT;
	d.regions[1].size = 3;           /* the output needs 4 */
	CHECK_EQ(run(&d, &r), TMA_ERR_DMA_FAULT);
	CHECK_EQ(r.err_addr, MEM_BASE + OFF_OUT);
	CHECK_EQ(info_field(r.err_info, TMA_ERR_INFO_REGION_SHIFT, TMA_ERR_INFO_REGION_MASK), 1);
	CHECK_EQ(info_field(r.err_info, TMA_ERR_INFO_OPND_SHIFT, TMA_ERR_INFO_OPND_MASK),
		 TMA_OPND_OUT);
	CHECK_EQ(mem[OFF_OUT], 0x5a);
	CHECK_EQ(read_done().err_addr, MEM_BASE + OFF_OUT);
	d.regions[1].size = 4;
	CHECK_EQ(run(&d, &r), TMA_OK);
	/* An offset near 2^32 plus a large span must not wrap. */
	s = fc_spec(1, 4, 4);
	s.off[0] = 0xfffffffc;
	reset_mem();
	fail_with_spec(&s, TMA_ERR_DMA_FAULT, TMA_OPND_IN);
	/* Huge strides: (in_w-1) * stride overflows 32 bits but not the check. */
	s = conv_spec(2, 2, 1, 1, 1, 1, 0);
	s.in_pix = 0xffffffff;
	s.in_row = 0xffffffff;
	fail_with_spec(&s, TMA_ERR_DMA_FAULT, TMA_OPND_IN);
}

static void test_tma_err_no_end(void)
{
	reset_mem();
	put_op(0, TMA_OP_NOP, 0);
	put_op(1, TMA_OP_NOP, 0);
	expect_fail(2, TMA_ERR_NO_END, 2, TMA_OPND_CMD);
}

static void test_tma_err_cmd_stream_fault(void)
{
	struct tma_job_desc d;
	struct tma_job_result r;

	reset_mem();
	make_desc(&d, 1, 1);
	d.cmd_offset = MEM_SIZE - 32;    /* stream of 64 runs past the region */
	CHECK_EQ(run(&d, &r), TMA_ERR_DMA_FAULT);
	CHECK_EQ(r.err_addr, MEM_BASE + MEM_SIZE - 32);
	CHECK_EQ(read_done().status, TMA_ERR_DMA_FAULT);
}

/* A bad descriptor writes no completion record. */
static void expect_bad_job(const struct tma_job_desc *d)
{
	struct tma_job_result r;

	memset(mem + OFF_DONE, 0xee, TMA_DONE_SIZE);
	CHECK_EQ(run(d, &r), TMA_ERR_BAD_JOB);
	CHECK_EQ(r.record, 0);
	CHECK_EQ(mem[OFF_DONE], 0xee);
}

static void test_tma_err_bad_job(void)
{
	struct tma_job_desc d;

	reset_mem();
	put_op(0, TMA_OP_END, 0);
#define BAD_JOB(stmt) do { make_desc(&d, 9, 1); stmt; expect_bad_job(&d); } while (0)
	BAD_JOB(d.flags = 1);
	BAD_JOB(d.region_count = 0);
	BAD_JOB(d.region_count = 9);
	BAD_JOB(d.regions[0].base = MEM_BASE + 4);
	BAD_JOB(d.regions[0].base = ~0ull - 7);
	BAD_JOB(d.cmd_region = 1);
	BAD_JOB(d.cmd_offset = 4);
	BAD_JOB(d.cmd_size = 0);
	BAD_JOB(d.cmd_size = 65);
	BAD_JOB(d.done_region = 1);
	BAD_JOB(d.done_offset = OFF_DONE + 4);
	BAD_JOB(d.done_offset = MEM_SIZE - 32);
#undef BAD_JOB
	make_desc(&d, 9, 1);
	struct tma_job_result r;

	CHECK_EQ(run(&d, &r), TMA_OK);    /* the same job, well formed, runs */
}

/* An access the bus refuses (nothing behind it) is TMA_ERR_BUS. */
static void test_tma_err_bus(void)
{
	struct tma_job_desc d;
	struct tma_job_result r;
	struct spec s = fc_spec(1, 4, 4);

	reset_mem();
	s.rgn[0] = 1;
	s.off[0] = 0;
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	make_desc(&d, 3, 2);
	d.region_count = 2;
	d.regions[1].base = 0x40000000;
	d.regions[1].size = 4096;
	CHECK_EQ(run(&d, &r), TMA_ERR_BUS);
	CHECK_EQ(r.err_addr, 0x40000000);
	CHECK_EQ(read_done().status, TMA_ERR_BUS);
}

static void test_tma_cycles_scale(void)
{
	struct tma_layer l;
	struct tma_cycles c8, c4, cs, c4s;
	struct spec s = conv_spec(16, 16, 64, 64, 3, 1, 1);
	uint8_t cmd[TMA_CMD_SIZE];

	tma_params_default(&params);
	put_cmd(0, &s);
	memcpy(cmd, mem + OFF_CMD, sizeof(cmd));
	tma_layer_decode(&l, cmd);
	tma_layer_cycles(&params, &l, 0, 0, &c8);
	l.flags = TMA_FLAG_INT4;
	tma_layer_cycles(&params, &l, 0, 0, &c4);
	l.flags = TMA_FLAG_SPARSE_2_4;
	tma_layer_cycles(&params, &l, 0, 0, &cs);
	l.flags = TMA_FLAG_SPARSE_2_4 | TMA_FLAG_INT4;
	tma_layer_cycles(&params, &l, 0, 0, &c4s);
	/* 256 pixels x 8 column tiles x 9 taps x 64/8 reduction steps */
	CHECK_EQ(c8.compute, 256 * 8 * 9 * 8);
	CHECK_EQ(c4.compute * 2, c8.compute);
	CHECK_EQ(cs.compute * 2, c8.compute);
	CHECK_EQ(c4s.compute * 4, c8.compute);
}

int main(void)
{
	TM_RUN(test_tma_requant_values);
	TM_RUN(test_tma_fc_int8_hand);
	TM_RUN(test_tma_fc_clamp);
	TM_RUN(test_tma_fc_strided_rows);
	TM_RUN(test_tma_conv_pad_stride);
	TM_RUN(test_tma_conv_dilation);
	TM_RUN(test_tma_conv_depthwise);
	TM_RUN(test_tma_weights_int4);
	TM_RUN(test_tma_weights_sparse_int8);
	TM_RUN(test_tma_weights_sparse_int4);
	TM_RUN(test_tma_weights_sparse_same_position);
	TM_RUN(test_tma_nop_end);
	TM_RUN(test_tma_err_bad_opcode);
	TM_RUN(test_tma_err_bad_flags);
	TM_RUN(test_tma_err_bad_dims);
	TM_RUN(test_tma_err_bad_region);
	TM_RUN(test_tma_err_misaligned);
	TM_RUN(test_tma_err_dma_fault);
	TM_RUN(test_tma_err_no_end);
	TM_RUN(test_tma_err_cmd_stream_fault);
	TM_RUN(test_tma_err_bad_job);
	TM_RUN(test_tma_err_bus);
	TM_RUN(test_tma_cycles_scale);
	TM_TEST_EXIT();
}
