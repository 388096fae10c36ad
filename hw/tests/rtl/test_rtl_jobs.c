// SPDX-License-Identifier: MIT
/*
 * test_rtl_jobs.c - the Verilated RTL against the C model through libtmsim:
 * seeded random jobs (FC, CONV2D, depthwise; int8/int4; dense/2:4; tails,
 * strides, padding, dilation, reductions longer than a lane buffer, bad
 * commands) run on both engines, comparing the whole memory and the
 * completion record byte for byte (except the implementation-defined
 * cycles, dma_rd and stall), plus ERR_STATUS/ERR_ADDR/JOBS_DONE/RING_HEAD.
 * Directed cases: bad opcode, region overflow, misalignment, reset mid-job.
 *
 * A mismatch re-runs that job on a fresh RTL device with TMSIM_RTL_FST set,
 * leaving build/rtl-fail-<seed>.fst, and prints the job's seed.
 *
 * Usage: test_rtl_jobs [jobs [seed]]   (default 1000 jobs, seed 1)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_test.h"
#include "tma_cmd.h"
#include "tma_regs.h"
#include "tmsim.h"
#include "tma_harness.h"

#define RING_BASE 0x800000ull
#define RING_N    4

/* Array shape of the RTL build under test (hw/rtl/rtl.mk sets it). */
#ifndef RTL_ROWS
#define RTL_ROWS 8
#endif
#ifndef RTL_COLS
#define RTL_COLS 8
#endif

struct dev {
	struct tmsim *s;
	uint8_t *mem;
	struct tma_job_desc ring[RING_N];
};

static struct dev model, rtl;
static uint64_t rng_state;
static unsigned n_jobs = 1000;
static uint64_t seed0 = 1;
static char err[256];

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* Uniform in [lo, hi]. */
static uint32_t urange(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static int dev_open(struct dev *d, const char *engine)
{
	struct tmsim_params p;

	memset(d, 0, sizeof(*d));
	p.rows = RTL_ROWS;
	p.cols = RTL_COLS;
	p.act_sram_kib = 32;
	p.wgt_sram_kib = 32;
	p.bus_bytes = 8;
	p.addr_bits = 64;
	p.caps = TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK |
		 TMA_CAPS_DEPTHWISE_MASK;
	if (!d->mem)
		d->mem = calloc(1, MEM_SIZE);
	if (!d->mem || tmsim_create(engine, &p, &d->s, err, sizeof(err))) {
		fprintf(stderr, "%s engine: %s\n", engine, err);
		return -1;
	}
	if (tmsim_mem_add(d->s, MEM_BASE, d->mem, MEM_SIZE) ||
	    tmsim_mem_add(d->s, RING_BASE, d->ring, sizeof(d->ring)))
		return -1;
	tmsim_csr_write(d->s, TMA_REG_RING_BASE_LO, (uint32_t)RING_BASE);
	tmsim_csr_write(d->s, TMA_REG_RING_BASE_HI, 0);
	tmsim_csr_write(d->s, TMA_REG_RING_SIZE, RING_N);
	tmsim_csr_write(d->s, TMA_REG_IRQ_MASK, TMA_IRQ_STATUS_JOB_DONE_MASK |
			TMA_IRQ_STATUS_JOB_ERROR_MASK | TMA_IRQ_STATUS_RING_ERROR_MASK);
	tmsim_csr_write(d->s, TMA_REG_CTRL, TMA_CTRL_ENABLE_MASK);
	return 0;
}

static void dev_close(struct dev *d)
{
	tmsim_destroy(d->s);
	d->s = NULL;
}

/* Submit the job in the shared `mem` image with descriptor @desc; run to its IRQ. */
static int dev_run(struct dev *d, const struct tma_job_desc *desc, uint64_t limit)
{
	uint32_t tail = tmsim_csr_read(d->s, TMA_REG_RING_TAIL);
	uint64_t ran = 0, n;
	int stop = TMSIM_STOP_LIMIT;

	memcpy(d->mem, mem, MEM_SIZE);
	d->ring[tail] = *desc;
	tmsim_csr_write(d->s, TMA_REG_RING_TAIL, (tail + 1) % RING_N);
	while (ran < limit) {
		stop = tmsim_run(d->s, limit - ran, &n);
		ran += n;
		if (stop != TMSIM_STOP_LIMIT)
			break;
	}
	tmsim_csr_write(d->s, TMA_REG_IRQ_STATUS, ~0u);
	return stop;
}

/* ---- random jobs ------------------------------------------------------------ */

static void rand_bytes(uint32_t off, uint64_t n)
{
	for (uint64_t i = 0; i < n && off + i < MEM_SIZE; i++)
		mem[off + i] = (uint8_t)rnd();
}

static uint64_t span_act(uint32_t h, uint32_t w, uint32_t c, uint32_t row, uint32_t pix)
{
	return (uint64_t)(h - 1) * row + (uint64_t)(w - 1) * pix + c;
}

/* Bytes of IN / OUT a layer touches; FC is one row of out_w pixels (its
 * spec leaves the conv-only fields zero, as the command stream does). */
static uint64_t in_span(const struct spec *s)
{
	if (s->op == TMA_OP_FC)
		return span_act(1, s->out_w, s->in_c, 0, s->in_pix);
	return span_act(s->in_h, s->in_w, s->in_c, s->in_row, s->in_pix);
}

static uint64_t out_span(const struct spec *s)
{
	if (s->op == TMA_OP_FC)
		return span_act(1, s->out_w, s->out_c, 0, s->out_pix);
	return span_act(s->out_h, s->out_w, s->out_c, s->out_row, s->out_pix);
}

static uint64_t wgt_bytes(const struct spec *s)
{
	int dw = !!(s->flags & TMA_FLAG_DEPTHWISE);
	uint64_t taps = s->op == TMA_OP_FC ? 1 : (uint64_t)s->kh * s->kw;
	uint64_t e = taps * s->out_c * (dw ? 1 : s->in_c);

	switch (s->flags & (TMA_FLAG_INT4 | TMA_FLAG_SPARSE_2_4)) {
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

/* A random legal layer that fits the standard offsets; 0 if it did not fit. */
static int rand_layer(struct spec *s)
{
	uint32_t kind = urange(0, 11), big = urange(0, 24) == 0;
	uint32_t k, dil, pad, stride;

	if (kind < 3 || kind >= 10) {
		/* Kinds 10-11: enough pixels per weight row that the RTL's
		 * ping-pong weight halves pay (several super-groups). */
		if (kind < 3)
			*s = fc_spec(urange(1, 12), urange(1, big ? 5200 : 200), urange(1, 40));
		else
			*s = fc_spec(urange(16, 48), urange(32, 1000), urange(9, 60));
		s->flags = rnd() & 1 ? TMA_FLAG_INT4 : 0;
		if (rnd() & 1) {
			s->flags |= TMA_FLAG_SPARSE_2_4;
			s->in_c = (s->in_c + 3) & ~3u;
		}
		s->in_pix = s->in_c + 4 * urange(0, 2);
		s->out_pix = s->out_c + urange(0, 5);
	} else {
		int dw = kind >= 8;
		/* Depthwise up to 40 channels: several resident groups. */
		uint32_t cmax = dw ? (rnd() & 1 ? 12 : 40) : 48;

		k = big && dw ? urange(20, 24) : urange(1, 3);
		dil = urange(1, 2);
		pad = urange(0, 2);
		stride = urange(1, 2);
		*s = conv_spec(urange(1, 9), urange(1, 9), urange(1, cmax),
			       urange(1, 24), k, stride, pad);
		if (big && dw) {
			s->in_h = s->in_w = k + urange(0, 2);
			pad = 0;
		}
		s->dh = s->dw = dil;
		s->pad_t = urange(0, pad);
		s->pad_l = urange(0, pad);
		int64_t eh = (int64_t)s->in_h + 2 * pad - (int64_t)dil * (k - 1) - 1;
		int64_t ew = (int64_t)s->in_w + 2 * pad - (int64_t)dil * (k - 1) - 1;

		if (eh < 0 || ew < 0)
			return 0;
		s->out_h = (uint32_t)(eh / stride + 1);
		s->out_w = (uint32_t)(ew / stride + 1);
		s->flags = rnd() & 1 ? TMA_FLAG_INT4 : 0;
		if (dw) {
			s->flags |= TMA_FLAG_DEPTHWISE;
			/* Whole groups of 8 and (below) gapless pixels: the
			 * RTL fetches a row of taps in one DMA. */
			if (cmax == 40 && rnd() & 1)
				s->in_c = (s->in_c + 7) & ~7u;
			s->out_c = s->in_c * urange(1, 3);
		} else if (rnd() & 1) {
			s->flags |= TMA_FLAG_SPARSE_2_4;
			s->in_c = (s->in_c + 3) & ~3u;
		}
		s->in_pix = s->in_c + (dw && rnd() & 1 ? 0 : urange(0, 3));
		s->in_row = s->in_w * s->in_pix + urange(0, 5);
		s->out_pix = s->out_c + urange(0, 3);
		s->out_row = s->out_w * s->out_pix + urange(0, 5);
	}
	s->in_zp = (int8_t)rnd();
	s->out_zp = (int8_t)rnd();
	s->act_min = (int8_t)urange(0, 255);
	s->act_max = (int8_t)urange(0, 255);
	if (s->act_min > s->act_max) {
		int32_t t = s->act_min;

		s->act_min = s->act_max;
		s->act_max = t;
	}
	if (rnd() % 4 == 0) {
		s->act_min = -128;
		s->act_max = 127;
	}
	if (in_span(s) > OFF_WGT - OFF_IN || wgt_bytes(s) > OFF_CHAN - OFF_WGT ||
	    out_span(s) > MEM_SIZE - OFF_OUT)
		return 0;
	rand_bytes(OFF_IN, in_span(s));
	rand_bytes(OFF_WGT, wgt_bytes(s));
	for (uint32_t oc = 0; oc < s->out_c; oc++) {
		int32_t shift = rnd() % 16 == 0 ? (int32_t)urange(0, 80) - 40 :
			       (int32_t)urange(0, 12) - 10;

		put_chan(oc, (int32_t)(rnd() % 200001) - 100000,
			 (int32_t)(0x40000000u + (rnd() & 0x3fffffff)), shift);
	}
	return 1;
}

/* Break @s in one of the ways the ABI names. */
static void corrupt(struct spec *s, struct tma_job_desc *d)
{
	switch (urange(0, 7)) {
	case 0:
		s->op = urange(3, 15);              /* bad opcode */
		break;
	case 1:
		s->flags |= 0x08;                   /* unknown flag */
		break;
	case 2:
		s->out_c = 0;                       /* bad dims */
		break;
	case 3:
		s->rgn[urange(0, 3)] = urange(1, 9);  /* region index >= count */
		break;
	case 4:
		s->off[urange(0, 3)] += urange(1, 3);  /* misaligned */
		break;
	case 5:
		d->regions[0].size = OFF_OUT + urange(0, 64);  /* output overflows */
		break;
	case 6:
		s->act_min = 5;
		s->act_max = -5;
		break;
	default:
		d->cmd_size = TMA_CMD_SIZE;         /* no END */
		break;
	}
}

/* One random job into `mem` and @d; returns the number of commands. */
static void rand_job(struct tma_job_desc *d, uint32_t seqno)
{
	uint32_t n = urange(1, 3), bad = urange(0, 9) == 0 ? urange(0, n - 1) : n;
	uint32_t i = 0;
	struct spec s;

	memset(mem, 0, MEM_SIZE);
	rand_bytes(OFF_OUT, MEM_SIZE - OFF_OUT);   /* output gaps must stay untouched */
	make_desc(d, seqno, n + 1);
	while (i < n) {
		if (rnd() % 8 == 0) {
			put_op(i++, TMA_OP_NOP, 0);
			continue;
		}
		if (!rand_layer(&s))
			continue;
		if (i == bad)
			corrupt(&s, d);
		put_cmd(i++, &s);
	}
	put_op(n, TMA_OP_END, 0);
}

/* ---- comparison ------------------------------------------------------------ */

static int same_result(uint64_t seed)
{
	static const uint32_t regs[] = { TMA_REG_ERR_STATUS, TMA_REG_ERR_ADDR_LO,
					 TMA_REG_ERR_ADDR_HI, TMA_REG_JOBS_DONE,
					 TMA_REG_RING_HEAD, TMA_REG_LAST_SEQNO, TMA_REG_STATUS };
	struct tma_done a, b;
	int ok = 1;

	memcpy(&a, model.mem + OFF_DONE, sizeof(a));
	memcpy(&b, rtl.mem + OFF_DONE, sizeof(b));
	/* Implementation-defined: timing and how much was read. */
	a.cycles = b.cycles = 0;
	a.dma_rd = b.dma_rd = 0;
	a.stall = b.stall = 0;
	memcpy(model.mem + OFF_DONE, &a, sizeof(a));
	memcpy(rtl.mem + OFF_DONE, &b, sizeof(b));
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (tmsim_csr_read(model.s, regs[i]) != tmsim_csr_read(rtl.s, regs[i])) {
			fprintf(stderr, "seed %llu: register 0x%03x model 0x%08x rtl 0x%08x\n",
				(unsigned long long)seed, regs[i],
				tmsim_csr_read(model.s, regs[i]), tmsim_csr_read(rtl.s, regs[i]));
			ok = 0;
		}
	if (memcmp(model.mem, rtl.mem, MEM_SIZE)) {
		size_t i = 0;

		while (model.mem[i] == rtl.mem[i])
			i++;
		fprintf(stderr, "seed %llu: memory differs at 0x%zx: model %02x rtl %02x "
			"(status model %u rtl %u)\n", (unsigned long long)seed, i, model.mem[i],
			rtl.mem[i], a.status, b.status);
		ok = 0;
	}
	return ok;
}

/* Re-run the job of @seed alone on a fresh traced RTL device. */
static void leave_waveform(uint64_t seed, const struct tma_job_desc *d)
{
	struct dev t;
	char path[64];

	snprintf(path, sizeof(path), "build/rtl-fail-%llu.fst", (unsigned long long)seed);
	setenv("TMSIM_RTL_FST", path, 1);
	if (!dev_open(&t, "rtl")) {
		dev_run(&t, d, 2000000);
		fprintf(stderr, "seed %llu: waveform in %s\n", (unsigned long long)seed, path);
	}
	unsetenv("TMSIM_RTL_FST");
	if (t.s)
		dev_close(&t);
	free(t.mem);
}

static int run_both(uint64_t seed, const struct tma_job_desc *d)
{
	int sm = dev_run(&model, d, 50000000), sr = dev_run(&rtl, d, 50000000);

	if (sm != sr || sr != TMSIM_STOP_IRQ) {
		fprintf(stderr, "seed %llu: stop model %d rtl %d\n", (unsigned long long)seed,
			sm, sr);
		leave_waveform(seed, d);
		return 0;
	}
	if (!same_result(seed)) {
		leave_waveform(seed, d);
		return 0;
	}
	return 1;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_rtl_random_jobs(void)
{
	struct tma_job_desc d;
	unsigned failed = 0;

	for (unsigned j = 0; j < n_jobs && failed < 3; j++) {
		uint64_t seed = seed0 * 1000003u + j;

		rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
		rand_job(&d, j + 1);
		if (!run_both(seed, &d)) {
			failed++;
			CHECK(0);
		}
	}
}

/* Directed: a single bad thing in a good job, and the next job runs normally. */
static void directed(uint64_t seed, int what)
{
	struct tma_job_desc d;
	struct spec s = conv_spec(5, 5, 8, 8, 3, 1, 1);

	rng_state = seed;
	memset(mem, 0, MEM_SIZE);
	rand_bytes(OFF_OUT, MEM_SIZE - OFF_OUT);
	rand_bytes(OFF_IN, 5 * 5 * 8);
	rand_bytes(OFF_WGT, 9 * 64);
	for (uint32_t oc = 0; oc < 8; oc++)
		put_chan(oc, (int32_t)oc * 100, 0x50000000, -7);
	make_desc(&d, 100 + (uint32_t)what, 2);
	switch (what) {
	case 0:
		s.op = 0x13;
		break;
	case 1:
		d.regions[0].size = OFF_OUT + 5 * 5 * 8 - 1;
		break;
	case 2:
		s.off[1] += 2;
		break;
	}
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	CHECK(run_both(seed, &d));
	/* The device stays usable. */
	d.regions[0].size = MEM_SIZE;
	s = conv_spec(5, 5, 8, 8, 3, 1, 1);
	put_cmd(0, &s);
	d.seqno++;
	CHECK(run_both(seed + 1, &d));
}

static void test_rtl_bad_opcode(void)
{
	directed(11, 0);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_JOBS_DONE) > 0, 1);
}

/* DMA_FAULT touches nothing: the whole memory (random output area) matches. */
static void test_rtl_region_overflow(void)
{
	directed(12, 1);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_ERR_STATUS) & TMA_ERR_STATUS_CODE_MASK,
		 TMA_ERR_DMA_FAULT);
}

static void test_rtl_misaligned(void)
{
	directed(13, 2);
}

/* Soft reset in the middle of a long job, then a job that must match the model. */
static void test_rtl_reset_mid_job(void)
{
	struct tma_job_desc d;
	struct spec s = fc_spec(12, 2000, 40);
	uint64_t n;

	rng_state = 77;
	memset(mem, 0, MEM_SIZE);
	rand_bytes(OFF_IN, 12 * 2000);
	rand_bytes(OFF_WGT, 2000 * 40);
	for (uint32_t oc = 0; oc < 40; oc++)
		put_chan(oc, 0, 0x40000000, -9);
	make_desc(&d, 500, 2);
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	memcpy(rtl.mem, mem, MEM_SIZE);
	rtl.ring[tmsim_csr_read(rtl.s, TMA_REG_RING_TAIL)] = d;
	tmsim_csr_write(rtl.s, TMA_REG_RING_TAIL,
			(tmsim_csr_read(rtl.s, TMA_REG_RING_TAIL) + 1) % RING_N);
	CHECK_EQ(tmsim_run(rtl.s, 3000, &n), TMSIM_STOP_LIMIT);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_STATUS) & TMA_STATUS_BUSY_MASK, 1);
	tmsim_csr_write(rtl.s, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_STATUS), 0);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_RING_HEAD), 0);
	CHECK_EQ(tmsim_csr_read(rtl.s, TMA_REG_CTRL), 0);
	CHECK_EQ(tmsim_run(rtl.s, 1000, &n), TMSIM_STOP_IDLE);
	/* Both devices restart from a reset state and must agree again. */
	dev_close(&model);
	dev_close(&rtl);
	CHECK_EQ(dev_open(&model, "model"), 0);
	CHECK_EQ(dev_open(&rtl, "rtl"), 0);
	d.seqno = 501;
	CHECK(run_both(501, &d));
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n_jobs = (unsigned)strtoul(argv[1], NULL, 0);
	if (argc > 2)
		seed0 = strtoull(argv[2], NULL, 0);
	if (dev_open(&model, "model") || dev_open(&rtl, "rtl")) {
		printf("not ok - test_rtl_open\n");
		return 1;
	}
	TM_RUN(test_rtl_bad_opcode);
	TM_RUN(test_rtl_region_overflow);
	TM_RUN(test_rtl_misaligned);
	TM_RUN(test_rtl_random_jobs);
	TM_RUN(test_rtl_reset_mid_job);
	dev_close(&model);
	dev_close(&rtl);
	free(model.mem);
	free(rtl.mem);
	TM_TEST_EXIT();
}
