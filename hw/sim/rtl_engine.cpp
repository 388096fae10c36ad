// SPDX-License-Identifier: MIT
/*
 * rtl_engine.cpp - libtmsim's "rtl" engine: the Verilated tma_top behind
 * engine.h. C++ only because Verilator's model is a C++ class.
 *
 * The bus: the read channel takes one request a cycle and answers it one
 * cycle later (in order), reading only the bytes the request enables, so a
 * beat that straddles the end of a mapping reads what is there; the write
 * channel stores the strobed bytes and answers the same way. A callback
 * error becomes a bus error response. Nothing here computes.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>

#include "Vtma_top.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#ifdef TMSIM_RTL_COVERAGE
#include <unistd.h>
#include "verilated_cov.h"
#endif

extern "C" {
#include "tma_regs.h"
}
#include "rtl_engine.h"

static_assert(TMA_RTL_BUS_BYTES == 8, "the glue moves bus beats as 64-bit words");

namespace {

struct rsp {
	uint64_t data;
	bool err;
};

struct rtl_dev {
	VerilatedContext ctx;
	std::unique_ptr<Vtma_top> top;
	std::unique_ptr<VerilatedFstC> fst;
	struct tmsim_bus bus;
	uint64_t cycle = 0;
	uint64_t time = 0;
	std::deque<rsp> rd_q;   // answers due next cycle
	std::deque<bool> wr_q;
};

/* The contiguous run of set bits in an 8-bit enable, as [lo, lo + n). */
static unsigned be_run(unsigned be, unsigned *lo)
{
	unsigned n = 0;

	*lo = 0;
	while (*lo < 8 && !(be >> *lo & 1))
		(*lo)++;
	while (*lo + n < 8 && (be >> (*lo + n) & 1))
		n++;
	return n;
}

static void dump(rtl_dev *d)
{
	if (d->fst)
		d->fst->dump(d->time);
	d->time++;
}

/* One clock cycle: present due answers, take new requests at the edge. */
static void tick(rtl_dev *d)
{
	Vtma_top *t = d->top.get();
	bool rd_ans = !d->rd_q.empty(), wr_ans = !d->wr_q.empty();

	t->rd_req_ready_i = 1;
	t->wr_req_ready_i = 1;
	t->rd_rsp_valid_i = rd_ans;
	t->rd_rsp_data_i = rd_ans ? d->rd_q.front().data : 0;
	t->rd_rsp_err_i = rd_ans && d->rd_q.front().err;
	t->wr_rsp_valid_i = wr_ans;
	t->wr_rsp_err_i = wr_ans && d->wr_q.front();
	t->clk_i = 0;
	t->eval();
	dump(d);

	bool rd_req = t->rd_req_valid_o, wr_req = t->wr_req_valid_o;
	rsp r = { 0, false };
	bool werr = false;

	if (rd_req) {
		unsigned lo, n = be_run(t->rd_req_be_o, &lo);
		uint8_t b[8] = { 0 };

		if (n && d->bus.read(d->bus.ctx, t->rd_req_addr_o + lo, b + lo, n))
			r.err = true;
		for (unsigned i = 0; i < 8; i++)
			r.data |= (uint64_t)b[i] << (8 * i);
	}
	if (wr_req) {
		unsigned lo, n = be_run(t->wr_req_strb_o, &lo);
		uint8_t b[8];
		uint64_t v = t->wr_req_data_o;

		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(v >> (8 * i));
		if (n && d->bus.write(d->bus.ctx, t->wr_req_addr_o + lo, b + lo, n))
			werr = true;
	}
	t->clk_i = 1;
	t->eval();
	dump(d);
	if (rd_ans)
		d->rd_q.pop_front();
	if (wr_ans)
		d->wr_q.pop_front();
	if (rd_req)
		d->rd_q.push_back(r);
	if (wr_req)
		d->wr_q.push_back(werr);
	d->cycle++;
}

static rtl_dev *dev(struct tmsim_engine *e)
{
	return reinterpret_cast<rtl_dev *>(e);
}

int rtl_built_params(struct tmsim_params *p)
{
	p->rows = TMA_RTL_ROWS;
	p->cols = TMA_RTL_COLS;
	p->act_sram_kib = TMA_RTL_ACT_KIB;
	p->wgt_sram_kib = TMA_RTL_WGT_KIB;
	p->bus_bytes = TMA_RTL_BUS_BYTES;
	p->addr_bits = TMA_RTL_ADDR_BITS;
	p->caps = TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK |
		  TMA_CAPS_DEPTHWISE_MASK;
	return 0;
}

int rtl_create(const struct tmsim_params *p, const struct tmsim_bus *bus,
	       struct tmsim_engine **out, char *err, size_t errlen)
{
	struct tmsim_params b;
	rtl_dev *d;

	rtl_built_params(&b);
	if (memcmp(&b, p, sizeof(b))) {
		snprintf(err, errlen, "the rtl engine only runs its built parameters");
		return -EINVAL;
	}
	d = new (std::nothrow) rtl_dev;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->bus = *bus;
	d->top.reset(new Vtma_top(&d->ctx));
	const char *fst = getenv("TMSIM_RTL_FST");
	if (fst && *fst) {
		d->ctx.traceEverOn(true);
		d->fst.reset(new VerilatedFstC);
		d->top->trace(d->fst.get(), 99);
		d->fst->open(fst);
	}
	d->top->rst_ni = 0;
	d->top->clk_i = 0;
	d->top->eval();
	d->top->rst_ni = 1;
	d->top->eval();
	*out = reinterpret_cast<struct tmsim_engine *>(d);
	return 0;
}

void rtl_destroy(struct tmsim_engine *e)
{
	rtl_dev *d = dev(e);

	if (d->fst)
		d->fst->close();
	d->top->final();
#ifdef TMSIM_RTL_COVERAGE
	/* One file per device: each has its own context and counters. */
	static unsigned n_written;
	const char *cov = getenv("TMSIM_RTL_COV");
	if (cov && *cov) {
		char name[4096];

		snprintf(name, sizeof(name), "%s-%ld-%u.dat", cov, (long)getpid(), n_written++);
		d->ctx.coveragep()->write(name);
	}
#endif
	delete d;
}

uint32_t rtl_csr_read(struct tmsim_engine *e, uint32_t offset)
{
	Vtma_top *t = dev(e)->top.get();

	if (offset >= 4096 || offset % 4)
		return 0;
	t->csr_we_i = 0;
	t->csr_addr_i = offset;
	t->eval();
	return t->csr_rdata_o;
}

void rtl_csr_write(struct tmsim_engine *e, uint32_t offset, uint32_t value)
{
	rtl_dev *d = dev(e);
	Vtma_top *t = d->top.get();

	if (offset >= 4096 || offset % 4)
		return;
	t->csr_we_i = 1;
	t->csr_addr_i = offset;
	t->csr_wdata_i = value;
	tick(d);
	t->csr_we_i = 0;
	if (offset == TMA_REG_CTRL && (value & TMA_CTRL_SOFT_RESET_MASK)) {
		/* The bus is reset with the device: drop answers in flight. */
		d->rd_q.clear();
		d->wr_q.clear();
		tick(d);
		d->rd_q.clear();
		d->wr_q.clear();
	}
}

uint64_t rtl_step(struct tmsim_engine *e, uint64_t max_cycles)
{
	rtl_dev *d = dev(e);
	Vtma_top *t = d->top.get();
	uint64_t n = 0;

	t->csr_we_i = 0;
	t->eval();
	while (n < max_cycles && !t->irq_o && !(t->idle_o && d->rd_q.empty() && d->wr_q.empty())) {
		tick(d);
		n++;
	}
	return n;
}

int rtl_irq(struct tmsim_engine *e)
{
	return dev(e)->top->irq_o;
}

uint64_t rtl_cycle(struct tmsim_engine *e)
{
	return dev(e)->cycle;
}

} // namespace

extern "C" {
extern const struct tmsim_engine_ops tmsim_engine_rtl;
const struct tmsim_engine_ops tmsim_engine_rtl = {
	"rtl", rtl_built_params, rtl_create, rtl_destroy, rtl_csr_read, rtl_csr_write,
	rtl_step, rtl_irq, rtl_cycle,
};
}
