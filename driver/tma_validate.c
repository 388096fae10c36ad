// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * tma_validate.c - walk a command stream the way the device will, and refuse
 * it if any command could fault, touch memory outside its BO or is not
 * understood. The device checks the same things again (uapi/tma_cmd.h,
 * "DOC: commands"); checking here turns a job failure into a clear EINVAL
 * at SUBMIT and keeps the device from ever seeing a malformed stream.
 *
 * Every dimension is at most 16 bits and every stride or offset 32 bits, so
 * a span is below 2^50 and all arithmetic is done in 64 bits without
 * overflow; the comparison against a region size never wraps.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

#include "../uapi/tma_cmd.h"
#include "../uapi/drm/tma_drm.h"
#include "../hw/regs/generated/tma_regs.h"
#include "tma_validate.h"

/* A decoded compute command; FC is described as the CONV2D it equals. */
struct tma_vcmd {
	__u32 op, opcode, flags;
	__u32 rgn[4], off[4];
	__u32 in_h, in_w, in_c, out_h, out_w, out_c;
	__u32 kh, kw, sh, sw, dh, dw;
	__s32 act_min, act_max;
	__u64 in_pix, in_row, out_pix, out_row;
};

static __u32 word(const unsigned char *cmd, unsigned int i)
{
	const unsigned char *b = cmd + 4 * i;

	return (__u32)b[0] | (__u32)b[1] << 8 | (__u32)b[2] << 16 | (__u32)b[3] << 24;
}

static __u32 byte_of(__u32 w, unsigned int n)
{
	return (w >> (8 * n)) & 0xff;
}

static __s32 sbyte_of(__u32 w, unsigned int n)
{
	__u32 b = byte_of(w, n);

	return b >= 0x80 ? (__s32)b - 0x100 : (__s32)b;
}

static void decode(struct tma_vcmd *c, const unsigned char *cmd)
{
	unsigned int i;

	c->op = word(cmd, 0);
	c->opcode = c->op & TMA_CMD_OP_OPCODE_MASK;
	c->flags = (c->op >> TMA_CMD_OP_FLAGS_SHIFT) & TMA_CMD_OP_FLAGS_MASK;
	for (i = 0; i < 4; i++) {
		c->rgn[i] = byte_of(word(cmd, 1), i);
		c->off[i] = word(cmd, 2 + i);
	}
	c->in_h = word(cmd, 6) & 0xffff;
	c->in_w = word(cmd, 6) >> 16;
	c->in_c = word(cmd, 7) & 0xffff;
	c->out_c = word(cmd, 7) >> 16;
	c->out_h = word(cmd, 8) & 0xffff;
	c->out_w = word(cmd, 8) >> 16;
	c->kh = byte_of(word(cmd, 9), 0);
	c->kw = byte_of(word(cmd, 9), 1);
	c->sh = byte_of(word(cmd, 9), 2);
	c->sw = byte_of(word(cmd, 9), 3);
	c->dh = byte_of(word(cmd, 10), 0);
	c->dw = byte_of(word(cmd, 10), 1);
	c->act_min = sbyte_of(word(cmd, 11), 2);
	c->act_max = sbyte_of(word(cmd, 11), 3);
	c->in_pix = word(cmd, 12);
	c->in_row = word(cmd, 13);
	c->out_pix = word(cmd, 14);
	c->out_row = word(cmd, 15);
}

/*
 * FC ignores the fields a 1x1 GEMM fixes; the ABI has the driver require
 * them 0 so they can be given a meaning later. Then describe it as CONV2D.
 */
static int fc_fields_zero(const unsigned char *cmd)
{
	return !(word(cmd, 6) | (word(cmd, 8) & 0xffff) | word(cmd, 9) | word(cmd, 10) |
		 word(cmd, 13) | word(cmd, 15));
}

static void fc_as_conv(struct tma_vcmd *c)
{
	c->in_h = c->out_h = 1;
	c->in_w = c->out_w;
	c->kh = c->kw = c->sh = c->sw = c->dh = c->dw = 1;
	c->in_row = c->out_row = 0;
}

static int flags_ok(const struct tma_vcmd *c, __u32 caps)
{
	if (c->flags & ~TMA_FLAGS_ALL)
		return 0;
	if ((c->flags & TMA_FLAG_INT4) && !(caps & TMA_CAPS_INT4_MASK))
		return 0;
	if ((c->flags & TMA_FLAG_SPARSE_2_4) && !(caps & TMA_CAPS_SPARSE_2_4_MASK))
		return 0;
	if (!(c->flags & TMA_FLAG_DEPTHWISE))
		return 1;
	return c->opcode == TMA_OP_CONV2D && (caps & TMA_CAPS_DEPTHWISE_MASK) &&
	       !(c->flags & TMA_FLAG_SPARSE_2_4);
}

static int dims_ok(const struct tma_vcmd *c)
{
	if (!c->in_h || !c->in_w || !c->in_c || !c->out_h || !c->out_w || !c->out_c)
		return 0;
	if (!c->kh || !c->kw || !c->sh || !c->sw || !c->dh || !c->dw)
		return 0;
	if (c->act_min > c->act_max)
		return 0;
	if ((c->flags & TMA_FLAG_DEPTHWISE) && c->out_c % c->in_c)
		return 0;
	if ((c->flags & TMA_FLAG_SPARSE_2_4) && c->in_c % 4)
		return 0;
	if (c->out_pix < c->out_c)
		return 0;
	return c->out_h == 1 || c->out_row >= (__u64)c->out_w * c->out_pix;
}

static __u64 act_span(__u32 h, __u32 w, __u32 ch, __u64 row, __u64 pix)
{
	return (__u64)(h - 1) * row + (__u64)(w - 1) * pix + ch;
}

static __u64 wgt_span(const struct tma_vcmd *c)
{
	__u64 e = (__u64)c->kh * c->kw * c->out_c;

	if (!(c->flags & TMA_FLAG_DEPTHWISE))
		e *= c->in_c;
	switch (c->flags & (TMA_FLAG_INT4 | TMA_FLAG_SPARSE_2_4)) {
	case 0:
		return e;
	case TMA_FLAG_INT4:
		return (e + 1) / 2;
	case TMA_FLAG_SPARSE_2_4:
		return e / 4 * 3;
	default:
		return e / 2;
	}
}

/* Operand spans in &enum tma_operand order: in, wgt, chan, out. */
static void spans(const struct tma_vcmd *c, __u64 span[4])
{
	span[0] = act_span(c->in_h, c->in_w, c->in_c, c->in_row, c->in_pix);
	span[1] = wgt_span(c);
	span[2] = (__u64)c->out_c * TMA_CHAN_PARAM_SIZE;
	span[3] = act_span(c->out_h, c->out_w, c->out_c, c->out_row, c->out_pix);
}

static int reject(struct tma_validate_result *res, __u32 reason, __u32 opnd)
{
	res->reason = reason;
	res->opnd = opnd;
	return -EINVAL;
}

static int check_operands(const struct tma_vcmd *c, const __u64 *region_size,
			  __u32 region_count, struct tma_validate_result *res)
{
	__u64 span[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (c->rgn[i] >= region_count)
			return reject(res, DRM_TMA_REJECT_REGION, TMA_OPND_IN + i);
	for (i = 0; i < 4; i++)
		if (c->off[i] % TMA_OPND_ALIGN)
			return reject(res, DRM_TMA_REJECT_ALIGN, TMA_OPND_IN + i);
	spans(c, span);
	for (i = 0; i < 4; i++)
		if (span[i] > region_size[c->rgn[i]] ||
		    c->off[i] > region_size[c->rgn[i]] - span[i])
			return reject(res, DRM_TMA_REJECT_BOUNDS, TMA_OPND_IN + i);
	return 0;
}

static int check_compute(const unsigned char *cmd, const __u64 *region_size,
			 __u32 region_count, __u32 caps, struct tma_validate_result *res)
{
	struct tma_vcmd c;

	decode(&c, cmd);
	if (!flags_ok(&c, caps))
		return reject(res, DRM_TMA_REJECT_FLAGS, 0);
	if (c.opcode == TMA_OP_FC) {
		if (!fc_fields_zero(cmd))
			return reject(res, DRM_TMA_REJECT_DIMS, 0);
		fc_as_conv(&c);
	}
	if (!dims_ok(&c))
		return reject(res, DRM_TMA_REJECT_DIMS, 0);
	return check_operands(&c, region_size, region_count, res);
}

int tma_validate_stream(const void *stream, __u32 ncmds, const __u64 *region_size,
			__u32 region_count, __u32 caps, struct tma_validate_result *res)
{
	const unsigned char *cmd = stream;
	__u32 i;

	res->reason = DRM_TMA_REJECT_NONE;
	res->opnd = 0;
	for (i = 0; i < ncmds; i++, cmd += TMA_CMD_SIZE) {
		__u32 op = word(cmd, 0), opcode = op & TMA_CMD_OP_OPCODE_MASK;
		int ret;

		res->cmd = i;
		/* Reserved op bits are refused so they can mean something later. */
		if (op >> 16)
			return reject(res, DRM_TMA_REJECT_OPCODE, 0);
		switch (opcode) {
		case TMA_OP_NOP:
		case TMA_OP_END:
			if (op >> TMA_CMD_OP_FLAGS_SHIFT)
				return reject(res, DRM_TMA_REJECT_FLAGS, 0);
			if (opcode == TMA_OP_END)
				return 0;
			break;
		case TMA_OP_FC:
		case TMA_OP_CONV2D:
			ret = check_compute(cmd, region_size, region_count, caps, res);
			if (ret)
				return ret;
			break;
		default:
			return reject(res, DRM_TMA_REJECT_OPCODE, 0);
		}
	}
	res->cmd = ncmds;
	return reject(res, DRM_TMA_REJECT_NO_END, 0);
}
