// SPDX-License-Identifier: MIT
/*
 * tflite_seeds.c - writes the TFLite fuzzer's seed corpus: small valid
 * models (float FC + ADD with fused RELU, SAME-padded CONV_2D, int8 FC with
 * per-channel weights, a MEAN/TRANSPOSE/PAD chain) made by tflite_build.c.
 *
 *   tflite_seeds DIR
 */
#include <stdio.h>
#include "tflite_build.h"

enum { F32 = 0, I32 = 2, I8 = 9 };

static int save(const char *dir, const char *name, const struct tfl_model_spec *m)
{
	struct tb b;
	char path[512];
	FILE *f;
	int ok;

	if (tb_model(&b, m))
		return 1;
	snprintf(path, sizeof(path), "%s/%s.tflite", dir, name);
	f = fopen(path, "wb");
	ok = f && fwrite(b.p, 1, b.n, f) == b.n;
	if (f && fclose(f))
		ok = 0;
	tb_free(&b);
	if (!ok)
		perror(path);
	return !ok;
}

static const float w12[12] = { 0.5f, -1, 2, 0.25f, -0.5f, 1, 1, -2, 3, 0, -1, 0.5f };
static const float b3[3] = { 0.1f, -0.2f, 0.3f };
static const float w54[54] = { 1, -1, 0.5f, 2 };
static const int8_t wq[8] = { 3, -1, 2, 5, -4, 6, 1, -2 };
static const int32_t bq[2] = { 9, -20 }, axes[1] = { 1 }, perm[3] = { 0, 2, 1 };
static const int32_t pads[6] = { 0, 0, 1, 2, 0, 1 };
static const float sx = 0.5f, sw[2] = { 0.25f, 0.125f }, sb[2] = { 0.125f, 0.0625f };
static const int64_t zx = -3, zw[2] = { 0, 0 };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tflite_seeds DIR\n");
		return 2;
	}
	const struct tfl_tensor_spec fc_t[] = {
		{ "x", F32, 2, { 1, 4 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "w", F32, 2, { 3, 4 }, w12, 48, 0, NULL, NULL, 0 },
		{ "b", F32, 1, { 3 }, b3, 12, 0, NULL, NULL, 0 },
		{ "h", F32, 2, { 1, 3 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "y", F32, 2, { 1, 3 }, NULL, 0, 0, NULL, NULL, 0 },
	};
	const struct tfl_op_spec fc_ops[] = {
		{ 9, { 0, 1, 2 }, 3, { 3 }, 1, 8, 1, { 0 } },
		{ 0, { 3, 2 }, 2, { 4 }, 1, 11, 1, { 1 } },
	};
	const struct tfl_model_spec fc = { fc_t, 5, fc_ops, 2, { 0 }, 1, { 4 }, 1 };

	const struct tfl_tensor_spec conv_t[] = {
		{ "x", F32, 4, { 1, 5, 6, 2 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "w", F32, 4, { 3, 3, 3, 2 }, w54, 216, 0, NULL, NULL, 0 },
		{ "y", F32, 4, { 1, 3, 3, 3 }, NULL, 0, 0, NULL, NULL, 0 },
	};
	const struct tfl_op_spec conv_op = { 3, { 0, 1, -1 }, 3, { 2 }, 1, 1, 4, { 0, 2, 2, 1 } };
	const struct tfl_model_spec conv = { conv_t, 3, &conv_op, 1, { 0 }, 1, { 2 }, 1 };

	const struct tfl_tensor_spec q_t[] = {
		{ "x", I8, 2, { 1, 4 }, NULL, 0, 1, &sx, &zx, 0 },
		{ "w", I8, 2, { 2, 4 }, wq, 8, 2, sw, zw, 0 },
		{ "b", I32, 1, { 2 }, bq, 8, 2, sb, zw, 0 },
		{ "y", I8, 2, { 1, 2 }, NULL, 0, 1, &sx, &zx, 0 },
	};
	const struct tfl_op_spec q_op = { 9, { 0, 1, 2 }, 3, { 3 }, 1, 8, 1, { 0 } };
	const struct tfl_model_spec q = { q_t, 4, &q_op, 1, { 0 }, 1, { 3 }, 1 };

	const struct tfl_tensor_spec sh_t[] = {
		{ "x", F32, 3, { 1, 4, 3 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "perm", I32, 1, { 3 }, perm, 12, 0, NULL, NULL, 0 },
		{ "t", F32, 3, { 1, 3, 4 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "pads", I32, 2, { 3, 2 }, pads, 24, 0, NULL, NULL, 0 },
		{ "p", F32, 3, { 1, 6, 5 }, NULL, 0, 0, NULL, NULL, 0 },
		{ "axes", I32, 1, { 1 }, axes, 4, 0, NULL, NULL, 0 },
		{ "m", F32, 3, { 1, 1, 5 }, NULL, 0, 0, NULL, NULL, 0 },
	};
	const struct tfl_op_spec sh_ops[] = {
		{ 39, { 0, 1 }, 2, { 2 }, 1, 0, 0, { 0 } },
		{ 34, { 2, 3 }, 2, { 4 }, 1, 0, 0, { 0 } },
		{ 40, { 4, 5 }, 2, { 6 }, 1, 27, 1, { 1 } },
	};
	const struct tfl_model_spec sh = { sh_t, 7, sh_ops, 3, { 0 }, 1, { 6 }, 1 };

	return save(argv[1], "fc_add_relu", &fc) | save(argv[1], "conv_same", &conv) |
	       save(argv[1], "int8_fc", &q) | save(argv[1], "transpose_pad_mean", &sh);
}
