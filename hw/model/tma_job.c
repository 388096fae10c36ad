// SPDX-License-Identifier: MIT
/*
 * tma_job.c - one job: descriptor checks, the command walk with every check
 * of uapi/tma_cmd.h in its documented order, DMA through the bus, and the
 * completion record.
 *
 * Each operand is read whole after its span passed the region check, so a
 * command that fails a check has touched nothing, as the ABI promises.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tma_cmd.h"
#include "tma_regs.h"
#include "tma_model.h"

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64(const uint8_t *b)
{
	return le32(b) | (uint64_t)le32(b + 4) << 32;
}

static void put_le32(uint8_t *b, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *b, uint64_t v)
{
	put_le32(b, (uint32_t)v);
	put_le32(b + 4, (uint32_t)(v >> 32));
}

/* End the job with @code; @region and @addr only mean something for some codes. */
static int job_fail(struct tma_job *job, uint32_t code, uint32_t opnd, uint32_t region,
		    uint64_t addr)
{
	struct tma_job_result *r = &job->res;

	r->status = code;
	r->err_info = code << TMA_ERR_INFO_CODE_SHIFT |
		      (region & TMA_ERR_INFO_REGION_MASK) << TMA_ERR_INFO_REGION_SHIFT |
		      opnd << TMA_ERR_INFO_OPND_SHIFT |
		      (job->cmd_index & TMA_ERR_INFO_CMD_MASK) << TMA_ERR_INFO_CMD_SHIFT;
	r->err_addr = addr;
	job->ended = 1;
	return 1;
}

static int bad_job(struct tma_job *job, uint32_t opnd, uint32_t region)
{
	job->res.record = 0;
	return job_fail(job, TMA_ERR_BAD_JOB, opnd, region, 0);
}

/* The descriptor's own rules; see "DOC: jobs" step 1. */
static int check_desc(struct tma_job *job, const uint8_t *desc)
{
	uint32_t flags = le32(desc + 4), count = le32(desc + 8);
	uint32_t cmd_rgn = le32(desc + 12), cmd_off = le32(desc + 16), cmd_size = le32(desc + 20);
	uint32_t done_rgn = le32(desc + 24), done_off = le32(desc + 28);

	if (flags || count < 1 || count > TMA_MAX_REGIONS)
		return bad_job(job, TMA_OPND_DESC, 0);
	job->region_count = count;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *r = desc + 32 + 16 * i;

		job->base[i] = le64(r);
		job->size[i] = le64(r + 8);
		if (job->base[i] % TMA_REGION_ALIGN || job->size[i] > UINT64_MAX - job->base[i])
			return bad_job(job, TMA_OPND_DESC, i);
	}
	if (cmd_rgn >= count || cmd_off % TMA_CMD_STREAM_ALIGN || !cmd_size ||
	    cmd_size % TMA_CMD_SIZE)
		return bad_job(job, TMA_OPND_CMD, cmd_rgn);
	if (done_rgn >= count || done_off % TMA_DONE_ALIGN ||
	    (uint64_t)done_off + TMA_DONE_SIZE > job->size[done_rgn])
		return bad_job(job, TMA_OPND_DONE, done_rgn);
	job->res.record = 1;
	job->res.done_region = done_rgn;
	job->res.done_addr = job->base[done_rgn] + done_off;
	if ((uint64_t)cmd_off + cmd_size > job->size[cmd_rgn])
		return job_fail(job, TMA_ERR_DMA_FAULT, TMA_OPND_CMD, cmd_rgn,
				job->base[cmd_rgn] + cmd_off);
	job->cmd_region = cmd_rgn;
	job->cmd_addr = job->base[cmd_rgn] + cmd_off;
	job->cmd_count = cmd_size / TMA_CMD_SIZE;
	return 0;
}

int tma_job_begin(struct tma_job *job, const struct tmsim_params *p,
		  const struct tmsim_bus *bus, const uint8_t *desc)
{
	memset(job, 0, sizeof(*job));
	job->p = p;
	job->bus = bus;
	job->res.seqno = le32(desc);
	job->res.dma_rd = TMA_JOB_DESC_SIZE;
	job->res.cycles = tma_bus_cycles(p, TMA_JOB_DESC_SIZE);
	return check_desc(job, desc);
}

static int check_flags(const struct tma_job *job, const struct tma_layer *l)
{
	uint32_t caps = job->p->caps;

	if (l->flags & ~TMA_FLAGS_ALL)
		return 0;
	if ((l->flags & TMA_FLAG_INT4) && !(caps & TMA_CAPS_INT4_MASK))
		return 0;
	if ((l->flags & TMA_FLAG_SPARSE_2_4) && !(caps & TMA_CAPS_SPARSE_2_4_MASK))
		return 0;
	if (l->flags & TMA_FLAG_DEPTHWISE)
		return l->opcode == TMA_OP_CONV2D && (caps & TMA_CAPS_DEPTHWISE_MASK) &&
		       !(l->flags & TMA_FLAG_SPARSE_2_4);
	return 1;
}

static int check_dims(const struct tma_layer *l)
{
	if (!l->in_h || !l->in_w || !l->in_c || !l->out_h || !l->out_w || !l->out_c)
		return 0;
	if (!l->kh || !l->kw || !l->sh || !l->sw || !l->dh || !l->dw)
		return 0;
	if (l->act_min > l->act_max)
		return 0;
	if ((l->flags & TMA_FLAG_DEPTHWISE) && l->out_c % l->in_c)
		return 0;
	if ((l->flags & TMA_FLAG_SPARSE_2_4) && l->in_c % 4)
		return 0;
	if (l->out_pix < l->out_c)
		return 0;
	return l->out_h == 1 || l->out_row >= (uint64_t)l->out_w * l->out_pix;
}

/* Region, alignment and span of the four operands, each check in operand order. */
static int check_operands(struct tma_job *job, const struct tma_layer *l)
{
	for (unsigned i = 0; i < 4; i++)
		if (l->rgn[i] >= job->region_count)
			return job_fail(job, TMA_ERR_BAD_REGION, TMA_OPND_IN + i, l->rgn[i], 0);
	for (unsigned i = 0; i < 4; i++)
		if (l->off[i] % TMA_OPND_ALIGN)
			return job_fail(job, TMA_ERR_MISALIGNED, TMA_OPND_IN + i, l->rgn[i], 0);
	for (unsigned i = 0; i < 4; i++) {
		uint32_t r = l->rgn[i];

		if ((uint64_t)l->off[i] + tma_layer_span(l, TMA_OPND_IN + i) > job->size[r])
			return job_fail(job, TMA_ERR_DMA_FAULT, TMA_OPND_IN + i, r,
					job->base[r] + l->off[i]);
	}
	return 0;
}

static uint64_t opnd_addr(const struct tma_job *job, const struct tma_layer *l, unsigned opnd)
{
	return job->base[l->rgn[opnd - TMA_OPND_IN]] + l->off[opnd - TMA_OPND_IN];
}

/* Read an operand whole; NULL after ending the job on a bus error. */
static uint8_t *read_opnd(struct tma_job *job, const struct tma_layer *l, unsigned opnd)
{
	uint64_t n = tma_layer_span(l, opnd), addr = opnd_addr(job, l, opnd);
	uint8_t *b = n <= SIZE_MAX ? malloc(n) : NULL;

	/* The model holds operands in host memory; one it cannot hold is a bus error. */
	if (!b || job->bus->read(job->bus->ctx, addr, b, n)) {
		free(b);
		job_fail(job, TMA_ERR_BUS, opnd, l->rgn[opnd - TMA_OPND_IN], addr);
		return NULL;
	}
	job->res.dma_rd += n;
	return b;
}

/* Write the dense result pixel by pixel, leaving the gaps of strided output alone. */
static int write_out(struct tma_job *job, const struct tma_layer *l, const int8_t *out)
{
	uint64_t base = opnd_addr(job, l, TMA_OPND_OUT);

	for (uint32_t y = 0; y < l->out_h; y++)
		for (uint32_t x = 0; x < l->out_w; x++) {
			uint64_t a = base + (uint64_t)y * l->out_row + (uint64_t)x * l->out_pix;

			if (job->bus->write(job->bus->ctx, a, out, l->out_c))
				return job_fail(job, TMA_ERR_BUS, TMA_OPND_OUT, l->rgn[3], a);
			out += l->out_c;
			job->res.dma_wr += l->out_c;
		}
	return 0;
}

static int run_layer(struct tma_job *job, const struct tma_layer *l)
{
	uint8_t *in = NULL, *wgt = NULL, *chan = NULL;
	int8_t *out = NULL;
	uint64_t rd0 = job->res.dma_rd, wr0 = job->res.dma_wr;
	struct tma_cycles c;

	if (!check_flags(job, l))
		return job_fail(job, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE, 0, 0);
	if (!check_dims(l))
		return job_fail(job, TMA_ERR_BAD_DIMS, TMA_OPND_NONE, 0, 0);
	if (check_operands(job, l))
		return 1;
	uint64_t n_out = (uint64_t)l->out_h * l->out_w * l->out_c;

	if (!(in = read_opnd(job, l, TMA_OPND_IN)) || !(wgt = read_opnd(job, l, TMA_OPND_WGT)) ||
	    !(chan = read_opnd(job, l, TMA_OPND_CHAN)))
		goto out_free;
	out = n_out <= SIZE_MAX ? malloc(n_out) : NULL;
	if (!out || tma_layer_compute(l, in, wgt, chan, out)) {
		job_fail(job, TMA_ERR_BUS, TMA_OPND_OUT, l->rgn[3], opnd_addr(job, l, TMA_OPND_OUT));
		goto out_free;
	}
	if (write_out(job, l, out))
		goto out_free;
	job->res.macs += tma_layer_macs(l);
	tma_layer_cycles(job->p, l, job->res.dma_rd - rd0, job->res.dma_wr - wr0, &c);
	job->res.cycles += c.total;
	job->res.stall += c.stall;
	job->res.cmds_done++;
out_free:
	free(out);
	free(chan);
	free(wgt);
	free(in);
	return job->ended;
}

int tma_job_step(struct tma_job *job, uint64_t *cycles)
{
	uint8_t cmd[TMA_CMD_SIZE];
	struct tma_layer l;
	uint64_t before = job->res.cycles;

	if (job->ended)
		return 1;
	if (job->cmd_index == job->cmd_count)
		return job_fail(job, TMA_ERR_NO_END, TMA_OPND_CMD, job->cmd_region, 0);
	if (job->bus->read(job->bus->ctx, job->cmd_addr, cmd, sizeof(cmd)))
		return job_fail(job, TMA_ERR_BUS, TMA_OPND_CMD, job->cmd_region, job->cmd_addr);
	job->res.dma_rd += TMA_CMD_SIZE;
	job->res.cycles += tma_bus_cycles(job->p, TMA_CMD_SIZE);
	tma_layer_decode(&l, cmd);
	switch (l.opcode) {
	case TMA_OP_NOP:
	case TMA_OP_END:
		if (l.flags)
			job_fail(job, TMA_ERR_BAD_FLAGS, TMA_OPND_NONE, 0, 0);
		else if (l.opcode == TMA_OP_END)
			job->ended = 1;
		if (!l.flags)
			job->res.cmds_done++;
		break;
	case TMA_OP_FC:
	case TMA_OP_CONV2D:
		run_layer(job, &l);
		break;
	default:
		job_fail(job, TMA_ERR_BAD_OPCODE, TMA_OPND_NONE, 0, 0);
	}
	job->cmd_index++;
	job->cmd_addr += TMA_CMD_SIZE;
	*cycles += job->res.cycles - before;
	return job->ended;
}

void tma_job_finish(struct tma_job *job)
{
	struct tma_job_result *r = &job->res;
	uint8_t rec[TMA_DONE_SIZE];

	if (!r->record)
		return;
	r->cycles += tma_bus_cycles(job->p, TMA_DONE_SIZE);
	put_le32(rec, r->seqno);
	put_le32(rec + 4, r->status);
	put_le32(rec + 8, r->err_info);
	put_le32(rec + 12, r->cmds_done);
	put_le64(rec + 16, r->err_addr);
	put_le64(rec + 24, r->cycles);
	put_le64(rec + 32, r->macs);
	put_le64(rec + 40, r->dma_rd);
	put_le64(rec + 48, r->dma_wr);
	put_le64(rec + 56, r->stall);
	if (job->bus->write(job->bus->ctx, r->done_addr, rec, sizeof(rec))) {
		r->record = 0;
		job_fail(job, TMA_ERR_BUS, TMA_OPND_DONE, r->done_region, r->done_addr);
	}
}

uint32_t tma_job_run(const struct tmsim_params *p, const struct tmsim_bus *bus,
		     const uint8_t *desc, struct tma_job_result *res)
{
	struct tma_job job;
	uint64_t cycles = 0;

	if (!tma_job_begin(&job, p, bus, desc))
		while (!tma_job_step(&job, &cycles))
			;
	tma_job_finish(&job);
	*res = job.res;
	return res->status;
}
