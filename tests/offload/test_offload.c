// SPDX-License-Identifier: MIT
/*
 * test_offload.c - models built with tm_builder run on the simulated TMA
 * (device "sim") and on the CPU: outputs must be byte-identical; device
 * faults (libtmsim's injection through TM_SIM_FAULT) must fall back to the
 * CPU with the same bytes and a message; placements carry their reasons;
 * profiling gives per-layer cycles. Most tests force every capable op onto
 * the device (TM_OFFLOAD_ALL); the cost model's choices are tested with the
 * reference kernels (TM_CPU=ref), whose rate does not depend on the host.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tm.h"
#include "tm_format.h"
#include "tm_test.h"

static uint32_t rng = 12345;
static unsigned offload = TM_OFFLOAD_ALL; /* what run() asks for */

static uint8_t rnd8(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

static void fill(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)p)[i] = rnd8();
}

/* Activation tensor, int8 per-tensor. */
static int act(struct tm_builder *b, const char *name, unsigned rank, const int32_t *shape,
	       float scale, int32_t zp)
{
	struct tm_tensor_spec s = { .name = name, .dtype = TM_DTYPE_INT8, .rank = rank,
				    .qparam_count = 1, .quant_axis = -1, .scales = &scale,
				    .zero_points = &zp };

	memcpy(s.shape, shape, rank * sizeof(*shape));
	return tm_builder_add_tensor(b, &s);
}

/*
 * Weights [rows][...] of @dtype/@layout with random values (valid 2:4 index
 * bytes), per-channel scales along @axis (or per-tensor when @axis < 0).
 */
static int weights(struct tm_builder *b, const char *name, unsigned dtype, unsigned layout,
		   unsigned rank, const int32_t *shape, int32_t axis)
{
	size_t elems = 1, bytes;
	float scales[256];
	uint8_t *data;
	int ret;

	for (unsigned i = 0; i < rank; i++)
		elems *= (size_t)shape[i];
	if (layout == TM_LAYOUT_SPARSE_2_4)
		bytes = (dtype == TM_DTYPE_INT4 ? elems / 4 : elems / 2) + elems / 4;
	else
		bytes = dtype == TM_DTYPE_INT4 ? (elems + 1) / 2 : elems;
	data = malloc(bytes);
	fill(data, bytes);
	if (layout == TM_LAYOUT_SPARSE_2_4)
		for (size_t g = bytes - elems / 4; g < bytes; g++) {
			unsigned a = data[g] % 3, c = a + 1 + data[g] / 3 % (3 - a);
			data[g] = (uint8_t)(a | c << 2);
		}
	for (unsigned i = 0; i < 256; i++)
		scales[i] = 0.002f + 0.0001f * (float)(i % 7);
	struct tm_tensor_spec s = { .name = name, .dtype = dtype, .layout = layout, .rank = rank,
				    .data = data, .data_size = bytes,
				    .qparam_count = axis < 0 ? 1 : (unsigned)shape[axis],
				    .quant_axis = axis, .scales = scales };
	memcpy(s.shape, shape, rank * sizeof(*shape));
	ret = tm_builder_add_tensor(b, &s);
	free(data);
	return ret;
}

static int bias(struct tm_builder *b, const char *name, int32_t n)
{
	int32_t *v = malloc((size_t)n * 4);
	struct tm_tensor_spec s = { .name = name, .dtype = TM_DTYPE_INT32, .rank = 1,
				    .shape = { n }, .data = v, .data_size = (size_t)n * 4 };
	int ret;

	for (int32_t i = 0; i < n; i++)
		v[i] = (int32_t)(rnd8() * 37) - 4000;
	ret = tm_builder_add_tensor(b, &s);
	free(v);
	return ret;
}

static void fc(struct tm_builder *b, uint32_t in, int32_t rows, int32_t k, int32_t n,
	       unsigned dtype, unsigned layout, int per_channel, uint32_t out, unsigned act_kind)
{
	int32_t ws[2] = { n, k };
	uint32_t ins[3] = { in, (uint32_t)weights(b, "w", dtype, layout, 2, ws,
						  per_channel ? 0 : -1),
			    (uint32_t)bias(b, "b", n) };
	struct tm_fc_options o = { .act = { .kind = act_kind } };

	(void)rows;
	CHECK(tm_builder_add_op(b, TM_OP_FULLY_CONNECTED, "fc", ins, 3, &out, 1, &o, sizeof(o),
				0) >= 0);
}

/* Serialise and load; the buffer is kept in *@buf for the model's life. */
static struct tm_model *finish(struct tm_builder *b, const uint32_t *in, const uint32_t *out,
			       void **buf)
{
	struct tm_model *m = NULL;
	size_t size;
	char err[TM_ERRLEN];

	CHECK_EQ(tm_builder_set_io(b, in, 1, out, 1), 0);
	CHECK_EQ(tm_builder_finish(b, buf, &size), 0);
	CHECK_EQ(tm_model_from_buffer(*buf, size, &m, err, sizeof(err)), 0);
	tm_builder_del(b);
	return m;
}

/*
 * FC chain, 3 rows: int8 per-tensor -> RELU (CPU) -> int4 per-channel ->
 * 2:4 int8 -> 2:4 int4 (relu6).
 */
static struct tm_model *fc_model(void **buf)
{
	struct tm_builder *b = tm_builder_new();
	int32_t s0[2] = { 3, 40 }, s1[2] = { 3, 24 }, s2[2] = { 3, 20 }, s3[2] = { 3, 16 };
	uint32_t x = (uint32_t)act(b, "x", 2, s0, 0.05f, 3);
	uint32_t h1 = (uint32_t)act(b, "h1", 2, s1, 0.09f, -5);
	uint32_t h2 = (uint32_t)act(b, "h2", 2, s1, 0.09f, -5);
	uint32_t h3 = (uint32_t)act(b, "h3", 2, s2, 0.07f, 2);
	uint32_t h4 = (uint32_t)act(b, "h4", 2, s3, 0.06f, -1);
	uint32_t y = (uint32_t)act(b, "y", 2, s3, 0.05f, 0);

	fc(b, x, 3, 40, 24, TM_DTYPE_INT8, TM_LAYOUT_DENSE, 0, h1, TM_ACT_NONE);
	CHECK(tm_builder_add_op(b, TM_OP_RELU, "relu", &h1, 1, &h2, 1, NULL, 0, 0) >= 0);
	fc(b, h2, 3, 24, 20, TM_DTYPE_INT4, TM_LAYOUT_DENSE, 1, h3, TM_ACT_NONE);
	fc(b, h3, 3, 20, 16, TM_DTYPE_INT8, TM_LAYOUT_SPARSE_2_4, 1, h4, TM_ACT_NONE);
	fc(b, h4, 3, 16, 16, TM_DTYPE_INT4, TM_LAYOUT_SPARSE_2_4, 0, y, TM_ACT_RELU6);
	return finish(b, &x, &y, buf);
}

static void conv(struct tm_builder *b, unsigned opcode, uint32_t in, uint32_t out,
		 const int32_t *wshape, unsigned dtype, unsigned layout,
		 const struct tm_conv_options *o)
{
	uint32_t ins[3] = { in, (uint32_t)weights(b, "w", dtype, layout, 4, wshape,
						  opcode == TM_OP_DEPTHWISE_CONV_2D ? 3 : 0),
			    (uint32_t)bias(b, "b", opcode == TM_OP_DEPTHWISE_CONV_2D ? wshape[3]
										 : wshape[0]) };

	CHECK(tm_builder_add_op(b, opcode, "conv", ins, 3, &out, 1, o, sizeof(*o), 0) >= 0);
}

/*
 * Convolutions, 2 images: 3x3 stride 2 pad 1 int8 (relu) -> depthwise 3x3
 * dilation 2 int4 (multiplier 2) -> 1x1 2:4 int8 -> 3x1 padded 2:4 int4 (relu6).
 */
static struct tm_model *conv_model(void **buf)
{
	struct tm_builder *b = tm_builder_new();
	int32_t sx[4] = { 2, 9, 7, 4 }, s1[4] = { 2, 5, 4, 8 }, s2[4] = { 2, 1, 2, 16 };
	int32_t s3[4] = { 2, 1, 2, 12 }, s4[4] = { 2, 1, 2, 8 };
	uint32_t x, h1, h2, h3, y;
	/* stride h/w, dilation h/w, pad top/left/bottom/right, depth multiplier, act */
	struct tm_conv_options c1 = { 2, 2, 1, 1, 1, 1, 1, 1, 1, { TM_ACT_RELU, 0, 0 } };
	struct tm_conv_options dw = { 1, 1, 2, 2, 0, 1, 0, 1, 2, { TM_ACT_NONE, 0, 0 } };
	struct tm_conv_options pw = { 1, 1, 1, 1, 0, 0, 0, 0, 1, { TM_ACT_NONE, 0, 0 } };
	struct tm_conv_options k31 = { 1, 1, 1, 1, 1, 0, 1, 0, 1, { TM_ACT_RELU6, 0, 0 } };

	x = (uint32_t)act(b, "x", 4, sx, 0.04f, -2);
	h1 = (uint32_t)act(b, "h1", 4, s1, 0.08f, -20);
	h2 = (uint32_t)act(b, "h2", 4, s2, 0.1f, 4);
	h3 = (uint32_t)act(b, "h3", 4, s3, 0.12f, 1);
	y = (uint32_t)act(b, "y", 4, s4, 0.05f, -3);
	conv(b, TM_OP_CONV_2D, x, h1, (int32_t[]){ 8, 3, 3, 4 }, TM_DTYPE_INT8, TM_LAYOUT_DENSE, &c1);
	conv(b, TM_OP_DEPTHWISE_CONV_2D, h1, h2, (int32_t[]){ 1, 3, 3, 16 }, TM_DTYPE_INT4,
	     TM_LAYOUT_DENSE, &dw);
	conv(b, TM_OP_CONV_2D, h2, h3, (int32_t[]){ 12, 1, 1, 16 }, TM_DTYPE_INT8,
	     TM_LAYOUT_SPARSE_2_4, &pw);
	conv(b, TM_OP_CONV_2D, h3, y, (int32_t[]){ 8, 3, 1, 12 }, TM_DTYPE_INT4,
	     TM_LAYOUT_SPARSE_2_4, &k31);
	return finish(b, &x, &y, buf);
}

/* Run @m on @device with the seeded input; the output into @out (malloc'ed). */
static int run(struct tm_model *m, const char *device, unsigned profile, uint8_t **out,
	       size_t *bytes, char *msg, struct tm_runtime **keep)
{
	struct tm_runtime_options o = { .device = device, .profile = profile, .offload = offload };
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN];
	size_t in_bytes;
	void *in;
	int ret;

	err[0] = '\0';
	ret = tm_runtime_new(m, &o, &rt, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tm_runtime_new(%s): %s\n", device, err);
		return ret;
	}
	in = tm_runtime_input(rt, 0, &in_bytes);
	rng = 777;
	fill(in, in_bytes);
	ret = tm_runtime_invoke(rt);
	if (msg)
		snprintf(msg, TM_ERRLEN, "%s", tm_runtime_error(rt));
	if (!ret) {
		const void *y = tm_runtime_output(rt, 0, bytes);
		*out = malloc(*bytes);
		memcpy(*out, y, *bytes);
	}
	if (keep)
		*keep = rt;
	else
		tm_runtime_del(rt);
	return ret;
}

/* Device and CPU give the same bytes; @n_dev ops run on the device. */
static void same_as_cpu(struct tm_model *m, unsigned n_dev)
{
	uint8_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	struct tm_runtime *rt = NULL;
	unsigned dev = 0;

	CHECK_EQ(run(m, "cpu", 0, &a, &na, NULL, NULL), 0);
	CHECK_EQ(run(m, "sim", 0, &b, &nb, NULL, &rt), 0);
	CHECK_EQ(na, nb);
	CHECK(a && b && na == nb && !memcmp(a, b, na));
	for (unsigned i = 0; rt && i < tm_model_num_ops(m); i++) {
		struct tm_layer_profile p;
		CHECK_EQ(tm_runtime_profile(rt, i, &p), 0);
		dev += !strcmp(p.placement, "device");
	}
	CHECK_EQ(dev, n_dev);
	tm_runtime_del(rt);
	free(a);
	free(b);
}

static void test_offload_fc_int8_int4_sparse(void)
{
	void *buf = NULL;
	struct tm_model *m = fc_model(&buf);

	same_as_cpu(m, 4);
	tm_model_close(m);
	free(buf);
}

static void test_offload_conv_depthwise_sparse(void)
{
	void *buf = NULL;
	struct tm_model *m = conv_model(&buf);

	same_as_cpu(m, 4);
	tm_model_close(m);
	free(buf);
}

static void test_offload_engine_model(void)
{
	void *buf = NULL;
	struct tm_model *m = fc_model(&buf);
	struct tm_runtime_options o = { .device = "sim:model" };
	struct tm_runtime *rt = NULL;
	char err[TM_ERRLEN];

	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), 0);
	CHECK(rt && !strcmp(tm_runtime_device(rt), "sim"));
	tm_runtime_del(rt);
	o.device = "sim:nosuchengine";
	err[0] = '\0';
	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), -ENODEV);
	CHECK_STR_CONTAINS(err, "nosuchengine");
	tm_model_close(m);
	free(buf);
}

/* The RELU of fc_model stays on the CPU, and says why. */
static void test_offload_reasons(void)
{
	void *buf = NULL;
	struct tm_model *m = fc_model(&buf);
	struct tm_runtime_options o = { .device = "sim", .offload = TM_OFFLOAD_ALL };
	struct tm_runtime *rt = NULL;
	struct tm_layer_profile p;
	char err[TM_ERRLEN];

	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), 0);
	CHECK_EQ(tm_runtime_profile(rt, 1, &p), 0);
	CHECK(!strcmp(p.placement, "cpu"));
	CHECK_STR_CONTAINS(p.reason, "RELU has no device command");
	CHECK_EQ(tm_runtime_profile(rt, 2, &p), 0);
	CHECK(!strcmp(p.placement, "device"));
	CHECK_STR_CONTAINS(p.reason, "device sim runs it (offload all; est. ");
	tm_runtime_del(rt);
	tm_model_close(m);
	free(buf);
}

/* Profiling on the device: cycles and a utilisation in (0, 1] per device layer. */
static void test_offload_profile_cycles(void)
{
	void *buf = NULL;
	struct tm_model *m = conv_model(&buf);
	struct tm_runtime *rt = NULL;
	uint8_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;

	CHECK_EQ(run(m, "cpu", 0, &a, &na, NULL, NULL), 0);
	CHECK_EQ(run(m, "sim", 1, &b, &nb, NULL, &rt), 0);
	CHECK(a && b && na == nb && !memcmp(a, b, na));
	for (unsigned i = 0; rt && i < tm_model_num_ops(m); i++) {
		struct tm_layer_profile p;

		CHECK_EQ(tm_runtime_profile(rt, i, &p), 0);
		CHECK(p.cycles > 0);
		CHECK(p.mac_util > 0.0 && p.mac_util <= 1.0);
	}
	tm_runtime_del(rt);
	free(a);
	free(b);
	tm_model_close(m);
	free(buf);
}

/* A failing device job is re-run on the CPU: same bytes, and a message. */
static void fault_case(const char *fault, const char *expect)
{
	void *buf = NULL;
	struct tm_model *m = conv_model(&buf);
	uint8_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	char msg[TM_ERRLEN] = "";

	CHECK_EQ(run(m, "cpu", 0, &a, &na, NULL, NULL), 0);
	setenv("TM_SIM_FAULT", fault, 1);
	CHECK_EQ(run(m, "sim", 0, &b, &nb, msg, NULL), 0);
	unsetenv("TM_SIM_FAULT");
	CHECK(a && b && na == nb && !memcmp(a, b, na));
	CHECK_STR_CONTAINS(msg, expect);
	CHECK_STR_CONTAINS(msg, "re-run on the CPU");
	free(a);
	free(b);
	tm_model_close(m);
	free(buf);
}

static void test_offload_fault_dma(void)
{
	fault_case("dma", "bus error");
}

static void test_offload_fault_hang(void)
{
	fault_case("hang", "did not finish");
}

static void test_offload_fault_bad_status(void)
{
	fault_case("status", "bad dimensions");
}

/* One conv, 1x16x16x32 -> 32 channels, 3x3 padded: 2.4M MACs. */
static struct tm_model *big_conv_model(void **buf)
{
	struct tm_builder *b = tm_builder_new();
	int32_t s[4] = { 1, 16, 16, 32 };
	struct tm_conv_options o = { 1, 1, 1, 1, 1, 1, 1, 1, 1, { TM_ACT_NONE, 0, 0 } };
	uint32_t x = (uint32_t)act(b, "x", 4, s, 0.04f, -2);
	uint32_t y = (uint32_t)act(b, "y", 4, s, 0.08f, 5);

	conv(b, TM_OP_CONV_2D, x, y, (int32_t[]){ 32, 3, 3, 32 }, TM_DTYPE_INT8, TM_LAYOUT_DENSE,
	     &o);
	return finish(b, &x, &y, buf);
}

/* One FC, 1x4 -> 4: 16 MACs, far below a device job's fixed cost. */
static struct tm_model *tiny_fc_model(void **buf)
{
	struct tm_builder *b = tm_builder_new();
	int32_t s[2] = { 1, 4 };
	uint32_t x = (uint32_t)act(b, "x", 2, s, 0.05f, 3);
	uint32_t y = (uint32_t)act(b, "y", 2, s, 0.06f, -1);

	fc(b, x, 1, 4, 4, TM_DTYPE_INT8, TM_LAYOUT_DENSE, 1, y, TM_ACT_NONE);
	return finish(b, &x, &y, buf);
}

/* Op 0 of @m under the cost model: placement @where, reason starting @why; same bytes. */
static void cost_case(struct tm_model *m, const char *where, const char *why)
{
	struct tm_runtime *rt = NULL;
	struct tm_layer_profile p;
	uint8_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;

	offload = TM_OFFLOAD_COST;
	CHECK_EQ(run(m, "cpu", 0, &a, &na, NULL, NULL), 0);
	CHECK_EQ(run(m, "sim", 0, &b, &nb, NULL, &rt), 0);
	offload = TM_OFFLOAD_ALL;
	CHECK(a && b && na == nb && !memcmp(a, b, na));
	CHECK_EQ(rt ? tm_runtime_profile(rt, 0, &p) : -1, 0);
	if (rt) {
		CHECK(!strcmp(p.placement, where));
		CHECK(!strncmp(p.reason, why, strlen(why)));
		CHECK_STR_CONTAINS(p.reason, " us vs ");
	}
	tm_runtime_del(rt);
	free(a);
	free(b);
}

static void test_offload_cost_model(void)
{
	void *buf1 = NULL, *buf2 = NULL;
	struct tm_model *big = big_conv_model(&buf1), *tiny = tiny_fc_model(&buf2);

	/* The reference kernels (about 1 MAC/ns) lose a 2.4M-MAC conv to the device. */
	setenv("TM_CPU", "ref", 1);
	cost_case(big, "device", "device sim runs it: est. ");
	cost_case(tiny, "cpu", "cpu faster: est. ");
	unsetenv("TM_CPU");
	/* A device job's setup alone outlasts 16 MACs on any CPU. */
	cost_case(tiny, "cpu", "cpu faster: est. ");
	tm_model_close(big);
	tm_model_close(tiny);
	free(buf1);
	free(buf2);
}

/* TM_OFFLOAD overrides the option; a bad value or policy is refused. */
static void test_offload_policy_env(void)
{
	void *buf = NULL;
	struct tm_model *m = tiny_fc_model(&buf);
	struct tm_runtime_options o = { .device = "sim" };
	struct tm_runtime *rt = NULL;
	struct tm_layer_profile p;
	char err[TM_ERRLEN] = "";

	setenv("TM_OFFLOAD", "all", 1);
	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), 0);
	CHECK_EQ(rt ? tm_runtime_profile(rt, 0, &p) : -1, 0);
	CHECK(rt && !strcmp(p.placement, "device"));
	tm_runtime_del(rt);
	setenv("TM_OFFLOAD", "sometimes", 1);
	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "TM_OFFLOAD=sometimes: expected 'cost' or 'all'");
	unsetenv("TM_OFFLOAD");
	o.offload = 7;
	CHECK_EQ(tm_runtime_new(m, &o, &rt, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "offload policy 7");
	tm_model_close(m);
	free(buf);
}

/* One FC, @rows x @k -> @n, per-tensor weights of @dtype/@layout. */
static struct tm_model *one_fc_model(int32_t rows, int32_t k, int32_t n, unsigned dtype,
				     unsigned layout, void **buf)
{
	struct tm_builder *b = tm_builder_new();
	int32_t sx[2] = { rows, k }, sy[2] = { rows, n };
	uint32_t x = (uint32_t)act(b, "x", 2, sx, 0.05f, 3);
	uint32_t y = (uint32_t)act(b, "y", 2, sy, 0.06f, -1);

	fc(b, x, rows, k, n, dtype, layout, 0, y, TM_ACT_NONE);
	return finish(b, &x, &y, buf);
}

/* Op 0 of @m on the device (forced) with the CPU's bytes, or on the CPU saying @why. */
static void split_case(struct tm_model *m, const char *why)
{
	struct tm_runtime *rt = NULL;
	struct tm_layer_profile p;
	uint8_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	char msg[TM_ERRLEN] = "";

	CHECK_EQ(run(m, "cpu", 0, &a, &na, NULL, NULL), 0);
	CHECK_EQ(run(m, "sim", 0, &b, &nb, msg, &rt), 0);
	CHECK(a && b && na == nb && !memcmp(a, b, na));
	CHECK(!msg[0]); /* no device job failed and fell back */
	CHECK_EQ(rt ? tm_runtime_profile(rt, 0, &p) : -1, 0);
	if (rt && why) {
		CHECK(!strcmp(p.placement, "cpu"));
		CHECK_STR_CONTAINS(p.reason, why);
	} else if (rt) {
		CHECK(!strcmp(p.placement, "device"));
	}
	tm_runtime_del(rt);
	free(a);
	free(b);
}

/*
 * Beyond the 16-bit fields: 70000 output channels (int8, int4) and 70000
 * rows become several commands; 2:4 weights with 70000 channels stay on
 * the CPU and say why.
 */
static void test_offload_split(void)
{
	static const struct {
		int32_t rows, k, n;
		unsigned dtype, layout;
		const char *why;
	} cases[] = {
		{ 1, 4, 70000, TM_DTYPE_INT8, TM_LAYOUT_DENSE, NULL },
		{ 2, 6, 70001, TM_DTYPE_INT4, TM_LAYOUT_DENSE, NULL },
		{ 70003, 4, 8, TM_DTYPE_INT8, TM_LAYOUT_DENSE, NULL },
		{ 1, 8, 70000, TM_DTYPE_INT8, TM_LAYOUT_SPARSE_2_4, "2:4 weights are not split" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *buf = NULL;
		struct tm_model *m = one_fc_model(cases[i].rows, cases[i].k, cases[i].n,
						  cases[i].dtype, cases[i].layout, &buf);

		split_case(m, cases[i].why);
		tm_model_close(m);
		free(buf);
	}
}

int main(void)
{
	TM_RUN(test_offload_fc_int8_int4_sparse);
	TM_RUN(test_offload_conv_depthwise_sparse);
	TM_RUN(test_offload_engine_model);
	TM_RUN(test_offload_reasons);
	TM_RUN(test_offload_profile_cycles);
	TM_RUN(test_offload_fault_dma);
	TM_RUN(test_offload_fault_hang);
	TM_RUN(test_offload_fault_bad_status);
	TM_RUN(test_offload_cost_model);
	TM_RUN(test_offload_policy_env);
	TM_RUN(test_offload_split);
	TM_TEST_EXIT();
}
