/* SPDX-License-Identifier: MIT */
/*
 * tma_model.h - the TMA device's C functional model, the golden reference of
 * the RTL. It executes job descriptors and command streams of
 * uapi/tma_cmd.h bit-exactly, checks regions the same way and estimates
 * cycles analytically from the array parameters.
 *
 * Two levels:
 *   tma_job_*      one job over a bus, no registers (unit tests, scoreboard)
 *   tma_dev_*      the whole device: CSRs, ring, IRQ, timing; exported to
 *                  libtmsim as the "model" engine (struct tmsim_engine_ops)
 *
 * The int8 arithmetic here is written independently of userspace/kernels:
 * device/CPU agreement is a test, not a shared function.
 */
#ifndef TMA_MODEL_H
#define TMA_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

/**
 * struct tma_job_result - the outcome of a job, what the completion record
 * and ERR_* registers report.
 */
struct tma_job_result {
	uint32_t seqno;
	uint32_t status;      /* enum tma_status */
	uint32_t err_info;    /* TMA_ERR_INFO_* fields; 0 on success */
	uint32_t cmds_done;
	uint64_t err_addr;
	uint64_t cycles;      /* analytical estimate */
	uint64_t macs;
	uint64_t dma_rd;
	uint64_t dma_wr;
	uint64_t stall;
	int record;           /* 1 if a completion record is due */
	uint32_t done_region; /* where it goes (valid when @record) */
	uint64_t done_addr;
};

/** struct tma_job - a job being run, one command at a time. */
struct tma_job {
	const struct tmsim_params *p;
	const struct tmsim_bus *bus;
	uint32_t region_count;
	uint64_t base[8], size[8];
	uint64_t cmd_addr;     /* bus address of the next command */
	uint32_t cmd_region, cmd_index, cmd_count;
	int ended;
	struct tma_job_result res;
};

/**
 * tma_job_begin() - check the descriptor (@desc: TMA_JOB_DESC_SIZE bytes as
 * in memory) and the command stream's span. Returns 1 if the job already
 * ended (bad descriptor or stream fault; see @job->res), else 0.
 */
int tma_job_begin(struct tma_job *job, const struct tmsim_params *p,
		  const struct tmsim_bus *bus, const uint8_t *desc);

/**
 * tma_job_step() - run the next command. Adds the command's estimated cycles
 * to *@cycles. Returns 1 when the job has ended (END or an error), else 0.
 */
int tma_job_step(struct tma_job *job, uint64_t *cycles);

/**
 * tma_job_finish() - write the completion record if one is due. A bus error
 * writing it turns the result into TMA_ERR_BUS (and no record).
 */
void tma_job_finish(struct tma_job *job);

/**
 * tma_job_run() - begin, step to the end and finish one job: the
 * scoreboard's entry point. Returns the job's status.
 */
uint32_t tma_job_run(const struct tmsim_params *p, const struct tmsim_bus *bus,
		     const uint8_t *desc, struct tma_job_result *res);

/* ---- one command (tma_compute.c) --------------------------------------- */

/** struct tma_layer - a decoded compute command. */
struct tma_layer {
	uint32_t opcode, flags;
	uint32_t rgn[4];                 /* enum tma_operand - 1 order: in wgt chan out */
	uint32_t off[4];
	uint32_t in_h, in_w, in_c, out_h, out_w, out_c;
	uint32_t kh, kw, sh, sw, dh, dw, pad_t, pad_l;
	int32_t in_zp, out_zp, act_min, act_max;
	uint64_t in_pix, in_row, out_pix, out_row;
};

/* Decode a TMA_CMD_SIZE-byte command into @l (no checks). */
void tma_layer_decode(struct tma_layer *l, const uint8_t *cmd);
/* Byte span of operand @opnd (TMA_OPND_IN..OUT) of a checked layer. */
uint64_t tma_layer_span(const struct tma_layer *l, unsigned opnd);
/* Weight elements of a layer (before 2:4 compression). */
uint64_t tma_layer_weight_elems(const struct tma_layer *l);
/* MACs of a layer as reported in tma_done.macs. */
uint64_t tma_layer_macs(const struct tma_layer *l);

/**
 * tma_layer_compute() - run a checked layer on operand bytes already read:
 * @in (span of IN), @wgt, @chan; writes out_h*out_w*out_c bytes to @out,
 * pixel by pixel (dense, no strides). Returns 0 or -ENOMEM.
 */
int tma_layer_compute(const struct tma_layer *l, const uint8_t *in, const uint8_t *wgt,
		      const uint8_t *chan, int8_t *out);

/* The requantization of one accumulator (TFLite MultiplyByQuantizedMultiplier). */
int32_t tma_requant(int32_t acc, int32_t mult, int32_t shift);

/* ---- cycle estimate (tma_cycles.c) ------------------------------------- */

/** struct tma_cycles - the analytical estimate of one layer. */
struct tma_cycles {
	uint64_t compute;  /* array busy cycles */
	uint64_t dma;      /* bus cycles to move the layer's bytes */
	uint64_t total;    /* with double buffering: overlap plus fill */
	uint64_t stall;    /* total - compute - fixed overhead */
};

void tma_layer_cycles(const struct tmsim_params *p, const struct tma_layer *l,
		      uint64_t rd_bytes, uint64_t wr_bytes, struct tma_cycles *c);
/* Bus cycles to move @bytes plus a fixed access latency. */
uint64_t tma_bus_cycles(const struct tmsim_params *p, uint64_t bytes);

/* ---- the device (tma_device.c) ----------------------------------------- */

struct tma_dev;

/* A default parameter set (the one dts/examples describe). */
void tma_params_default(struct tmsim_params *p);
/* 0, or -EINVAL with a message if @p cannot describe a device. */
int tma_params_check(const struct tmsim_params *p, char *err, size_t errlen);

#endif /* TMA_MODEL_H */
