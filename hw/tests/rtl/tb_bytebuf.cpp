// SPDX-License-Identifier: MIT
//
// tb_bytebuf - tma_bytebuf (1 KiB, 8-byte masked writes, 32-byte reads):
// random writes and reads in the same cycles against a byte array; a read
// returns the contents before that cycle's write (one cycle of latency).
#include <cstring>

#include "Vtma_bytebuf.h"
#include "verilated.h"
#include "tb_util.h"

enum { BYTES = 1024, WR = 8, RD = 32 };

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	tb_rng r(seed);
	Vtma_bytebuf *t = new Vtma_bytebuf;
	static uint8_t ref[BYTES], expect[RD];
	int bad = 0, reads = 0;
	bool pending = false;

	/* Fill everything once so reads never see uninitialised state. */
	for (unsigned a = 0; a < BYTES / WR; a++) {
		t->we_i = 1;
		t->waddr_i = a;
		t->wmask_i = 0xff;
		for (int i = 0; i < WR; i++)
			tb_set_byte(t->wdata_i, i, ref[a * WR + i] = (uint8_t)r.next());
		t->clk_i = 0;
		t->eval();
		t->clk_i = 1;
		t->eval();
	}
	for (int c = 0; c < 200000; c++) {
		t->we_i = r.next() % 2;
		t->re_i = r.next() % 2;
		t->waddr_i = r.next() % (BYTES / WR);
		t->raddr_i = r.next() % (BYTES / RD);
		t->wmask_i = (uint8_t)r.next();
		for (int i = 0; i < WR; i++)
			tb_set_byte(t->wdata_i, i, (uint8_t)r.next());
		uint8_t snap[RD];
		memcpy(snap, ref + t->raddr_i * RD, RD);
		if (t->we_i)
			for (int i = 0; i < WR; i++)
				if ((t->wmask_i >> i) & 1)
					ref[t->waddr_i * WR + i] = (uint8_t)(t->wdata_i >> (8 * i));
		bool rd = t->re_i;
		t->clk_i = 0;
		t->eval();
		t->clk_i = 1;
		t->eval();
		if (rd) {
			memcpy(expect, snap, RD);
			pending = true;
		}
		if (pending) {
			for (int i = 0; i < RD; i++)
				if ((uint8_t)(t->rdata_o[i / 4] >> (8 * (i % 4))) != expect[i])
					bad++;
			reads++;
		}
	}
	delete t;
	tb_cov_write();
	return tb_report("test_rtl_bytebuf_random", bad == 0 && reads > 100000);
}
