// SPDX-License-Identifier: MIT
/*
 * tma_cycles.c - the model's analytical cycle estimate.
 *
 * The array is ROWS x COLS MACs: COLS output channels side by side, each
 * reducing ROWS int8 products per cycle (2*ROWS with int4 or 2:4, 4*ROWS
 * with both: the narrower operand doubles the products a lane takes in, and
 * 2:4 skips the zeros). One output pixel at a time; the reduction of a
 * convolution is cut per kernel tap (taps are not contiguous in memory).
 * Depthwise uses one product per lane and cycle. DMA moves BUS.BYTES per
 * cycle and runs beside compute (double buffering), so a layer costs
 * max(compute, dma) plus the first tile's load and a fixed setup.
 */
#include "tma_cmd.h"
#include "tma_model.h"

#define TMA_CMD_SETUP_CYCLES 16  /* fetch + decode + checks of a command */
#define TMA_BUS_LATENCY      8   /* first beat of a burst */

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

uint64_t tma_bus_cycles(const struct tmsim_params *p, uint64_t bytes)
{
	return TMA_BUS_LATENCY + div_up(bytes, p->bus_bytes);
}

static uint64_t compute_cycles(const struct tmsim_params *p, const struct tma_layer *l)
{
	uint64_t pixels = (uint64_t)l->out_h * l->out_w;
	uint64_t taps = (uint64_t)l->kh * l->kw;
	uint64_t lanes = div_up(l->out_c, p->cols);
	uint64_t per_cycle = p->rows;

	if (l->flags & TMA_FLAG_DEPTHWISE)
		return pixels * lanes * taps;
	if (l->flags & TMA_FLAG_INT4)
		per_cycle *= 2;
	if (l->flags & TMA_FLAG_SPARSE_2_4)
		per_cycle *= 2;
	return pixels * lanes * taps * div_up(l->in_c, per_cycle);
}

void tma_layer_cycles(const struct tmsim_params *p, const struct tma_layer *l,
		      uint64_t rd_bytes, uint64_t wr_bytes, struct tma_cycles *c)
{
	uint64_t first;

	c->compute = compute_cycles(p, l);
	c->dma = div_up(rd_bytes + wr_bytes, p->bus_bytes);
	/* Nothing overlaps the load of the first tile: one tap row of input. */
	first = tma_bus_cycles(p, (uint64_t)l->kw * l->in_c);
	if (first > c->dma)
		first = c->dma;
	c->total = TMA_CMD_SETUP_CYCLES + first + (c->compute > c->dma ? c->compute : c->dma);
	c->stall = c->total - TMA_CMD_SETUP_CYCLES - c->compute;
}
