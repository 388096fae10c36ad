// SPDX-License-Identifier: MIT
/*
 * mkmodel - writes the small models tests/tools/test_tmrun.sh runs, with the
 * tm_builder API. Constant data follows simple formulas that the test's numpy
 * code restates to compute the expected outputs independently:
 *
 *   relu      float32 x[1,8] -> RELU -> y
 *   mlp       float32 x[1,16] -> FULLY_CONNECTED(W[10,16], b[10]) -> RELU
 *             -> ADD(c[1,10]) -> scores[1,10]
 *             W[o][i] = ((o*7 + i*3) % 11 - 5) / 8, b[o] = o/4 - 1, c[o] = 1/2 - o/10
 *   fc_int8   int8 x[1,8] (0.05, -3) -> FULLY_CONNECTED(Wq[4,8] (0.02, 0),
 *             bq[4] int32 (0.001, 0), RELU) -> y[1,4] int8 (0.1, 2)
 *             Wq[o][i] = (o*7 + i*3) % 51 - 25, bq[o] = 100*o - 150
 *   add2      float32 a[1,4] + b[1,4] -> ADD -> y (two graph inputs)
 *   bad_shape RELU from [1,8] to [1,4]: loads, but no op can run it
 *   int4_id   int4 x[1,6] that is also the graph output (no ops): tmrun's
 *             report must decode both nibbles of each byte
 *   huge      RELU on float32 [2^20, 2^20]: valid, but its 8 TiB arena
 *             cannot be allocated
 *
 * usage: mkmodel NAME OUT.bin
 */
#include <stdio.h>
#include <string.h>
#include "tm.h"

static struct tm_builder *b;

static uint32_t tensor(const char *name, unsigned dtype, int32_t d0, int32_t d1, const void *data,
		       size_t size, float scale, int32_t zp)
{
	struct tm_tensor_spec s = {
		.name = name, .dtype = dtype, .rank = d0 ? 2 : 1,
		.shape = { d0 ? d0 : d1, d0 ? d1 : 0 },
		.data = data, .data_size = size,
		.qparam_count = scale != 0, .quant_axis = -1,
		.scales = &scale, .zero_points = &zp,
	};
	int t = tm_builder_add_tensor(b, &s);

	if (t < 0) {
		fprintf(stderr, "mkmodel: tensor '%s': %s\n", name, tm_builder_error(b));
		return TM_FMT_NONE;
	}
	return (uint32_t)t;
}

static int op(unsigned opcode, const char *name, const uint32_t *in, unsigned n_in, uint32_t out,
	      const void *opts, size_t opts_size)
{
	if (tm_builder_add_op(b, opcode, name, in, n_in, &out, 1, opts, opts_size,
			      TM_PLACE_AUTO) < 0) {
		fprintf(stderr, "mkmodel: op '%s': %s\n", name, tm_builder_error(b));
		return -1;
	}
	return 0;
}

static int io(uint32_t in0, uint32_t in1, uint32_t out)
{
	uint32_t in[2] = { in0, in1 };

	return tm_builder_set_io(b, in, in1 == TM_FMT_NONE ? 1 : 2, &out, 1);
}

static int build_relu(void)
{
	uint32_t x = tensor("x", TM_DTYPE_FLOAT32, 1, 8, NULL, 0, 0, 0);
	uint32_t y = tensor("y", TM_DTYPE_FLOAT32, 1, 8, NULL, 0, 0, 0);

	return op(TM_OP_RELU, "relu", &x, 1, y, NULL, 0) || io(x, TM_FMT_NONE, y);
}

static int build_mlp(void)
{
	float w[10][16], bias[10], c[10];
	struct tm_fc_options fc = { .act = { .kind = TM_ACT_NONE } };
	struct tm_binary_options add = { .act = { .kind = TM_ACT_NONE } };

	for (int o = 0; o < 10; o++) {
		for (int i = 0; i < 16; i++)
			w[o][i] = (float)((o * 7 + i * 3) % 11 - 5) / 8.0f;
		bias[o] = (float)o / 4.0f - 1.0f;
		c[o] = 0.5f - (float)o / 10.0f;
	}
	uint32_t x = tensor("x", TM_DTYPE_FLOAT32, 1, 16, NULL, 0, 0, 0);
	uint32_t wt = tensor("W", TM_DTYPE_FLOAT32, 10, 16, w, sizeof(w), 0, 0);
	uint32_t bt = tensor("b", TM_DTYPE_FLOAT32, 0, 10, bias, sizeof(bias), 0, 0);
	uint32_t ct = tensor("c", TM_DTYPE_FLOAT32, 1, 10, c, sizeof(c), 0, 0);
	uint32_t h = tensor("h", TM_DTYPE_FLOAT32, 1, 10, NULL, 0, 0, 0);
	uint32_t r = tensor("r", TM_DTYPE_FLOAT32, 1, 10, NULL, 0, 0, 0);
	uint32_t s = tensor("scores", TM_DTYPE_FLOAT32, 1, 10, NULL, 0, 0, 0);

	return op(TM_OP_FULLY_CONNECTED, "fc", (uint32_t[]){ x, wt, bt }, 3, h, &fc, sizeof(fc)) ||
	       op(TM_OP_RELU, "relu", &h, 1, r, NULL, 0) ||
	       op(TM_OP_ADD, "add", (uint32_t[]){ r, ct }, 2, s, &add, sizeof(add)) ||
	       io(x, TM_FMT_NONE, s);
}

static int build_fc_int8(void)
{
	int8_t w[4][8];
	int32_t bias[4];
	struct tm_fc_options fc = { .act = { .kind = TM_ACT_RELU } };

	for (int o = 0; o < 4; o++) {
		for (int i = 0; i < 8; i++)
			w[o][i] = (int8_t)((o * 7 + i * 3) % 51 - 25);
		bias[o] = 100 * o - 150;
	}
	uint32_t x = tensor("x", TM_DTYPE_INT8, 1, 8, NULL, 0, 0.05f, -3);
	uint32_t wt = tensor("Wq", TM_DTYPE_INT8, 4, 8, w, sizeof(w), 0.02f, 0);
	uint32_t bt = tensor("bq", TM_DTYPE_INT32, 0, 4, bias, sizeof(bias), 0.001f, 0);
	uint32_t y = tensor("y", TM_DTYPE_INT8, 1, 4, NULL, 0, 0.1f, 2);

	return op(TM_OP_FULLY_CONNECTED, "fc", (uint32_t[]){ x, wt, bt }, 3, y, &fc, sizeof(fc)) ||
	       io(x, TM_FMT_NONE, y);
}

static int build_add2(void)
{
	struct tm_binary_options add = { .act = { .kind = TM_ACT_NONE } };
	uint32_t a = tensor("a", TM_DTYPE_FLOAT32, 1, 4, NULL, 0, 0, 0);
	uint32_t bb = tensor("b", TM_DTYPE_FLOAT32, 1, 4, NULL, 0, 0, 0);
	uint32_t y = tensor("y", TM_DTYPE_FLOAT32, 1, 4, NULL, 0, 0, 0);

	return op(TM_OP_ADD, "add", (uint32_t[]){ a, bb }, 2, y, &add, sizeof(add)) ||
	       io(a, bb, y);
}

static int build_bad_shape(void)
{
	uint32_t x = tensor("x", TM_DTYPE_FLOAT32, 1, 8, NULL, 0, 0, 0);
	uint32_t y = tensor("y", TM_DTYPE_FLOAT32, 1, 4, NULL, 0, 0, 0);

	return op(TM_OP_RELU, "shrink", &x, 1, y, NULL, 0) || io(x, TM_FMT_NONE, y);
}

static int build_int4_id(void)
{
	uint32_t x = tensor("x", TM_DTYPE_INT4, 1, 6, NULL, 0, 0, 0);

	return io(x, TM_FMT_NONE, x);
}

static int build_huge(void)
{
	uint32_t x = tensor("x", TM_DTYPE_FLOAT32, 1 << 20, 1 << 20, NULL, 0, 0, 0);
	uint32_t y = tensor("y", TM_DTYPE_FLOAT32, 1 << 20, 1 << 20, NULL, 0, 0, 0);

	return op(TM_OP_RELU, "relu", &x, 1, y, NULL, 0) || io(x, TM_FMT_NONE, y);
}

static const struct {
	const char *name;
	int (*build)(void);
} models[] = {
	{ "relu", build_relu },
	{ "mlp", build_mlp },
	{ "fc_int8", build_fc_int8 },
	{ "add2", build_add2 },
	{ "bad_shape", build_bad_shape },
	{ "int4_id", build_int4_id },
	{ "huge", build_huge },
};

int main(int argc, char **argv)
{
	int ret = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: mkmodel NAME OUT.bin\n");
		return 1;
	}
	b = tm_builder_new();
	if (!b)
		return 1;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		if (strcmp(argv[1], models[i].name))
			continue;
		ret = models[i].build();
		if (!ret && tm_builder_write(b, argv[2])) {
			fprintf(stderr, "mkmodel: %s: %s\n", argv[2], tm_builder_error(b));
			ret = 1;
		}
		tm_builder_del(b);
		return ret ? 1 : 0;
	}
	fprintf(stderr, "mkmodel: unknown model '%s'\n", argv[1]);
	tm_builder_del(b);
	return 1;
}
