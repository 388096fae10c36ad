// SPDX-License-Identifier: MIT
/* Unit tests for format.c: names, sizes, CRC-32. */
#include <errno.h>
#include "tm.h"
#include "tm_test.h"

static void test_format_crc32_known_vector(void)
{
	CHECK_EQ(tm_crc32(0, "123456789", 9), 0xcbf43926u);
	CHECK_EQ(tm_crc32(tm_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
	CHECK_EQ(tm_crc32(0, "", 0), 0);
}

static void test_format_tensor_bytes(void)
{
	uint64_t n;
	int32_t s[4] = {1, 3, 3, 8};
	int32_t big[6] = {1 << 30, 1 << 30, 1 << 30, 4, 1, 1};
	int32_t odd[1] = {7};
	int32_t zero[2] = {2, 0};

	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_FLOAT32, TM_LAYOUT_DENSE, s, 4, &n), 0);
	CHECK_EQ(n, 72 * 4);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT4, TM_LAYOUT_DENSE, odd, 1, &n), 0);
	CHECK_EQ(n, 4);
	/* 2:4 int8: 72 elements = 18 groups -> 36 values + 18 index bytes */
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_SPARSE_2_4, s, 4, &n), 0);
	CHECK_EQ(n, 36 + 18);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT4, TM_LAYOUT_SPARSE_2_4, s, 4, &n), 0);
	CHECK_EQ(n, 18 + 18);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_SPARSE_2_4, odd, 1, &n), -EINVAL);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_FLOAT32, TM_LAYOUT_SPARSE_2_4, s, 4, &n), -EINVAL);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_DENSE, big, 6, &n), -EOVERFLOW);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_DENSE, zero, 2, &n), -EINVAL);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_MAX, TM_LAYOUT_DENSE, s, 4, &n), -EINVAL);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_DENSE, s, 7, &n), -EINVAL);
	CHECK_EQ(tm_fmt_tensor_bytes(TM_DTYPE_INT8, TM_LAYOUT_DENSE, s, 0, &n), 0);
	CHECK_EQ(n, 1);
}

static void test_format_names_cover_every_opcode(void)
{
	for (unsigned op = 1; op < TM_OP_COUNT; op++) {
		CHECK(tm_opcode_name(op) != NULL);
		CHECK(tm_fmt_options_size(op) >= 0);
	}
	CHECK(tm_opcode_name(0) == NULL);
	CHECK(tm_opcode_name(TM_OP_COUNT) == NULL);
	CHECK_EQ(tm_fmt_options_size(TM_OP_COUNT), -1);
	for (unsigned d = 1; d < TM_DTYPE_MAX; d++)
		CHECK(tm_dtype_name(d) != NULL);
	CHECK(tm_dtype_name(TM_DTYPE_MAX) == NULL);
}

int main(void)
{
	TM_RUN(test_format_crc32_known_vector);
	TM_RUN(test_format_tensor_bytes);
	TM_RUN(test_format_names_cover_every_opcode);
	TM_TEST_EXIT();
}
