// SPDX-License-Identifier: MIT
//
// tb_mac_array - tma_mac_array (Rows = Cols = 8) against a plain dot product
// for every weight mode: random chunks, random accumulation lengths, tiles
// back to back with no idle cycle between them.
#include <cstdlib>
#include <vector>

#include "Vtma_mac_array.h"
#include "verilated.h"
#include "tb_util.h"

enum { ROWS = 8, COLS = 8, NACT = 4 * ROWS };
enum { DENSE8, DENSE4, SPARSE8, SPARSE4 };

struct chunk {
	int8_t act[NACT];
	uint8_t wgt[COLS][ROWS];
	uint8_t idx[COLS][ROWS];
};

static int nib(uint8_t b, int hi)
{
	int v = hi ? b >> 4 : b & 15;
	return v >= 8 ? v - 16 : v;
}

/* What one lane adds for one chunk, written from the format's definition. */
static int32_t ref_lane(int mode, const chunk &c, int lane, int zp)
{
	int32_t s = 0;
	const uint8_t *w = c.wgt[lane], *ix = c.idx[lane];
	switch (mode) {
	case DENSE8:
		for (int k = 0; k < ROWS; k++)
			s += (c.act[k] - zp) * (int8_t)w[k];
		break;
	case DENSE4:
		for (int k = 0; k < 2 * ROWS; k++)
			s += (c.act[k] - zp) * nib(w[k / 2], k % 2);
		break;
	case SPARSE8:
		for (int g = 0; g < ROWS / 2; g++)
			for (int j = 0; j < 2; j++) {
				int pos = (ix[g] >> (2 * j)) & 3;
				s += (c.act[4 * g + pos] - zp) * (int8_t)w[2 * g + j];
			}
		break;
	case SPARSE4:
		for (int g = 0; g < ROWS; g++)
			for (int j = 0; j < 2; j++) {
				int pos = (ix[g] >> (2 * j)) & 3;
				s += (c.act[4 * g + pos] - zp) * nib(w[g], j);
			}
		break;
	}
	return s;
}

static void tick(Vtma_mac_array *t)
{
	t->clk_i = 0;
	t->eval();
	t->clk_i = 1;
	t->eval();
}

static bool run_mode(int mode, uint64_t seed)
{
	tb_rng r(seed);
	Vtma_mac_array *t = new Vtma_mac_array;
	t->rst_ni = 0;
	t->clk_i = 0;
	t->eval();
	t->rst_ni = 1;
	t->eval();

	std::vector<std::vector<int32_t>> want;
	std::vector<int32_t> cur(COLS, 0);
	int got = 0;
	bool ok = true;
	int ntiles = 200;
	int tile = 0, left = 0;
	int zp = r.range(-128, 127);

	t->mode_i = mode;
	t->act_zp_i = (uint8_t)zp;
	for (int cyc = 0; got < ntiles && cyc < 100000; cyc++) {
		bool feed = tile < ntiles && (r.next() % 8 != 0);
		t->valid_i = feed;
		t->first_i = 0;
		t->last_i = 0;
		if (feed) {
			chunk c;
			for (int i = 0; i < NACT; i++)
				c.act[i] = (int8_t)r.next();
			/* Extremes often: they find saturation and sign errors. */
			for (int l = 0; l < COLS; l++)
				for (int i = 0; i < ROWS; i++) {
					c.wgt[l][i] = r.next() % 4 ? (uint8_t)r.next() : 0x80;
					c.idx[l][i] = (uint8_t)r.next();
				}
			if (left == 0) {
				left = r.range(1, 40);
				t->first_i = 1;
				std::fill(cur.begin(), cur.end(), 0);
			}
			for (int i = 0; i < NACT; i++)
				tb_set_byte(t->act_i, i, (uint8_t)c.act[i]);
			for (int l = 0; l < COLS; l++)
				for (int i = 0; i < ROWS; i++) {
					tb_set_byte(t->wgt_i, l * ROWS + i, c.wgt[l][i]);
					tb_set_byte(t->idx_i, l * ROWS + i, c.idx[l][i]);
				}
			for (int l = 0; l < COLS; l++)
				cur[l] += ref_lane(mode, c, l, zp);
			if (--left == 0) {
				t->last_i = 1;
				want.push_back(cur);
				tile++;
			}
		}
		tick(t);
		if (t->last_o) {
			for (int l = 0; l < COLS; l++) {
				int32_t v = (int32_t)tb_get_word(t->acc_o, l);
				if (v != want[got][l]) {
					fprintf(stderr, "mode %d seed %llu tile %d lane %d: rtl %d model %d\n",
						mode, (unsigned long long)seed, got, l, v, want[got][l]);
					ok = false;
				}
			}
			got++;
		}
	}
	ok = ok && got == ntiles;
	delete t;
	return ok;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	int fail = 0;
	fail |= tb_report("test_rtl_mac_dense8", run_mode(DENSE8, seed));
	fail |= tb_report("test_rtl_mac_dense4", run_mode(DENSE4, seed + 1));
	fail |= tb_report("test_rtl_mac_sparse8", run_mode(SPARSE8, seed + 2));
	fail |= tb_report("test_rtl_mac_sparse4", run_mode(SPARSE4, seed + 3));
	tb_cov_write();
	return fail;
}
