/* SPDX-License-Identifier: MIT */
/*
 * tma_harness.h - building TMA jobs in host memory for the model's tests:
 * a bus over one buffer, and command/descriptor encoders written from
 * uapi/tma_cmd.h (not from the model's decoder, so a decoding mistake shows).
 */
#ifndef TMA_HARNESS_H
#define TMA_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tma_cmd.h"

#define MEM_BASE  0x100000ull   /* bus address of mem[0] */
#define MEM_SIZE  (256 * 1024)
#define OFF_CMD   0x0000u
#define OFF_DONE  0x0f00u
#define OFF_IN    0x1000u
#define OFF_WGT   0x10000u
#define OFF_CHAN  0x20000u
#define OFF_OUT   0x30000u

static uint8_t mem[MEM_SIZE];

static inline int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (addr - MEM_BASE))
		return -EFAULT;
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return 0;
}

static inline int mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (addr - MEM_BASE))
		return -EFAULT;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return 0;
}

static const struct tmsim_bus test_bus __attribute__((unused)) = { NULL, mem_read, mem_write };

/** struct spec - a compute command in plain fields. */
struct spec {
	uint32_t op, flags;
	uint32_t rgn[4], off[4];
	uint32_t in_h, in_w, in_c, out_h, out_w, out_c;
	uint32_t kh, kw, sh, sw, dh, dw, pad_t, pad_l;
	int32_t in_zp, out_zp, act_min, act_max;
	uint32_t in_pix, in_row, out_pix, out_row;
};

static inline uint32_t b4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return (a & 0xff) << TMA_CMD_B0_SHIFT | (b & 0xff) << TMA_CMD_B1_SHIFT |
	       (c & 0xff) << TMA_CMD_B2_SHIFT | (d & 0xff) << TMA_CMD_B3_SHIFT;
}

static inline uint32_t h2(uint32_t lo, uint32_t hi)
{
	return (lo & 0xffff) << TMA_CMD_LO16_SHIFT | (hi & 0xffff) << TMA_CMD_HI16_SHIFT;
}

/* Encode @s as command number @index of the stream at OFF_CMD. */
static inline void put_cmd(unsigned index, const struct spec *s)
{
	struct tma_cmd c = {
		.op = s->op << TMA_CMD_OP_OPCODE_SHIFT | s->flags << TMA_CMD_OP_FLAGS_SHIFT,
		.regions = s->rgn[0] << TMA_CMD_REGIONS_IN_SHIFT |
			   s->rgn[1] << TMA_CMD_REGIONS_WGT_SHIFT |
			   s->rgn[2] << TMA_CMD_REGIONS_CHAN_SHIFT |
			   s->rgn[3] << TMA_CMD_REGIONS_OUT_SHIFT,
		.in_offset = s->off[0], .wgt_offset = s->off[1],
		.chan_offset = s->off[2], .out_offset = s->off[3],
		.in_hw = h2(s->in_h, s->in_w),
		.chans = h2(s->in_c, s->out_c),
		.out_hw = h2(s->out_h, s->out_w),
		.kernel = b4(s->kh, s->kw, s->sh, s->sw),
		.dil_pad = b4(s->dh, s->dw, s->pad_t, s->pad_l),
		.quant = b4((uint32_t)s->in_zp, (uint32_t)s->out_zp, (uint32_t)s->act_min,
			    (uint32_t)s->act_max),
		.in_pix_stride = s->in_pix, .in_row_stride = s->in_row,
		.out_pix_stride = s->out_pix, .out_row_stride = s->out_row,
	};
	memcpy(mem + OFF_CMD + index * TMA_CMD_SIZE, &c, sizeof(c));
}

static inline void put_op(unsigned index, uint32_t opcode, uint32_t flags)
{
	struct spec s = { .op = opcode, .flags = flags };

	put_cmd(index, &s);
}

/* A dense NHWC conv spec with operands at the standard offsets of region 0. */
static inline struct spec conv_spec(uint32_t in_h, uint32_t in_w, uint32_t in_c, uint32_t out_c,
			     uint32_t k, uint32_t stride, uint32_t pad)
{
	struct spec s = {
		.op = TMA_OP_CONV2D,
		.off = { OFF_IN, OFF_WGT, OFF_CHAN, OFF_OUT },
		.in_h = in_h, .in_w = in_w, .in_c = in_c, .out_c = out_c,
		.kh = k, .kw = k, .sh = stride, .sw = stride, .dh = 1, .dw = 1,
		.pad_t = pad, .pad_l = pad, .act_min = -128, .act_max = 127,
	};

	s.out_h = (in_h + 2 * pad - k) / stride + 1;
	s.out_w = (in_w + 2 * pad - k) / stride + 1;
	s.in_pix = in_c;
	s.in_row = in_w * in_c;
	s.out_pix = out_c;
	s.out_row = s.out_w * out_c;
	return s;
}

static inline struct spec fc_spec(uint32_t m, uint32_t k, uint32_t n)
{
	struct spec s = {
		.op = TMA_OP_FC, .off = { OFF_IN, OFF_WGT, OFF_CHAN, OFF_OUT },
		.in_c = k, .out_c = n, .out_w = m, .in_pix = k, .out_pix = n,
		.act_min = -128, .act_max = 127,
	};
	return s;
}

static inline void put_chan(uint32_t oc, int32_t bias, int32_t mult, int32_t shift)
{
	struct tma_chan_param p = { (uint32_t)bias, (uint32_t)mult, (uint32_t)shift, 0 };

	memcpy(mem + OFF_CHAN + oc * sizeof(p), &p, sizeof(p));
}

/* A descriptor with region 0 = all of mem, stream of @n_cmds at OFF_CMD. */
static inline void make_desc(struct tma_job_desc *d, uint32_t seqno, uint32_t n_cmds)
{
	memset(d, 0, sizeof(*d));
	d->seqno = seqno;
	d->region_count = 1;
	d->cmd_offset = OFF_CMD;
	d->cmd_size = n_cmds * TMA_CMD_SIZE;
	d->done_offset = OFF_DONE;
	d->regions[0].base = MEM_BASE;
	d->regions[0].size = MEM_SIZE;
}

static inline struct tma_done read_done(void)
{
	struct tma_done r;

	memcpy(&r, mem + OFF_DONE, sizeof(r));
	return r;
}

#endif /* TMA_HARNESS_H */
