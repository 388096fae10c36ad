// SPDX-License-Identifier: MIT
/* Unit tests for planner.c: arena placement and lifetimes. */
#include <errno.h>
#include <stdlib.h>
#include "planner.h"
#include "hand_model.h"
#include "tm_test.h"

static uint64_t aligned(uint64_t v)
{
	return (v + TM_PLAN_ALIGN - 1) / TM_PLAN_ALIGN * TM_PLAN_ALIGN;
}

/*
 * The invariants every plan must meet: aligned offsets, everything inside the
 * arena, no two simultaneously live items share a byte. Returns the sum of
 * aligned sizes (the no-reuse arena).
 */
static uint64_t check_plan(const struct tm_plan_item *it, unsigned n, uint64_t arena)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!it[i].size)
			continue;
		sum += aligned(it[i].size);
		CHECK_EQ(it[i].offset % TM_PLAN_ALIGN, 0);
		CHECK(it[i].offset + it[i].size <= arena);
		for (unsigned j = 0; j < i; j++) {
			int live = it[i].first <= it[j].last && it[j].first <= it[i].last;
			int apart = it[i].offset + it[i].size <= it[j].offset ||
				    it[j].offset + it[j].size <= it[i].offset;
			if (it[j].size && live && !apart) {
				fprintf(stderr, "items %u and %u overlap\n", i, j);
				CHECK(0);
			}
		}
	}
	CHECK(arena <= sum);
	return sum;
}

/* A chain a->b->c->d: neighbours live together, every other one can share. */
static void test_planner_chain_reuses(void)
{
	struct tm_plan_item it[4] = {
		{ .size = 64, .first = 0, .last = 1 },
		{ .size = 64, .first = 1, .last = 2 },
		{ .size = 64, .first = 2, .last = 3 },
		{ .size = 64, .first = 3, .last = 4 },
	};
	uint64_t arena = 0;

	CHECK_EQ(tm_plan_arena(it, 4, &arena), 0);
	check_plan(it, 4, arena);
	CHECK_EQ(arena, 128);
	CHECK_EQ(it[0].offset, it[2].offset);
	CHECK_EQ(it[1].offset, it[3].offset);
}

static void test_planner_all_live_no_overlap(void)
{
	struct tm_plan_item it[3] = {
		{ .size = 1, .first = 0, .last = 5 },
		{ .size = 100, .first = 2, .last = 3 },
		{ .size = 65, .first = 3, .last = 9 },
	};
	uint64_t arena = 0;

	CHECK_EQ(tm_plan_arena(it, 3, &arena), 0);
	/* 1 -> 64, 100 -> 128, 65 -> 128: all live at op 3, so no sharing. */
	CHECK_EQ(check_plan(it, 3, arena), 320);
	CHECK_EQ(arena, 320);
	/* Largest first: the 100- and 65-byte items (both 128 aligned) lead. */
	CHECK_EQ(it[1].offset, 0);
	CHECK_EQ(it[2].offset, 128);
	CHECK_EQ(it[0].offset, 256);
}

/*
 * Best fit: the last item sees holes of 192 and 64 bytes among the items
 * live with it and takes the 64-byte one (first fit would take the lower).
 */
static void test_planner_best_fit_hole(void)
{
	struct tm_plan_item it[6] = {
		{ .size = 448, .first = 0, .last = 0 }, /* A: 0 */
		{ .size = 320, .first = 1, .last = 1 }, /* P: 0 (A is dead by then) */
		{ .size = 256, .first = 0, .last = 5 }, /* Y: above A and P: 448 */
		{ .size = 128, .first = 2, .last = 5 }, /* C: below Y: 0 */
		{ .size = 64, .first = 1, .last = 5 },  /* X: above P, below Y: 320 */
		{ .size = 64, .first = 5, .last = 5 },  /* F: holes [128,320) and [384,448) */
	};
	uint64_t arena = 0;

	CHECK_EQ(tm_plan_arena(it, 6, &arena), 0);
	check_plan(it, 6, arena);
	CHECK_EQ(it[0].offset, 0);
	CHECK_EQ(it[1].offset, 0);
	CHECK_EQ(it[2].offset, 448);
	CHECK_EQ(it[3].offset, 0);
	CHECK_EQ(it[4].offset, 320);
	CHECK_EQ(it[5].offset, 384);
	CHECK_EQ(arena, 704);
}

static void test_planner_zero_sizes(void)
{
	struct tm_plan_item it[2] = {
		{ .size = 0, .first = -1, .last = -1, .offset = 77 },
		{ .size = 0, .first = 0, .last = 1 },
	};
	uint64_t arena = 99;

	CHECK_EQ(tm_plan_arena(it, 2, &arena), 0);
	CHECK_EQ(arena, 0);
	CHECK_EQ(it[0].offset, 0);
	CHECK_EQ(tm_plan_arena(NULL, 0, &arena), 0);
	CHECK_EQ(arena, 0);
}

static void test_planner_huge_size(void)
{
	struct tm_plan_item it[2] = {
		{ .size = UINT64_MAX - 10, .first = 0, .last = 0 },
		{ .size = 64, .first = 0, .last = 0 },
	};
	uint64_t arena = 0;

	CHECK_EQ(tm_plan_arena(it, 2, &arena), -EOVERFLOW);
}

/*
 * Random lifetimes: the invariants hold, the arena is never below the peak of
 * simultaneously live bytes (a lower bound any plan has), and reuse happens.
 */
static void test_planner_random(void)
{
	enum { N = 60, OPS = 40, ROUNDS = 200 };
	struct tm_plan_item it[N];
	unsigned seed = 12345;
	int reused = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t arena = 0, sum, peak = 0;

		for (int i = 0; i < N; i++) {
			seed = seed * 1103515245u + 12345u;
			int32_t a = (int32_t)((seed >> 8) % OPS), len = (int32_t)((seed >> 20) % 8);
			it[i] = (struct tm_plan_item){
				.size = (seed >> 4) % 4 ? 1 + (seed >> 12) % 5000 : 0,
				.first = a,
				.last = a + len,
			};
		}
		CHECK_EQ(tm_plan_arena(it, N, &arena), 0);
		sum = check_plan(it, N, arena);
		for (int32_t op = 0; op < OPS + 8; op++) {
			uint64_t live = 0;
			for (int i = 0; i < N; i++)
				if (it[i].first <= op && op <= it[i].last)
					live += aligned(it[i].size);
			if (live > peak)
				peak = live;
		}
		CHECK(arena >= peak);
		reused += arena < sum;
	}
	CHECK_EQ(reused, ROUNDS);
}

/*
 * Lifetimes from a graph: in -> A -> t1 -> B -> t2 -> C -> out, with a
 * weight on A, a tensor no op uses and t1 also read by C.
 */
static void test_planner_lifetimes_from_graph(void)
{
	static struct hand_model h;
	struct tm_plan_item it[7];
	int8_t w[16] = { 0 };
	char err[TM_ERRLEN] = "";

	hm_init(&h);
	uint32_t in = hm_tensor(&h, "in", TM_DTYPE_INT8, 16, NULL, 1);
	uint32_t wt = hm_tensor(&h, "w", TM_DTYPE_INT8, 16, w, 1);
	uint32_t t1 = hm_tensor(&h, "t1", TM_DTYPE_FLOAT32, 16, NULL, 4);
	uint32_t t2 = hm_tensor(&h, "t2", TM_DTYPE_INT32, 3, NULL, 4);
	uint32_t unused = hm_tensor(&h, "unused", TM_DTYPE_INT8, 100, NULL, 1);
	uint32_t out = hm_tensor(&h, "out", TM_DTYPE_INT8, 5, NULL, 1);
	uint32_t dead = hm_tensor(&h, "dead", TM_DTYPE_INT8, 7, NULL, 1);
	hm_io(&h, &in, 1, &out, 1);
	hm_op(&h, TM_OP_ADD, "A", (uint32_t[]){ in, wt }, 2, &t1, 1, NULL, 0);
	hm_op(&h, TM_OP_RELU, "B", &t1, 1, (uint32_t[]){ t2, dead }, 2, NULL, 0);
	hm_op(&h, TM_OP_ADD, "C", (uint32_t[]){ t2, t1 }, 2, &out, 1, NULL, 0);

	CHECK_EQ(tm_plan_lifetimes(&h.m, it, err, sizeof(err)), 0);
	CHECK_EQ(it[in].size, 16);
	CHECK_EQ(it[in].first, 0);
	CHECK_EQ(it[in].last, 3);       /* kept for the next invoke */
	CHECK_EQ(it[wt].size, 0);       /* const: in the model, not the arena */
	CHECK_EQ(it[t1].size, 64);
	CHECK_EQ(it[t1].first, 0);
	CHECK_EQ(it[t1].last, 2);
	CHECK_EQ(it[t2].size, 12);
	CHECK_EQ(it[t2].first, 1);
	CHECK_EQ(it[t2].last, 2);
	CHECK_EQ(it[unused].size, 0);
	CHECK_EQ(it[out].first, 2);
	CHECK_EQ(it[out].last, 3);      /* read after the invoke */
	CHECK_EQ(it[dead].size, 7);     /* written, so it needs bytes */
	CHECK_EQ(it[dead].first, 1);
	CHECK_EQ(it[dead].last, 1);

	h.tensors[t2].dtype = 0;
	CHECK_EQ(tm_plan_lifetimes(&h.m, it, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "tensor 3 ('t2')");
}

int main(void)
{
	TM_RUN(test_planner_chain_reuses);
	TM_RUN(test_planner_all_live_no_overlap);
	TM_RUN(test_planner_best_fit_hole);
	TM_RUN(test_planner_zero_sizes);
	TM_RUN(test_planner_huge_size);
	TM_RUN(test_planner_random);
	TM_RUN(test_planner_lifetimes_from_graph);
	TM_TEST_EXIT();
}
