// SPDX-License-Identifier: MIT
/* Unit tests for runtime.c and the backends: setup, errors, invoke. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "backend.h"
#include "hand_model.h"
#include "tm_test.h"

static struct hand_model h;

/*
 * Count heap allocations (plain build only: the sanitizers own malloc there).
 * glibc's __libc_* entry points let the test wrap malloc for libtm.a too.
 */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
static unsigned long n_allocs;
#else
#define COUNT_ALLOCS 1
static unsigned long n_allocs;
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);

void *malloc(size_t n)
{
	n_allocs++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	n_allocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	n_allocs++;
	return __libc_realloc(p, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	n_allocs++;
	return __libc_memalign(align, n);
}
#endif

/* An opcode without a CPU implementation (past the table if all have one). */
static unsigned opcode_without_impl(void)
{
	for (unsigned op = 1; op < TM_OP_COUNT; op++)
		if (!tm_op_impl_get(op))
			return op;
	return TM_OP_COUNT;
}

/* in[1,8] float32 -> RELU 'first' -> mid -> op 'second' -> out */
static void build_two_ops(unsigned opcode)
{
	hm_init(&h);
	uint32_t in = hm_tensor(&h, "in", TM_DTYPE_FLOAT32, 8, NULL, 4);
	uint32_t mid = hm_tensor(&h, "mid", TM_DTYPE_FLOAT32, 8, NULL, 4);
	uint32_t out = hm_tensor(&h, "out", TM_DTYPE_FLOAT32, 8, NULL, 4);
	hm_io(&h, &in, 1, &out, 1);
	hm_op(&h, TM_OP_RELU, "first", &in, 1, &mid, 1, NULL, 0);
	hm_op(&h, opcode, "second", &mid, 1, &out, 1, NULL, 0);
}

static void test_runtime_no_cpu_impl(void)
{
	unsigned opcode = opcode_without_impl();
	const char *name = tm_opcode_name(opcode);
	struct tm_runtime *rt = (struct tm_runtime *)&h;
	char err[TM_ERRLEN] = "", want[TM_ERRLEN];
	int first_has_impl = tm_op_impl_get(TM_OP_RELU) != NULL;

	build_two_ops(opcode);
	CHECK_EQ(tm_runtime_new(&h.m, NULL, &rt, err, sizeof(err)), -EINVAL);
	CHECK(rt == NULL);
	if (first_has_impl)
		snprintf(want, sizeof(want), "op 1 (%s 'second'): no CPU implementation",
			 name ? name : "?");
	else
		snprintf(want, sizeof(want), "op 0 (RELU 'first'): no CPU implementation");
	CHECK_STR_CONTAINS(err, want);
}

static void test_runtime_device_absent(void)
{
	static const char *const absent[] = { "sim", "drm" };
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN];

	build_two_ops(TM_OP_RELU);
	/* sim is built: make its library absent (backend_sim.c's lookup). */
	setenv("TM_SIMLIB", "/nonexistent/libtmsim.so", 1);
	for (unsigned i = 0; i < TM_ARRAY_SIZE(absent); i++) {
		struct tm_runtime_options o = { .device = absent[i] };
		err[0] = '\0';
		CHECK_EQ(tm_runtime_new(&h.m, &o, &rt, err, sizeof(err)), -ENODEV);
		CHECK(rt == NULL);
		CHECK_STR_CONTAINS(err, absent[i]);
		CHECK_STR_CONTAINS(err, "not available");
	}
	unsetenv("TM_SIMLIB");
}

static void test_runtime_device_unknown(void)
{
	struct tm_runtime_options o = { .device = "gpu" };
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN] = "";

	build_two_ops(TM_OP_RELU);
	CHECK_EQ(tm_runtime_new(&h.m, &o, &rt, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "unknown device 'gpu'");
}

static void test_runtime_bad_args(void)
{
	struct tm_runtime *rt = (struct tm_runtime *)&h;
	char err[TM_ERRLEN] = "";

	CHECK_EQ(tm_runtime_new(NULL, NULL, &rt, err, sizeof(err)), -EINVAL);
	CHECK(rt == NULL);
	CHECK_STR_CONTAINS(err, "no model");
	CHECK_EQ(tm_runtime_new(&h.m, NULL, NULL, err, sizeof(err)), -EINVAL);
	hm_init(&h);
	h.m.n_subgraphs = 0;
	CHECK_EQ(tm_runtime_new(&h.m, NULL, &rt, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "no subgraph");
	tm_runtime_del(NULL);
}

static void test_runtime_const_input(void)
{
	int8_t data[4] = { 1, 2, 3, 4 };
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN] = "";

	hm_init(&h);
	uint32_t in = hm_tensor(&h, "k", TM_DTYPE_INT8, 4, data, 1);
	hm_io(&h, &in, 1, &in, 1);
	CHECK_EQ(tm_runtime_new(&h.m, NULL, &rt, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "graph input 0 (tensor 0 'k') is constant");
}

/*
 * A graph without ops whose input is its output: the runtime still plans,
 * binds and invokes, and the output is the input's buffer.
 */
static void test_runtime_passthrough(void)
{
	struct tm_runtime_options o = { .device = "cpu", .profile = 1 };
	struct tm_layer_profile p;
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN] = "";
	size_t bytes = 0;

	hm_init(&h);
	uint32_t in = hm_tensor(&h, "x", TM_DTYPE_FLOAT32, 10, NULL, 4);
	hm_io(&h, &in, 1, &in, 1);
	CHECK_EQ(tm_runtime_new(&h.m, &o, &rt, err, sizeof(err)), 0);
	if (!rt)
		return;
	CHECK(!strcmp(tm_runtime_device(rt), "cpu"));
	CHECK_EQ(tm_runtime_arena_size(rt), 64);
	float *x = tm_runtime_input(rt, 0, &bytes);
	CHECK_EQ(bytes, 40);
	CHECK_EQ((uintptr_t)x % 64, 0);
	for (int i = 0; i < 10; i++)
		x[i] = (float)i * 0.5f;
	CHECK_EQ(tm_runtime_invoke(rt), 0);
	const float *y = tm_runtime_output(rt, 0, &bytes);
	CHECK(y == x);
	CHECK_EQ(y[9] * 2, 9);
	CHECK(tm_runtime_input(rt, 1, &bytes) == NULL);
	CHECK(tm_runtime_output(rt, 1, &bytes) == NULL);
	CHECK_EQ(tm_runtime_profile(rt, 0, &p), -EINVAL);
	CHECK(!strcmp(tm_runtime_error(rt), ""));
	tm_runtime_del(rt);
}

static void set_shape(uint32_t t, unsigned rank, int32_t d0, int32_t d1)
{
	h.tensors[t].rank = (uint8_t)rank;
	h.tensors[t].shape[0] = d0;
	h.tensors[t].shape[1] = rank > 1 ? d1 : 0;
}

/*
 * x -> FC(2I) -> h1 -> FC(I, +1) -> h2 -> FC(I, relu) -> y, float32 [1,4].
 * h1 and y are never live together, so they share: 3 x 64 bytes, not 4.
 */
static void test_runtime_fc_chain(void)
{
	static const float two_i[16] = { 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2 };
	static const float eye[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
	static const float zero[4] = { 0 }, one[4] = { 1, 1, 1, 1 };
	static const float x_in[4] = { -3, -0.5f, 0.25f, 4 }, want[4] = { 0, 0, 1.5f, 9 };
	struct tm_fc_options none = { .act = { .kind = TM_ACT_NONE } };
	struct tm_fc_options relu = { .act = { .kind = TM_ACT_RELU } };
	struct tm_runtime_options o = { .profile = 1 };
	struct tm_layer_profile p;
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN] = "";
	size_t bytes = 0;

	hm_init(&h);
	uint32_t x = hm_tensor(&h, "x", TM_DTYPE_FLOAT32, 4, NULL, 4);
	uint32_t w1 = hm_tensor(&h, "w1", TM_DTYPE_FLOAT32, 16, two_i, 4);
	uint32_t w2 = hm_tensor(&h, "w2", TM_DTYPE_FLOAT32, 16, eye, 4);
	uint32_t b0 = hm_tensor(&h, "b0", TM_DTYPE_FLOAT32, 4, zero, 4);
	uint32_t b1 = hm_tensor(&h, "b1", TM_DTYPE_FLOAT32, 4, one, 4);
	uint32_t h1 = hm_tensor(&h, "h1", TM_DTYPE_FLOAT32, 4, NULL, 4);
	uint32_t h2 = hm_tensor(&h, "h2", TM_DTYPE_FLOAT32, 4, NULL, 4);
	uint32_t y = hm_tensor(&h, "y", TM_DTYPE_FLOAT32, 4, NULL, 4);
	set_shape(w1, 2, 4, 4);
	set_shape(w2, 2, 4, 4);
	set_shape(b0, 1, 4, 0);
	set_shape(b1, 1, 4, 0);
	hm_io(&h, &x, 1, &y, 1);
	hm_op(&h, TM_OP_FULLY_CONNECTED, "fc1", (uint32_t[]){ x, w1, b0 }, 3, &h1, 1, &none, sizeof(none));
	hm_op(&h, TM_OP_FULLY_CONNECTED, "fc2", (uint32_t[]){ h1, w2, b1 }, 3, &h2, 1, &none, sizeof(none));
	hm_op(&h, TM_OP_FULLY_CONNECTED, "fc3", (uint32_t[]){ h2, w2, b0 }, 3, &y, 1, &relu, sizeof(relu));

	CHECK_EQ(tm_runtime_new(&h.m, &o, &rt, err, sizeof(err)), 0);
	if (!rt) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_EQ(tm_runtime_arena_size(rt), 192);
	float *in = tm_runtime_input(rt, 0, &bytes);
	CHECK_EQ(bytes, 16);
	memcpy(in, x_in, sizeof(x_in));
	unsigned long allocs = n_allocs;
	for (int run = 0; run < 2; run++) { /* inputs survive an invoke */
		CHECK_EQ(tm_runtime_invoke(rt), 0);
		const float *out = tm_runtime_output(rt, 0, &bytes);
		CHECK_EQ(bytes, 16);
		CHECK(!memcmp(out, want, sizeof(want)));
	}
	CHECK_EQ(n_allocs, allocs); /* nothing allocated per inference */
	if (COUNT_ALLOCS)
		CHECK(allocs > 0); /* the counter works: tm_runtime_new allocated */
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(tm_runtime_profile(rt, i, &p), 0);
		CHECK_EQ(p.op, i);
		CHECK_EQ(p.macs, 16);
		CHECK_EQ(p.cycles, 0);
		CHECK(!strcmp(p.placement, "cpu"));
		CHECK(!strcmp(p.reason, "no accelerator present"));
	}
	tm_runtime_del(rt);

	/* one segment either way; the reason says the CPU was asked for */
	o.device = "cpu";
	CHECK_EQ(tm_runtime_new(&h.m, &o, &rt, err, sizeof(err)), 0);
	CHECK_EQ(tm_runtime_profile(rt, 2, &p), 0);
	CHECK(!strcmp(p.reason, "device cpu requested"));
	memcpy(tm_runtime_input(rt, 0, NULL), x_in, sizeof(x_in));
	CHECK_EQ(tm_runtime_invoke(rt), 0);
	CHECK(!memcmp(tm_runtime_output(rt, 0, NULL), want, sizeof(want)));
	tm_runtime_del(rt);

	/* prepare refuses: weights [4,4] against a [1,3] output */
	h.tensors[y].shape[1] = 3;
	CHECK_EQ(tm_runtime_new(&h.m, NULL, &rt, err, sizeof(err)), -EINVAL);
	CHECK(rt == NULL);
	CHECK_STR_CONTAINS(err, "op 2 (FULLY_CONNECTED 'fc3'): ");
}

/* Test ops for the CPU backend's job loop: one succeeds, one fails. */
static int eval_ok(struct tm_op_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static int eval_fail(struct tm_op_ctx *ctx)
{
	(void)ctx;
	return -ERANGE;
}

/* A failing op ends the job: later ops do not run, the status names the op. */
static void test_runtime_backend_cpu_job_failure(void)
{
	static const struct tm_op_impl ok_impl = { NULL, eval_ok }, bad_impl = { NULL, eval_fail };
	const struct tm_op_impl *impl[3] = { &ok_impl, &bad_impl, &ok_impl };
	struct tm_op_ctx ctx[3] = { { 0 } };
	uint64_t ns[3] = { 0, 0, 12345 };
	struct tm_job job = { .first_op = 7, .n_ops = 3, .ctx = ctx, .impl = impl, .op_ns = ns };
	struct tm_job_status st;
	struct tm_backend *be = NULL;
	uint64_t fence = 0;
	char err[TM_ERRLEN] = "";

	CHECK_EQ(tm_backend_open("cpu", &be, err, sizeof(err)), 0);
	if (!be)
		return;
	CHECK_EQ(be->ops->submit(be, &job, &fence), 0);
	CHECK_EQ(be->ops->wait(be, fence, 0, &st), 0);
	CHECK_EQ(st.error, -ERANGE);
	CHECK_EQ(st.failed_op, 8);
	CHECK_STR_CONTAINS(st.msg, "eval failed");
	CHECK_EQ(ns[2], 12345); /* op 9 never ran */
	/* the next job starts clean */
	job.n_ops = 1;
	CHECK_EQ(be->ops->submit(be, &job, &fence), 0);
	CHECK_EQ(be->ops->wait(be, fence, 0, &st), 0);
	CHECK_EQ(st.error, 0);
	CHECK_EQ(be->ops->wait(be, fence - 1, 0, &st), -EINVAL); /* stale fence */
	tm_backend_close(be);
}

static void test_runtime_backend_cpu(void)
{
	struct tm_backend *be = NULL;
	struct tm_backend_caps caps;
	struct tm_buf *a = NULL, *b = NULL, *c = NULL;
	struct tm_job job = { 0 };
	struct tm_job_status st;
	uint64_t fence = 0;
	char err[TM_ERRLEN] = "";

	CHECK_EQ(tm_backend_open("auto", &be, err, sizeof(err)), 0);
	if (!be)
		return;
	CHECK(!strcmp(be->ops->name, "cpu"));
	be->ops->caps(be, &caps);
	CHECK_EQ(caps.flags, TM_CAP_HOST_MEMORY | TM_CAP_CPU_OPS);
	CHECK_EQ(be->ops->buf_alloc(be, 0, &a), 0);
	CHECK_EQ(be->ops->buf_alloc(be, 100, &b), 0);
	CHECK_EQ(be->ops->buf_alloc(be, 1, &c), 0);
	uint8_t *pb = be->ops->buf_map(be, b), *pc = be->ops->buf_map(be, c);
	CHECK_EQ((uintptr_t)pb % 64, 0);
	CHECK_EQ((uintptr_t)pc % 64, 0);
	memset(pb, 0xab, 100);
	pc[0] = 1;
	CHECK_EQ(pb[99], 0xab);
	be->ops->buf_free(be, b);
	/* A job without ops is a command stream: not for the CPU. */
	CHECK_EQ(be->ops->submit(be, &job, &fence), -EINVAL);
	CHECK_EQ(be->ops->wait(be, 5, 0, &st), -EINVAL);
	/* a and c are released by close (ASan reports a leak otherwise). */
	tm_backend_close(be);
}

int main(void)
{
	TM_RUN(test_runtime_no_cpu_impl);
	TM_RUN(test_runtime_device_absent);
	TM_RUN(test_runtime_device_unknown);
	TM_RUN(test_runtime_bad_args);
	TM_RUN(test_runtime_const_input);
	TM_RUN(test_runtime_passthrough);
	TM_RUN(test_runtime_fc_chain);
	TM_RUN(test_runtime_backend_cpu);
	TM_RUN(test_runtime_backend_cpu_job_failure);
	TM_TEST_EXIT();
}
