// SPDX-License-Identifier: MIT
/*
 * tma_device.c - the model as a whole device: CSRs, the job ring, IRQ and
 * timing, exported to libtmsim as the "model" engine.
 *
 * Time: a job's commands execute functionally when the clock reaches them;
 * each then occupies the device for its estimated cycles (tma_cycles.c), so
 * PROGRESS, BUSY and a soft reset mid-job behave as on the RTL. Idle time is
 * not simulated: step() returns as soon as there is nothing to do.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tma_cmd.h"
#include "tma_regs.h"
#include "tma_model.h"

#define PROGRESS_PERIOD 256  /* busy cycles per PROGRESS tick inside a command */
#define IRQ_ALL (TMA_IRQ_STATUS_JOB_DONE_MASK | TMA_IRQ_STATUS_JOB_ERROR_MASK | \
		 TMA_IRQ_STATUS_RING_ERROR_MASK)

enum dev_phase {
	PH_IDLE,     /* no job */
	PH_RUN,      /* job running; the next command waits for @wait cycles */
	PH_DONE,     /* completion record written; IRQ after @wait cycles */
};

struct tma_dev {
	struct tmsim_params p;
	struct tmsim_bus bus;
	uint64_t cycle;

	/* Registers (everything a soft reset clears lives below). */
	uint32_t ctrl, halted;
	uint64_t ring_base;
	uint32_t ring_size, head, tail;
	uint32_t irq_status, irq_mask;
	uint32_t err_status;
	uint64_t err_addr;
	uint32_t progress, jobs_done, last_seqno;
	uint64_t perf_cycles, perf_busy, perf_macs, perf_rd, perf_wr, perf_stall;

	enum dev_phase phase;
	uint64_t wait, tick;
	struct tma_job job;
};

void tma_params_default(struct tmsim_params *p)
{
	p->rows = 8;
	p->cols = 8;
	p->act_sram_kib = 32;
	p->wgt_sram_kib = 32;
	p->bus_bytes = 8;
	p->addr_bits = 64;
	p->caps = TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK |
		  TMA_CAPS_DEPTHWISE_MASK;
}

static int bad_param(char *err, size_t errlen, const char *what, uint32_t v)
{
	if (err && errlen)
		snprintf(err, errlen, "device parameter %s = %u out of range", what, v);
	return -EINVAL;
}

int tma_params_check(const struct tmsim_params *p, char *err, size_t errlen)
{
	uint32_t all = TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK |
		       TMA_CAPS_DEPTHWISE_MASK;

	if (!p->rows || p->rows > 0xffff)
		return bad_param(err, errlen, "rows", p->rows);
	if (!p->cols || p->cols > 0xffff)
		return bad_param(err, errlen, "cols", p->cols);
	if (!p->act_sram_kib || p->act_sram_kib > 0xffff)
		return bad_param(err, errlen, "act-sram-kib", p->act_sram_kib);
	if (!p->wgt_sram_kib || p->wgt_sram_kib > 0xffff)
		return bad_param(err, errlen, "wgt-sram-kib", p->wgt_sram_kib);
	if (p->bus_bytes < 4 || p->bus_bytes > 64 || (p->bus_bytes & (p->bus_bytes - 1)))
		return bad_param(err, errlen, "bus-bytes", p->bus_bytes);
	if (p->addr_bits < 32 || p->addr_bits > 64)
		return bad_param(err, errlen, "addr-bits", p->addr_bits);
	if (!(p->caps & TMA_CAPS_INT8_MASK) || (p->caps & ~all))
		return bad_param(err, errlen, "caps", p->caps);
	return 0;
}

static void dev_reset(struct tma_dev *d)
{
	/* Everything from ctrl to the end of the struct is register state. */
	memset(&d->ctrl, 0, sizeof(*d) - offsetof(struct tma_dev, ctrl));
	d->phase = PH_IDLE;
}

static void raise_irq(struct tma_dev *d, uint32_t bits)
{
	d->irq_status |= bits;
}

static void record_error(struct tma_dev *d, uint32_t info, uint64_t addr)
{
	d->err_status = info;
	d->err_addr = addr;
}

static void ring_halt(struct tma_dev *d)
{
	d->halted = 1;
	record_error(d, TMA_ERR_RING, 0);
	raise_irq(d, TMA_IRQ_STATUS_RING_ERROR_MASK);
}

static int ring_ok(const struct tma_dev *d)
{
	uint32_t n = d->ring_size;

	return n && n <= TMA_RING_MAX_ENTRIES && !(n & (n - 1)) &&
	       d->ring_base % TMA_JOB_DESC_SIZE == 0 && d->tail < n && d->head < n;
}

/* Fetch the descriptor at RING_HEAD and begin it; 0 if the ring halted. */
static int job_start(struct tma_dev *d)
{
	uint8_t desc[TMA_JOB_DESC_SIZE];

	if (!ring_ok(d) ||
	    d->bus.read(d->bus.ctx, d->ring_base + (uint64_t)d->head * TMA_JOB_DESC_SIZE,
			desc, sizeof(desc))) {
		ring_halt(d);
		return 0;
	}
	tma_job_begin(&d->job, &d->p, &d->bus, desc);
	d->phase = PH_RUN;
	d->wait = d->job.res.cycles;
	return 1;
}

/* The job ended: write its record (if any) and wait for that write. */
static void job_complete(struct tma_dev *d)
{
	struct tma_job_result *r = &d->job.res;
	uint64_t before = r->cycles;

	tma_job_finish(&d->job);
	d->phase = PH_DONE;
	d->wait = r->cycles - before;
}

/* The record is out: registers, ring head, interrupt. */
static void job_retire(struct tma_dev *d)
{
	struct tma_job_result *r = &d->job.res;
	uint32_t irq = TMA_IRQ_STATUS_JOB_DONE_MASK;

	if (r->status != TMA_OK) {
		record_error(d, r->err_info ? r->err_info : r->status, r->err_addr);
		irq |= TMA_IRQ_STATUS_JOB_ERROR_MASK;
	}
	d->perf_macs += r->macs;
	d->perf_rd += r->dma_rd;
	d->perf_wr += r->dma_wr;
	d->perf_stall += r->stall;
	d->jobs_done++;
	d->last_seqno = r->seqno;
	d->head = (d->head + 1) & (d->ring_size - 1);
	d->phase = PH_IDLE;
	raise_irq(d, irq);
}

static int dev_irq(const struct tma_dev *d)
{
	return (d->irq_status & d->irq_mask) != 0;
}

static int can_start(const struct tma_dev *d)
{
	return (d->ctrl & TMA_CTRL_ENABLE_MASK) && !d->halted && d->head != d->tail;
}

/* Let @n busy cycles pass. */
static void pass(struct tma_dev *d, uint64_t n)
{
	d->cycle += n;
	d->perf_cycles += n;
	d->perf_busy += n;
	d->tick += n;
	d->progress += (uint32_t)(d->tick / PROGRESS_PERIOD);
	d->tick %= PROGRESS_PERIOD;
}

static uint64_t dev_step(struct tma_dev *d, uint64_t max)
{
	uint64_t done = 0;

	while (done < max && !dev_irq(d)) {
		if (d->phase == PH_IDLE && (!can_start(d) || !job_start(d)))
			break;
		if (d->wait) {
			uint64_t n = d->wait < max - done ? d->wait : max - done;

			pass(d, n);
			done += n;
			d->wait -= n;
			continue;
		}
		if (d->phase == PH_DONE) {
			job_retire(d);
		} else if (d->job.ended) {
			job_complete(d);
		} else {
			uint64_t c = 0;

			tma_job_step(&d->job, &c);
			d->progress++;
			d->wait = c;
		}
	}
	return done;
}

static uint32_t csr_read(const struct tma_dev *d, uint32_t off)
{
	switch (off) {
	case TMA_REG_ID:             return TMA_ID_MAGIC;
	case TMA_REG_VERSION:        return TMA_VERSION_RESET;
	case TMA_REG_CAPS:           return d->p.caps;
	case TMA_REG_ARRAY:          return d->p.rows | d->p.cols << TMA_ARRAY_COLS_SHIFT;
	case TMA_REG_SRAM:           return d->p.act_sram_kib | d->p.wgt_sram_kib << TMA_SRAM_WGT_KIB_SHIFT;
	case TMA_REG_BUS:            return d->p.bus_bytes | d->p.addr_bits << TMA_BUS_ADDR_BITS_SHIFT;
	case TMA_REG_CTRL:           return d->ctrl;
	case TMA_REG_STATUS:         return (d->phase != PH_IDLE) |
					    d->halted << TMA_STATUS_HALTED_SHIFT;
	case TMA_REG_RING_BASE_LO:   return (uint32_t)d->ring_base;
	case TMA_REG_RING_BASE_HI:   return (uint32_t)(d->ring_base >> 32);
	case TMA_REG_RING_SIZE:      return d->ring_size;
	case TMA_REG_RING_HEAD:      return d->head;
	case TMA_REG_RING_TAIL:      return d->tail;
	case TMA_REG_IRQ_STATUS:     return d->irq_status;
	case TMA_REG_IRQ_MASK:       return d->irq_mask;
	case TMA_REG_ERR_STATUS:     return d->err_status;
	case TMA_REG_ERR_ADDR_LO:    return (uint32_t)d->err_addr;
	case TMA_REG_ERR_ADDR_HI:    return (uint32_t)(d->err_addr >> 32);
	case TMA_REG_PROGRESS:       return d->progress;
	case TMA_REG_JOBS_DONE:      return d->jobs_done;
	case TMA_REG_LAST_SEQNO:     return d->last_seqno;
	case TMA_REG_PERF_CYCLES_LO: return (uint32_t)d->perf_cycles;
	case TMA_REG_PERF_CYCLES_HI: return (uint32_t)(d->perf_cycles >> 32);
	case TMA_REG_PERF_BUSY_LO:   return (uint32_t)d->perf_busy;
	case TMA_REG_PERF_BUSY_HI:   return (uint32_t)(d->perf_busy >> 32);
	case TMA_REG_PERF_MACS_LO:   return (uint32_t)d->perf_macs;
	case TMA_REG_PERF_MACS_HI:   return (uint32_t)(d->perf_macs >> 32);
	case TMA_REG_PERF_DMA_RD_LO: return (uint32_t)d->perf_rd;
	case TMA_REG_PERF_DMA_RD_HI: return (uint32_t)(d->perf_rd >> 32);
	case TMA_REG_PERF_DMA_WR_LO: return (uint32_t)d->perf_wr;
	case TMA_REG_PERF_DMA_WR_HI: return (uint32_t)(d->perf_wr >> 32);
	case TMA_REG_PERF_STALL_LO:  return (uint32_t)d->perf_stall;
	case TMA_REG_PERF_STALL_HI:  return (uint32_t)(d->perf_stall >> 32);
	}
	return 0;
}

static void csr_write(struct tma_dev *d, uint32_t off, uint32_t v)
{
	switch (off) {
	case TMA_REG_CTRL:
		if (v & TMA_CTRL_SOFT_RESET_MASK)
			dev_reset(d);
		else
			d->ctrl = v & TMA_CTRL_ENABLE_MASK;
		break;
	case TMA_REG_RING_BASE_LO:
		d->ring_base = (d->ring_base & ~0xffffffffull) | v;
		break;
	case TMA_REG_RING_BASE_HI:
		d->ring_base = (d->ring_base & 0xffffffffull) | (uint64_t)v << 32;
		break;
	case TMA_REG_RING_SIZE:  d->ring_size = v; break;
	case TMA_REG_RING_TAIL:  d->tail = v; break;
	case TMA_REG_IRQ_STATUS: d->irq_status &= ~v; break;
	case TMA_REG_IRQ_MASK:   d->irq_mask = v & IRQ_ALL; break;
	}
}

/* ---- the engine interface ------------------------------------------------ */

static struct tma_dev *tma_dev_from_engine(struct tmsim_engine *e)
{
	return (struct tma_dev *)e;
}

static int model_create(const struct tmsim_params *p, const struct tmsim_bus *bus,
			struct tmsim_engine **out, char *err, size_t errlen)
{
	struct tma_dev *d;
	int ret = tma_params_check(p, err, errlen);

	if (ret)
		return ret;
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->p = *p;
	d->bus = *bus;
	dev_reset(d);
	*out = (struct tmsim_engine *)d;
	return 0;
}

static void model_destroy(struct tmsim_engine *e)
{
	free(e);
}

static uint32_t model_csr_read(struct tmsim_engine *e, uint32_t off)
{
	return csr_read(tma_dev_from_engine(e), off);
}

static void model_csr_write(struct tmsim_engine *e, uint32_t off, uint32_t v)
{
	csr_write(tma_dev_from_engine(e), off, v);
}

static uint64_t model_step(struct tmsim_engine *e, uint64_t max)
{
	return dev_step(tma_dev_from_engine(e), max);
}

static int model_irq(struct tmsim_engine *e)
{
	return dev_irq(tma_dev_from_engine(e));
}

static uint64_t model_cycle(struct tmsim_engine *e)
{
	return tma_dev_from_engine(e)->cycle;
}

const struct tmsim_engine_ops tmsim_engine_model = {
	.name = "model",
	.built_params = NULL,
	.create = model_create,
	.destroy = model_destroy,
	.csr_read = model_csr_read,
	.csr_write = model_csr_write,
	.step = model_step,
	.irq = model_irq,
	.cycle = model_cycle,
};
