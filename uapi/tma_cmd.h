/* SPDX-License-Identifier: MIT */
/*
 * tma_cmd.h - the TMA accelerator's job, command-stream and completion format.
 *
 * Copyright (c) 2026 the tmaccel authors
 *
 * Permission is hereby granted, free of charge, to any person obtaining a
 * copy of this software and associated documentation files (the "Software"),
 * to deal in the Software without restriction, including without limitation
 * the rights to use, copy, modify, merge, publish, distribute, sublicense,
 * and/or sell copies of the Software, and to permit persons to whom the
 * Software is furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
 * THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
 * OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE,
 * ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR
 * OTHER DEALINGS IN THE SOFTWARE.
 */
#ifndef _UAPI_TMA_CMD_H_
#define _UAPI_TMA_CMD_H_

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: overview
 *
 * This is a hardware ABI: the runtime (libtm) builds command streams, the
 * driver validates them and writes job descriptors, and the device (the RTL
 * in hw/rtl and its C model in hw/model) executes them. All structures are
 * little-endian arrays of 32-bit words (64-bit values are two words, low
 * word first) so the RTL decodes a word at a time with fixed bit slices.
 * Signed values (zero points, clamps, bias, multiplier, shift) are stored
 * as two's complement in __u32 words or in 8-bit fields of a word.
 *
 * Numbers and field positions here are ABI: fields are only ever added in
 * words that are reserved today, and reserved fields must be written as 0.
 * The register map lives in hw/regs/tma_regs.yaml (generated header
 * hw/regs/generated/tma_regs.h); hw/regs/tma_regs.yaml also describes the
 * fields below, and a unit test proves the two agree.
 */

/**
 * DOC: jobs
 *
 * The driver writes &struct tma_job_desc entries into a ring in DMA memory
 * (registers RING_BASE_LO/HI, RING_SIZE entries of %TMA_JOB_DESC_SIZE bytes)
 * and advances RING_TAIL. While CTRL.ENABLE is set and RING_HEAD differs
 * from RING_TAIL, the device fetches the descriptor at RING_HEAD, runs it,
 * then advances RING_HEAD (modulo RING_SIZE) and raises IRQ JOB_DONE (and
 * JOB_ERROR if the job failed).
 *
 * A job runs in this order:
 *
 * 1. The descriptor is checked: @flags zero, @region_count in 1..8, every
 *    region base a multiple of %TMA_REGION_ALIGN and base + size not past
 *    2^64, @cmd_region and @done_region below @region_count, @cmd_offset
 *    and @done_offset multiples of %TMA_CMD_STREAM_ALIGN and
 *    %TMA_DONE_ALIGN, @cmd_size a non-zero multiple of %TMA_CMD_SIZE, and
 *    the completion record inside its region. Any failure ends the job
 *    with %TMA_ERR_BAD_JOB and *no* completion record is written (the
 *    driver sees ERR_STATUS); nothing else is touched.
 * 2. The command stream span [@cmd_offset, @cmd_offset + @cmd_size) is
 *    checked against @cmd_region (%TMA_ERR_DMA_FAULT, operand
 *    %TMA_OPND_CMD).
 * 3. Commands run one after the other, in order; each sees the memory
 *    writes of the ones before it. A command that fails any check touches
 *    no memory; the job ends with that error. The job ends successfully at
 *    %TMA_OP_END; running past the end of the stream is %TMA_ERR_NO_END.
 * 4. The completion record (&struct tma_done) is written at
 *    (@done_region, @done_offset) with the status and the job's counters.
 *
 * A soft reset (CTRL.SOFT_RESET) abandons the running job: no completion
 * record, outputs of the running command undefined.
 */

/**
 * DOC: regions
 *
 * Commands never carry bus addresses. Every operand is (region, offset),
 * the region an index into the job's table of up to %TMA_MAX_REGIONS
 * (base, size) pairs set by the driver. Before a command touches memory the
 * device computes the byte span of each operand from the dimensions and
 * strides and checks offset + span <= region size, in 64-bit arithmetic.
 * A violation is %TMA_ERR_DMA_FAULT; ERR_ADDR holds base + offset of the
 * offending operand and ERR_STATUS its region and operand kind
 * (&enum tma_operand). So no access ever leaves its region.
 *
 * Alignment: region bases are multiples of %TMA_REGION_ALIGN, operand
 * offsets multiples of %TMA_OPND_ALIGN; strides are in bytes and free.
 * An operand whose output overlaps an input operand of the same command
 * gives undefined output values (but stays inside its region).
 */

/**
 * DOC: commands
 *
 * A command stream is an array of &struct tma_cmd, %TMA_CMD_SIZE bytes
 * each. Opcodes (&enum tma_opcode):
 *
 * %TMA_OP_NOP does nothing. %TMA_OP_END ends the job successfully.
 *
 * %TMA_OP_CONV2D: out[oy][ox][oc] for a NHWC int8 input of one image,
 * weights OHWI (or 1HWO for %TMA_FLAG_DEPTHWISE, out_c = in_c * M), taps at
 * iy = oy * stride_h - pad_top + ky * dil_h (same for x); taps outside the
 * input contribute nothing (TFLite's zero-point padding)::
 *
 *   acc = bias[oc] + sum (in[iy][ix][ic] - in_zp) * w[oc][ky][kx][ic]
 *   (depthwise: ic = oc / M, w[0][ky][kx][oc])
 *   out = clamp(MBQM(acc, mult[oc], shift[oc]) + out_zp, act_min, act_max)
 *
 * acc wraps modulo 2^32. MBQM is TFLite's MultiplyByQuantizedMultiplier:
 * left = clamp(shift, 0, 31), right = clamp(-shift, 0, 31);
 * x = (acc << left) modulo 2^32; SaturatingRoundingDoublingHighMul(x, mult);
 * rounding divide by 2^right, half away from zero.
 *
 * %TMA_OP_FC (GEMM / FULLY_CONNECTED): out[m][n] for m < M, n < N with
 * M = out_w, K = in_c, N = out_c; input row m at in_offset + m *
 * in_pix_stride, output row m at out_offset + m * out_pix_stride, weights
 * [N][K]. It is exactly %TMA_OP_CONV2D with in_h = out_h = 1,
 * in_w = out_w = M, a 1x1 kernel, stride and dilation 1, no padding: the
 * device ignores the fields that this fixes (in_h, in_w, out_h, kernel,
 * stride, dilation, padding, row strides) and the driver requires them 0.
 *
 * Weights: int8, or int4 with %TMA_FLAG_INT4 (two per byte, element 2i in
 * the low nibble, 2i+1 in the high nibble, sign-extended, packed over the
 * flattened tensor). With %TMA_FLAG_SPARSE_2_4 (not with depthwise) the
 * reduction axis (in_c, a multiple of 4) is cut in groups of 4 of which 2
 * are stored: first the kept values of all G = out_c*kh*kw*in_c/4 groups in
 * order (2G int8, or 2G int4 in G bytes), then G index bytes, bits [1:0] the
 * position of the first kept value and [3:2] of the second (bits [7:4] are
 * ignored). This is model.bin's TM_LAYOUT_SPARSE_2_4, passed unchanged.
 * The device multiplies each kept value with the activation at its
 * position, so equal positions are legal: both values meet the same
 * activation (no other value of the group contributes).
 *
 * Per output channel, &struct tma_chan_param gives bias, multiplier and
 * shift (per-tensor quantization repeats one entry).
 *
 * Checks, in this order, first failure wins: opcode (%TMA_ERR_BAD_OPCODE),
 * flags (%TMA_ERR_BAD_FLAGS: unknown bits, INT4 or SPARSE_2_4 without the
 * capability, DEPTHWISE on FC or with SPARSE_2_4; NOP and END take no
 * flags), dimensions (%TMA_ERR_BAD_DIMS), region indices (%TMA_ERR_BAD_REGION),
 * offset alignment (%TMA_ERR_MISALIGNED), operand spans
 * (%TMA_ERR_DMA_FAULT); operands are checked in &enum tma_operand order
 * (in, wgt, chan, out).
 *
 * %TMA_ERR_BAD_DIMS: any of in_h, in_w, in_c, out_h, out_w, out_c,
 * kernel_h, kernel_w, stride_h, stride_w, dil_h, dil_w is 0 (for FC only
 * out_w, in_c, out_c count); act_min > act_max; depthwise with out_c not a
 * multiple of in_c; sparse with in_c not a multiple of 4; out_pix_stride <
 * out_c; out_h > 1 and out_row_stride < out_w * out_pix_stride (output
 * pixels must not overlap).
 *
 * Operand spans in bytes: in: (in_h-1)*in_row_stride + (in_w-1)*in_pix_stride
 * + in_c; out: the same with out_*; chan: out_c * 16; wgt: E = out_c*kh*kw*
 * in_c elements (depthwise: kh*kw*out_c): int8 E, int4 ceil(E/2), sparse
 * int8 3E/4, sparse int4 E/2.
 */

/**
 * DOC: errors
 *
 * A job's status (&enum tma_status) is in its completion record and, for a
 * failed job, in ERR_STATUS together with the failing command's index, the
 * operand kind and region (%TMA_ERR_INFO_* fields), ERR_ADDR the bus
 * address for %TMA_ERR_DMA_FAULT and %TMA_ERR_BUS. ERR_STATUS and ERR_ADDR
 * hold the most recent failure until the next failure or a reset. A failed
 * job never stops the device: the next descriptor runs normally.
 *
 * Ring errors (RING_SIZE not a power of two in 1..%TMA_RING_MAX_ENTRIES,
 * RING_BASE not a multiple of %TMA_JOB_DESC_SIZE, RING_TAIL >= RING_SIZE,
 * a bus error fetching a descriptor) halt the ring: STATUS.HALTED, IRQ
 * RING_ERROR, ERR_STATUS %TMA_ERR_RING. Only a soft reset clears it.
 */

#define TMA_MAX_REGIONS      8
#define TMA_CMD_SIZE         64    /* bytes per &struct tma_cmd */
#define TMA_JOB_DESC_SIZE    256   /* bytes per &struct tma_job_desc */
#define TMA_DONE_SIZE        64    /* bytes per &struct tma_done */
#define TMA_CHAN_PARAM_SIZE  16    /* bytes per &struct tma_chan_param */
#define TMA_REGION_ALIGN     8
#define TMA_CMD_STREAM_ALIGN 8
#define TMA_DONE_ALIGN       8
#define TMA_OPND_ALIGN       4
#define TMA_RING_MAX_ENTRIES 4096

/**
 * enum tma_opcode - command opcodes, bits [7:0] of &tma_cmd.op.
 * @TMA_OP_INVALID: 0 is never valid, so zeroed memory is caught.
 * @TMA_OP_NOP: no operation.
 * @TMA_OP_END: end of the job.
 * @TMA_OP_FC: fully connected / GEMM.
 * @TMA_OP_CONV2D: 2-D convolution, depthwise with %TMA_FLAG_DEPTHWISE.
 */
enum tma_opcode {
	TMA_OP_INVALID = 0x00,
	TMA_OP_NOP     = 0x01,
	TMA_OP_END     = 0x02,
	TMA_OP_FC      = 0x10,
	TMA_OP_CONV2D  = 0x11,
};

/* Flags, bits [15:8] of &tma_cmd.op (given here unshifted). */
#define TMA_FLAG_INT4       0x01u /* weights are packed int4 */
#define TMA_FLAG_SPARSE_2_4 0x02u /* weights are 2:4 compressed */
#define TMA_FLAG_DEPTHWISE  0x04u /* CONV2D only: depthwise */
#define TMA_FLAGS_ALL       0x07u

/* &tma_cmd.op */
#define TMA_CMD_OP_OPCODE_SHIFT  0
#define TMA_CMD_OP_OPCODE_MASK   0xffu
#define TMA_CMD_OP_FLAGS_SHIFT   8
#define TMA_CMD_OP_FLAGS_MASK    0xffu
/* &tma_cmd.regions: one byte per operand, region index */
#define TMA_CMD_REGIONS_IN_SHIFT   0
#define TMA_CMD_REGIONS_WGT_SHIFT  8
#define TMA_CMD_REGIONS_CHAN_SHIFT 16
#define TMA_CMD_REGIONS_OUT_SHIFT  24
/* &tma_cmd.in_hw, &tma_cmd.out_hw, &tma_cmd.chans: two 16-bit halves */
#define TMA_CMD_LO16_SHIFT 0
#define TMA_CMD_HI16_SHIFT 16
/* &tma_cmd.kernel, &tma_cmd.dil_pad, &tma_cmd.quant: four bytes */
#define TMA_CMD_B0_SHIFT 0
#define TMA_CMD_B1_SHIFT 8
#define TMA_CMD_B2_SHIFT 16
#define TMA_CMD_B3_SHIFT 24

/**
 * struct tma_cmd - one command (64 bytes, 16 words).
 * @op: [7:0] opcode (&enum tma_opcode), [15:8] TMA_FLAG_*, [31:16] reserved.
 * @regions: region index per operand: [7:0] in, [15:8] wgt, [23:16] chan,
 *           [31:24] out; each must be below the job's region_count.
 * @in_offset: input activations (int8), offset in its region, multiple of
 *             %TMA_OPND_ALIGN.
 * @wgt_offset: weights, offset in its region, multiple of %TMA_OPND_ALIGN.
 * @chan_offset: &struct tma_chan_param[out_c], multiple of %TMA_OPND_ALIGN.
 * @out_offset: output activations (int8), multiple of %TMA_OPND_ALIGN.
 * @in_hw: [15:0] in_h, [31:16] in_w.
 * @chans: [15:0] in_c (FC: K), [31:16] out_c (FC: N).
 * @out_hw: [15:0] out_h, [31:16] out_w (FC: M, the number of rows).
 * @kernel: [7:0] kernel_h, [15:8] kernel_w, [23:16] stride_h, [31:24] stride_w.
 * @dil_pad: [7:0] dil_h, [15:8] dil_w, [23:16] pad_top, [31:24] pad_left
 *           (bottom/right padding follows from the output size).
 * @quant: signed bytes: [7:0] in_zp, [15:8] out_zp, [23:16] act_min,
 *         [31:24] act_max.
 * @in_pix_stride: bytes between input pixels (FC: between input rows).
 * @in_row_stride: bytes between input rows of pixels (FC: ignored).
 * @out_pix_stride: bytes between output pixels (FC: between output rows).
 * @out_row_stride: bytes between output rows of pixels (FC: ignored).
 *
 * NOP and END ignore every word but @op.
 */
struct tma_cmd {
	__u32 op;
	__u32 regions;
	__u32 in_offset;
	__u32 wgt_offset;
	__u32 chan_offset;
	__u32 out_offset;
	__u32 in_hw;
	__u32 chans;
	__u32 out_hw;
	__u32 kernel;
	__u32 dil_pad;
	__u32 quant;
	__u32 in_pix_stride;
	__u32 in_row_stride;
	__u32 out_pix_stride;
	__u32 out_row_stride;
};

/**
 * struct tma_chan_param - requantization of one output channel (16 bytes).
 * @bias: int32 bias, added to the accumulator (0 when the layer has none).
 * @mult: int32 quantized multiplier (TFLite's q_fixed, normally in
 *        [2^30, 2^31)).
 * @shift: int32 exponent; > 0 shifts left before the multiply, < 0 is a
 *         rounding right shift after it; clamped to [-31, 31].
 * @reserved: ignored by the device, write 0.
 */
struct tma_chan_param {
	__u32 bias;
	__u32 mult;
	__u32 shift;
	__u32 reserved;
};

/**
 * struct tma_region - one entry of a job's region table.
 * @base: bus address of the region, multiple of %TMA_REGION_ALIGN.
 * @size: size in bytes; base + size must not pass 2^64.
 */
struct tma_region {
	__u64 base;
	__u64 size;
};

/**
 * struct tma_job_desc - one job, an entry of the ring (256 bytes).
 * @seqno: copied into the completion record; the driver's job id.
 * @flags: must be 0.
 * @region_count: entries of @regions in use, 1..%TMA_MAX_REGIONS.
 * @cmd_region: region of the command stream.
 * @cmd_offset: offset of the stream, multiple of %TMA_CMD_STREAM_ALIGN.
 * @cmd_size: bytes of the stream, a non-zero multiple of %TMA_CMD_SIZE.
 * @done_region: region of the completion record.
 * @done_offset: offset of the completion record, multiple of %TMA_DONE_ALIGN.
 * @regions: the region table; entries past @region_count are ignored.
 * @reserved: ignored by the device, write 0.
 */
struct tma_job_desc {
	__u32 seqno;
	__u32 flags;
	__u32 region_count;
	__u32 cmd_region;
	__u32 cmd_offset;
	__u32 cmd_size;
	__u32 done_region;
	__u32 done_offset;
	struct tma_region regions[TMA_MAX_REGIONS];
	__u32 reserved[24];
};

/**
 * enum tma_status - a job's status, also ERR_STATUS bits [7:0].
 * @TMA_OK: the job ran to its END.
 * @TMA_ERR_BAD_OPCODE: a command's opcode is unknown.
 * @TMA_ERR_BAD_FLAGS: unknown flag bits, a flag without its capability, or
 *                     a forbidden combination.
 * @TMA_ERR_BAD_REGION: an operand's region index is >= region_count.
 * @TMA_ERR_DMA_FAULT: an operand span leaves its region; ERR_ADDR is
 *                     region base + operand offset.
 * @TMA_ERR_MISALIGNED: an operand offset breaks its alignment rule.
 * @TMA_ERR_BAD_DIMS: dimensions or clamp range invalid (see DOC: commands).
 * @TMA_ERR_BAD_JOB: the job descriptor is invalid; no completion record.
 * @TMA_ERR_NO_END: the stream ended without %TMA_OP_END.
 * @TMA_ERR_RING: the ring is misconfigured; the device halted (register
 *                only, never in a completion record).
 * @TMA_ERR_BUS: the bus answered an access with an error; ERR_ADDR is the
 *               address.
 */
enum tma_status {
	TMA_OK             = 0,
	TMA_ERR_BAD_OPCODE = 1,
	TMA_ERR_BAD_FLAGS  = 2,
	TMA_ERR_BAD_REGION = 3,
	TMA_ERR_DMA_FAULT  = 4,
	TMA_ERR_MISALIGNED = 5,
	TMA_ERR_BAD_DIMS   = 6,
	TMA_ERR_BAD_JOB    = 7,
	TMA_ERR_NO_END     = 8,
	TMA_ERR_RING       = 9,
	TMA_ERR_BUS        = 10,
};

/**
 * enum tma_operand - which operand an error is about (ERR_STATUS [15:12]).
 * @TMA_OPND_NONE: not about an operand.
 * @TMA_OPND_IN: input activations.
 * @TMA_OPND_WGT: weights.
 * @TMA_OPND_CHAN: per-channel parameters.
 * @TMA_OPND_OUT: output activations.
 * @TMA_OPND_CMD: the command stream.
 * @TMA_OPND_DONE: the completion record.
 * @TMA_OPND_DESC: the job descriptor itself.
 */
enum tma_operand {
	TMA_OPND_NONE = 0,
	TMA_OPND_IN   = 1,
	TMA_OPND_WGT  = 2,
	TMA_OPND_CHAN = 3,
	TMA_OPND_OUT  = 4,
	TMA_OPND_CMD  = 5,
	TMA_OPND_DONE = 6,
	TMA_OPND_DESC = 7,
};

/* Layout of ERR_STATUS and &tma_done.err_info. */
#define TMA_ERR_INFO_CODE_SHIFT    0   /* &enum tma_status */
#define TMA_ERR_INFO_CODE_MASK     0xffu
#define TMA_ERR_INFO_REGION_SHIFT  8   /* region index of the operand */
#define TMA_ERR_INFO_REGION_MASK   0xfu
#define TMA_ERR_INFO_OPND_SHIFT    12  /* &enum tma_operand */
#define TMA_ERR_INFO_OPND_MASK     0xfu
#define TMA_ERR_INFO_CMD_SHIFT     16  /* index of the failing command */
#define TMA_ERR_INFO_CMD_MASK      0xffffu

/**
 * struct tma_done - completion record written at the end of a job (64 bytes).
 * @seqno: &tma_job_desc.seqno of the job.
 * @status: &enum tma_status.
 * @err_info: 0 on success, else as ERR_STATUS (TMA_ERR_INFO_* fields).
 * @cmds_done: commands retired successfully (END included).
 * @err_addr: the fault address for %TMA_ERR_DMA_FAULT / %TMA_ERR_BUS, else 0.
 * @cycles: device cycles from descriptor fetch to this record.
 * @macs: multiply-accumulates of the job's layers: per output element
 *        kernel_h*kernel_w*in_c (depthwise: kernel_h*kernel_w), padding taps
 *        included, halved for 2:4 (only kept weights are multiplied).
 * @dma_rd: bytes the device read for the job (implementation-defined:
 *          depends on tiling).
 * @dma_wr: bytes the device wrote for the job, this record excluded.
 * @stall: cycles the compute array waited for data.
 */
struct tma_done {
	__u32 seqno;
	__u32 status;
	__u32 err_info;
	__u32 cmds_done;
	__u64 err_addr;
	__u64 cycles;
	__u64 macs;
	__u64 dma_rd;
	__u64 dma_wr;
	__u64 stall;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_TMA_CMD_H_ */
