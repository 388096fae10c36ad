// SPDX-License-Identifier: MIT
//
// tb_util.h - small helpers shared by the RTL unit testbenches: byte access
// to Verilator's wide ports, a seeded generator, TAP-like result lines.
#ifndef TMA_TB_UTIL_H
#define TMA_TB_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "verilated.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

template <typename W>
static inline void tb_set_byte(W &w, unsigned i, uint8_t v)
{
	uint32_t &word = w[i / 4];
	unsigned sh = 8 * (i % 4);
	word = (word & ~(0xffu << sh)) | ((uint32_t)v << sh);
}

/* Ports of 33..64 bits are a plain 64-bit integer. */
static inline void tb_set_byte(uint64_t &w, unsigned i, uint8_t v)
{
	unsigned sh = 8 * i;
	w = (w & ~(0xffull << sh)) | ((uint64_t)v << sh);
}

template <typename W>
static inline uint32_t tb_get_word(const W &w, unsigned i)
{
	return w[i];
}

// xorshift64*: reproducible from the seed printed on failure.
struct tb_rng {
	uint64_t s;
	explicit tb_rng(uint64_t seed) : s(seed ? seed : 1) {}
	uint32_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return (uint32_t)((s * 0x2545f4914f6cdd1dull) >> 32);
	}
	int32_t range(int32_t lo, int32_t hi) /* inclusive */
	{
		return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
	}
};

static inline int tb_report(const char *name, bool ok)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	fflush(stdout);
	return ok ? 0 : 1;
}

/* In a --coverage build, write the counts to $TB_COV (rtl-cov merges them). */
static inline void tb_cov_write(void)
{
#if VM_COVERAGE
	const char *f = getenv("TB_COV");
	Verilated::threadContextp()->coveragep()->write(f ? f : "coverage.dat");
#endif
}

#endif
