// SPDX-License-Identifier: MIT
/* Unit tests for tmrun's .npy reader and writer (userspace/tools/common/npy.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tm_priv.h"
#include "tools/common/npy.h"
#include "tm_test.h"

static uint8_t file[4096];

/* A .npy image: magic, version, header length, @dict, then @data. */
static size_t make_npy(unsigned version, const char *dict, const void *data, size_t n)
{
	size_t pre = version == 1 ? 10 : 12, hl = strlen(dict);

	memcpy(file, "\x93NUMPY", 6);
	file[6] = (uint8_t)version;
	file[7] = 0;
	file[8] = (uint8_t)hl;
	file[9] = (uint8_t)(hl >> 8);
	if (version != 1) {
		file[10] = (uint8_t)(hl >> 16);
		file[11] = (uint8_t)(hl >> 24);
	}
	memcpy(file + pre, dict, hl);
	memcpy(file + pre + hl, data, n);
	return pre + hl + n;
}

static int parse(size_t size, struct npy_array *a, char *err)
{
	err[0] = '\0';
	return npy_parse(file, size, a, err, TM_ERRLEN);
}

static void test_npy_parse_v1_float(void)
{
	float v[6] = { 1, -2, 3.5f, 0, 7, -8 };
	struct npy_array a;
	char err[TM_ERRLEN];
	size_t n = make_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n",
			    v, sizeof(v));

	CHECK_EQ(parse(n, &a, err), 0);
	CHECK_EQ(a.dtype, TM_DTYPE_FLOAT32);
	CHECK_EQ(a.rank, 2);
	CHECK_EQ(a.shape[0], 2);
	CHECK_EQ(a.shape[1], 3);
	CHECK_EQ(a.bytes, 24);
	CHECK(a.data == file + n - 24);
	CHECK(!memcmp(a.data, v, 24));
}

static void test_npy_parse_v2_and_types(void)
{
	static const struct { const char *dict; unsigned dtype, rank; uint64_t s0; size_t bytes; } c[] = {
		{ "{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }", TM_DTYPE_INT8, 1, 5, 5 },
		{ "{\"shape\": (4,), \"descr\": \"|u1\", \"fortran_order\": False}", TM_DTYPE_UINT8, 1, 4, 4 },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", TM_DTYPE_INT32, 0, 0, 4 },
		{ "{'descr':'<i1','fortran_order':False,'shape':(1,2,1)}", TM_DTYPE_INT8, 3, 1, 2 },
	};
	uint8_t data[32] = { 0 };
	struct npy_array a;
	char err[TM_ERRLEN];

	for (unsigned i = 0; i < TM_ARRAY_SIZE(c); i++) {
		size_t n = make_npy(2, c[i].dict, data, c[i].bytes);
		CHECK_EQ(parse(n, &a, err), 0);
		CHECK_EQ(a.dtype, c[i].dtype);
		CHECK_EQ(a.rank, c[i].rank);
		if (c[i].rank)
			CHECK_EQ(a.shape[0], c[i].s0);
		CHECK_EQ(a.bytes, c[i].bytes);
	}
}

/* Each malformed header is refused with a message naming the problem. */
static void test_npy_bad_headers(void)
{
	static const struct { const char *dict; const char *msg; } c[] = {
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "dtype '<f8' not supported" },
		{ "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "dtype '>f4' not supported" },
		{ "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran-order" },
		{ "{'descr': '<f4', 'shape': (1,), }", "missing 'fortran_order'" },
		{ "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "given twice" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unknown key 'x'" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "bad dimension" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "not a tuple" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2), }", "bad 'shape' tuple" },
		{ "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", "not True or False" },
		{ "{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", "malformed dict" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", "text after" },
		{ "['descr']", "not a dict" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", "more than 8" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "too large" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", "shape too large" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048577), }", "shape too large" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", "shape too large" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000), }", "truncated" },
	};
	float v = 1;
	struct npy_array a;
	char err[TM_ERRLEN];

	for (unsigned i = 0; i < TM_ARRAY_SIZE(c); i++) {
		size_t n = make_npy(1, c[i].dict, &v, sizeof(v));
		CHECK_EQ(parse(n, &a, err), -EINVAL);
		CHECK_STR_CONTAINS(err, c[i].msg);
	}
}

static void test_npy_bad_container(void)
{
	float v[2] = { 1, 2 };
	struct npy_array a;
	char err[TM_ERRLEN];
	const char *d = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
	size_t n = make_npy(1, d, v, sizeof(v));

	file[0] = 'X';
	CHECK_EQ(parse(n, &a, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "bad magic");
	n = make_npy(3, d, v, sizeof(v));
	CHECK_EQ(parse(n, &a, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "version 3.0 not supported");
	/* trailing bytes after the data */
	n = make_npy(1, d, v, sizeof(v));
	CHECK_EQ(parse(n + 1, &a, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "trailing bytes");
	/* a header length past the end of the file */
	file[8] = 0xff;
	file[9] = 0x7f;
	CHECK_EQ(parse(n, &a, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "truncated .npy header");
}

/* Every proper prefix of a valid file fails cleanly (ASan checks the reads). */
static void test_npy_truncated_every_byte(void)
{
	int8_t v[7] = { 1, 2, 3, 4, 5, 6, 7 };
	struct npy_array a;
	char err[TM_ERRLEN];
	size_t n = make_npy(2, "{'descr': '|i1', 'fortran_order': False, 'shape': (7,), }", v, 7);
	int failures = 0;

	for (size_t len = 0; len < n; len++) {
		/* a copy of exactly len bytes, so any over-read is out of bounds */
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, file, len);
		failures += npy_parse(copy, len, &a, err, sizeof(err)) == -EINVAL;
		free(copy);
	}
	CHECK_EQ(failures, (long long)n);
	CHECK_EQ(parse(n, &a, err), 0);
}

static void test_npy_save_load_roundtrip(void)
{
	static const unsigned dtypes[] = { TM_DTYPE_FLOAT32, TM_DTYPE_INT8, TM_DTYPE_UINT8, TM_DTYPE_INT32 };
	char path[] = "/tmp/test_npy_XXXXXX";
	int32_t shape[3] = { 2, 1, 3 };
	uint8_t data[24];
	struct npy_array a;
	char err[TM_ERRLEN] = "";
	void *storage = NULL;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 11);
	for (unsigned k = 0; k < TM_ARRAY_SIZE(dtypes); k++) {
		size_t bytes = dtypes[k] == TM_DTYPE_FLOAT32 || dtypes[k] == TM_DTYPE_INT32 ? 24 : 6;
		CHECK_EQ(npy_save(path, dtypes[k], shape, 3, data, bytes, err, sizeof(err)), 0);
		CHECK_EQ(npy_load(path, &a, &storage, err, sizeof(err)), 0);
		CHECK_EQ(a.dtype, dtypes[k]);
		CHECK_EQ(a.rank, 3);
		CHECK_EQ(a.shape[2], 3);
		CHECK_EQ(a.bytes, bytes);
		/* numpy's own alignment: data at a multiple of 64 */
		CHECK_EQ(((const uint8_t *)a.data - (const uint8_t *)storage) % 64, 0);
		CHECK(a.bytes == bytes && !memcmp(a.data, data, bytes));
		free(storage);
	}
	/* rank 1 needs the trailing comma of a Python 1-tuple */
	CHECK_EQ(npy_save(path, TM_DTYPE_INT8, shape + 2, 1, data, 3, err, sizeof(err)), 0);
	CHECK_EQ(npy_load(path, &a, &storage, err, sizeof(err)), 0);
	CHECK_EQ(a.rank, 1);
	CHECK_EQ(a.shape[0], 3);
	free(storage);
	CHECK_EQ(npy_save(path, TM_DTYPE_INT4, shape, 3, data, 3, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "int4 cannot be stored");
	unlink(path);
}

static void test_npy_load_errors(void)
{
	struct npy_array a;
	char err[TM_ERRLEN] = "";
	void *storage = NULL;

	CHECK_EQ(npy_load("/nonexistent/x.npy", &a, &storage, err, sizeof(err)), -ENOENT);
	CHECK_STR_CONTAINS(err, "/nonexistent/x.npy");
	free(storage);
	CHECK_EQ(npy_load("/tmp", &a, &storage, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "not a regular file");
	free(storage);
}

/* A FIFO without a writer is refused at once instead of blocking the open. */
static void test_npy_load_fifo(void)
{
	char dir[] = "/tmp/tm_test_npy_XXXXXX", path[64];
	struct npy_array a;
	char err[TM_ERRLEN] = "";
	void *storage = NULL;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK_EQ(mkfifo(path, 0600), 0);
	CHECK_EQ(npy_load(path, &a, &storage, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "not a regular file");
	free(storage);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	TM_RUN(test_npy_parse_v1_float);
	TM_RUN(test_npy_parse_v2_and_types);
	TM_RUN(test_npy_bad_headers);
	TM_RUN(test_npy_bad_container);
	TM_RUN(test_npy_truncated_every_byte);
	TM_RUN(test_npy_save_load_roundtrip);
	TM_RUN(test_npy_load_errors);
	TM_RUN(test_npy_load_fifo);
	TM_TEST_EXIT();
}
