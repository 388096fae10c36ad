// SPDX-License-Identifier: MIT
//
// tb_dma_rd - tma_dma_rd (BusBytes = 8) copying random spans (any byte or
// nibble start, any length, any destination byte) and fills into a buffer,
// over a bus that stalls requests and answers with random latency. Checks
// the buffer after every transfer, that no enabled byte of any request lies
// outside its region, and that out-of-bounds spans fault with no request
// and no write at all.
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include "Vtma_dma_rd.h"
#include "verilated.h"
#include "tb_util.h"

enum { B = 8, MEM = 1 << 16, DST = 1 << 13 };
static const uint64_t MEMBASE = 0x80000000ull;

struct pending {
	uint64_t due;
	uint64_t addr;
};

static uint8_t mem[MEM];
static uint8_t dst_rtl[DST], dst_ref[DST];

static void set_nib(uint8_t *a, uint64_t n, int v)
{
	uint8_t &b = a[n / 2];
	b = n % 2 ? (uint8_t)((b & 0x0f) | (v << 4)) : (uint8_t)((b & 0xf0) | v);
}

static int get_nib(const uint8_t *a, uint64_t n)
{
	return n % 2 ? a[n / 2] >> 4 : a[n / 2] & 15;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	tb_rng r(seed);
	Vtma_dma_rd *t = new Vtma_dma_rd;
	std::deque<pending> q;
	uint64_t cyc = 0;
	int bad_data = 0, bad_bounds = 0, bad_fault = 0, transfers = 0, faults = 0;

	for (auto &b : mem)
		b = (uint8_t)r.next();
	t->rst_ni = 0;
	t->eval();
	t->rst_ni = 1;

	for (int n = 0; n < 3000; n++) {
		uint64_t base = MEMBASE + (r.next() % (MEM / 2)) / 8 * 8;
		uint64_t size = r.range(1, 2048);
		if (base - MEMBASE + size > MEM)
			size = MEMBASE + MEM - base;
		bool fill = r.next() % 5 == 0;
		bool oob = !fill && r.next() % 6 == 0;
		uint32_t len = r.range(1, r.next() % 4 ? 64 : 1200);
		int nib = r.next() % 3 == 0;
		uint32_t span = (len + nib + 1) / 2;
		if (span > size)
			len = 2 * size - nib, span = (len + nib + 1) / 2;
		uint64_t off = r.next() % (size - span + 1);
		if (oob)
			off = size - span + r.range(1, 64);
		uint32_t dbyte = r.next() % (DST - 700);
		if (dbyte * 2 + len > 2 * DST)
			len = 2 * (DST - dbyte);
		uint8_t fb = (uint8_t)r.next();

		t->start_i = 1;
		t->fill_i = fill;
		t->fill_byte_i = fb;
		t->region_base_i = base;
		t->region_size_i = size;
		t->offset_i = off;
		t->offset_nib_i = nib;
		t->len_nib_i = len;
		t->dst_byte_i = dbyte;

		bool done = false, faulted = false;
		int writes = 0, reqs = 0;
		for (int c = 0; c < 20000 && !done && !faulted; c++, cyc++) {
			t->req_ready_i = r.next() % 10 < 7;
			t->rsp_valid_i = 0;
			if (!q.empty() && q.front().due <= cyc) {
				t->rsp_valid_i = 1;
				for (int i = 0; i < B; i++) {
					uint64_t a = q.front().addr + i - MEMBASE;
					tb_set_byte(t->rsp_data_i, i, a < MEM ? mem[a] : 0xee);
				}
				q.pop_front();
			}
			t->clk_i = 0;
			t->eval();
			if (t->req_valid_o && t->req_ready_i) {
				reqs++;
				for (int i = 0; i < B; i++)
					if ((t->req_be_o >> i) & 1) {
						uint64_t a = t->req_addr_o + i;
						if (a < base || a >= base + size)
							bad_bounds++;
					}
				uint64_t due = cyc + r.range(1, 4);
				if (!q.empty() && q.back().due > due)
					due = q.back().due;
				q.push_back({ due, t->req_addr_o });
			}
			if (t->wr_valid_o) {
				writes++;
				for (int i = 0; i < B; i++)
					if ((t->wr_mask_o >> i) & 1) {
						uint32_t a = t->wr_addr_o * B + i;
						dst_rtl[a % DST] = (uint8_t)(t->wr_data_o >> (8 * i));
					}
			}
			t->clk_i = 1;
			t->eval();
			t->start_i = 0;
			done = t->done_o;
			faulted = t->fault_o;
		}
		transfers++;
		if (oob) {
			faults++;
			if (!faulted || writes || reqs ||
			    t->fault_addr_o != base + off)
				bad_fault++;
			continue;
		}
		if (!done) {
			bad_data++;
			fprintf(stderr, "seed %llu transfer %d: no completion\n",
				(unsigned long long)seed, n);
			break;
		}
		for (uint32_t i = 0; i < len; i++) {
			int v = fill ? (fb >> (4 * ((dbyte * 2 + i) % 2))) & 15 :
				get_nib(mem, (base - MEMBASE + off) * 2 + nib + i);
			set_nib(dst_ref, dbyte * 2ull + i, v);
		}
		if (len % 2)   /* the rest of the last byte is zeroed */
			set_nib(dst_ref, dbyte * 2ull + len, 0);
		if (memcmp(dst_ref, dst_rtl, DST)) {
			if (bad_data++ < 5)
				fprintf(stderr, "seed %llu transfer %d: buffer differs (fill %d nib %d len %u dst %u)\n",
					(unsigned long long)seed, n, fill, nib, len, dbyte);
			memcpy(dst_rtl, dst_ref, DST);
		}
	}
	delete t;
	tb_cov_write();
	int fail = 0;
	fail |= tb_report("test_rtl_dma_rd_copy", bad_data == 0 && transfers == 3000);
	fail |= tb_report("test_rtl_dma_rd_in_region", bad_bounds == 0);
	fail |= tb_report("test_rtl_dma_rd_fault", bad_fault == 0 && faults > 100);
	return fail;
}
