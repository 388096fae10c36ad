// SPDX-License-Identifier: MIT
/*
 * bench_rtl.c - MAC utilisation of the Verilated RTL (libtmsim "rtl"):
 * useful MACs / (job cycles x ROWS*COLS) per layer and weight format, the
 * speedup of int4 and 2:4 over dense int8 on the same layer, the share of
 * cycles the array waited for data, and simulator speed (cycles/s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tma_cmd.h"
#include "tma_regs.h"
#include "tmsim.h"
#include "tma_harness.h"

#define RING_BASE 0x800000ull

static struct tma_job_desc ring[4];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run @sp once on @s; fills the completion record. */
static int run(struct tmsim *s, struct spec *sp, struct tma_done *r, double *wall)
{
	uint32_t tail = tmsim_csr_read(s, TMA_REG_RING_TAIL);
	double t0 = now();
	uint64_t n;

	for (uint32_t oc = 0; oc < sp->out_c; oc++)
		put_chan(oc, 0, 0x40000000, -8);
	put_cmd(0, sp);
	put_op(1, TMA_OP_END, 0);
	make_desc(&ring[tail], 1, 2);
	tmsim_csr_write(s, TMA_REG_RING_TAIL, (tail + 1) % 4);
	if (tmsim_run(s, 1ull << 32, &n) != TMSIM_STOP_IRQ)
		return -1;
	*wall = now() - t0;
	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	*r = read_done();
	return r->status;
}

int main(void)
{
	static const char *const fmt[] = { "int8", "int4", "2:4 int8", "2:4 int4" };
	static const uint32_t flags[] = { 0, TMA_FLAG_INT4, TMA_FLAG_SPARSE_2_4,
					  TMA_FLAG_INT4 | TMA_FLAG_SPARSE_2_4 };
	struct {
		const char *name;
		struct spec sp;
	} layers[] = {
		{ "FC 64x512x64", fc_spec(64, 512, 64) },
		{ "FC 32x1024x128", fc_spec(32, 1024, 128) },
		{ "conv 3x3 16x16x64->64", conv_spec(16, 16, 64, 64, 3, 1, 1) },
		{ "conv 1x1 16x16x128->64", conv_spec(16, 16, 128, 64, 1, 1, 0) },
		{ "dw 3x3 16x16x64", conv_spec(16, 16, 64, 64, 3, 1, 1) },
	};
	struct tmsim_params p = { 8, 8, 32, 32, 8, 64, 0xf };
	struct tmsim *s;
	char err[256];
	uint64_t cyc = 0;
	double wall = 0;

	layers[4].sp.flags = TMA_FLAG_DEPTHWISE;
	if (tmsim_create("rtl", &p, &s, err, sizeof(err))) {
		fprintf(stderr, "bench_rtl: %s\n", err);
		return 1;
	}
	tmsim_mem_add(s, MEM_BASE, mem, sizeof(mem));
	tmsim_mem_add(s, RING_BASE, ring, sizeof(ring));
	tmsim_csr_write(s, TMA_REG_RING_BASE_LO, (uint32_t)RING_BASE);
	tmsim_csr_write(s, TMA_REG_RING_SIZE, 4);
	tmsim_csr_write(s, TMA_REG_IRQ_MASK, 7);
	tmsim_csr_write(s, TMA_REG_CTRL, TMA_CTRL_ENABLE_MASK);
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 2654435761u >> 13);
	printf("%-24s %-9s %10s %10s %7s %8s %7s\n", "layer", "weights", "MACs", "cycles",
	       "util", "speedup", "stall");
	for (size_t l = 0; l < sizeof(layers) / sizeof(layers[0]); l++) {
		uint64_t base = 0;

		for (size_t f = 0; f < 4; f++) {
			struct spec sp = layers[l].sp;
			struct tma_done r;
			double w;

			if (l == 4 && f)
				break;
			sp.flags |= flags[f];
			if (run(s, &sp, &r, &w)) {
				printf("%-24s %-9s failed\n", layers[l].name, fmt[f]);
				continue;
			}
			if (!f)
				base = r.cycles;
			/* Useful MACs: the dense layer's, whatever the format. */
			uint64_t dense = f >= 2 ? r.macs * 2 : r.macs;

			printf("%-24s %-9s %10llu %10llu %6.1f%% %7.2fx %6.1f%%\n", layers[l].name,
			       fmt[f], (unsigned long long)dense, (unsigned long long)r.cycles,
			       100.0 * dense / ((double)r.cycles * p.rows * p.cols),
			       (double)base / r.cycles, 100.0 * r.stall / r.cycles);
			cyc += r.cycles;
			wall += w;
		}
	}
	printf("simulator speed: %.0f cycles/s (%llu cycles in %.2f s)\n", cyc / wall,
	       (unsigned long long)cyc, wall);
	tmsim_destroy(s);
	return 0;
}
