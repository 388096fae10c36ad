// SPDX-License-Identifier: MIT
/* fuzz_seeds.c DIR - write the seed corpus of fuzz_model, made by the writer. */
#include <stdio.h>
#include <stdlib.h>
#include "model_fixture.h"

static int save(const char *dir, const char *name, const void *buf, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, size, f) != size || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* The smallest useful model: one RELU, no data, no metadata. */
static int minimal(void **buf, size_t *size)
{
	struct tm_builder *b = tm_builder_new();
	struct tm_tensor_spec t = { .name = "x", .dtype = TM_DTYPE_FLOAT32, .rank = 1, .shape = { 4 } };
	const uint32_t in = 0, out = 1;
	int ret = -1;

	if (b && tm_builder_add_tensor(b, &t) == 0 && tm_builder_add_tensor(b, &t) == 1 &&
	    tm_builder_add_op(b, TM_OP_RELU, "relu", &in, 1, &out, 1, NULL, 0, 0) == 0 &&
	    !tm_builder_set_io(b, &in, 1, &out, 1))
		ret = tm_builder_finish(b, buf, size);
	if (ret)
		fprintf(stderr, "fuzz_seeds: %s\n", tm_builder_error(b));
	tm_builder_del(b);
	return ret;
}

int main(int argc, char **argv)
{
	void *buf;
	size_t size;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	if (fixture_build(&buf, &size)) {
		fprintf(stderr, "fuzz_seeds: fixture does not build\n");
		return 1;
	}
	ret = save(argv[1], "fixture.bin", buf, size);
	free(buf);
	if (minimal(&buf, &size))
		return 1;
	ret |= save(argv[1], "minimal.bin", buf, size);
	free(buf);
	return ret;
}
