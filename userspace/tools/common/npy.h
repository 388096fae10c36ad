/* SPDX-License-Identifier: MIT */
/*
 * npy.h - NumPy .npy files (format versions 1.0 and 2.0), the subset tmrun
 * exchanges with users: little-endian '<f4', '|i1', '|u1', '<i4' in C order.
 */
#ifndef TMRUN_NPY_H
#define TMRUN_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_RANK 8

/**
 * struct npy_array - a parsed array.
 * @dtype: enum tm_dtype (FLOAT32, INT8, UINT8, INT32).
 * @rank: number of dimensions (0 for a scalar).
 * @shape: the dimensions.
 * @data: the elements, pointing into the buffer given to npy_parse().
 * @bytes: size of @data.
 */
struct npy_array {
	unsigned dtype;
	unsigned rank;
	uint64_t shape[NPY_MAX_RANK];
	const void *data;
	size_t bytes;
};

/**
 * npy_parse() - parse a whole .npy file held in memory.
 * @return 0, or -EINVAL with a message naming the problem in @err.
 */
int npy_parse(const void *buf, size_t size, struct npy_array *out, char *err, size_t errlen);

/**
 * npy_load() - read and parse @path; *@storage receives the malloc'ed file
 * contents that @out points into (the caller frees it, also on failure).
 * @return 0, a negative errno for I/O errors, -EINVAL for a malformed file.
 */
int npy_load(const char *path, struct npy_array *out, void **storage, char *err, size_t errlen);

/**
 * npy_save() - write a version 1.0 .npy file.
 * @dtype: enum tm_dtype (FLOAT32, INT8, UINT8, INT32).
 * @return 0 or a negative errno (message in @err).
 */
int npy_save(const char *path, unsigned dtype, const int32_t *shape, unsigned rank,
	     const void *data, size_t bytes, char *err, size_t errlen);

/** @return the .npy descr of a tm dtype ("<f4"), or NULL if .npy cannot hold it. */
const char *npy_descr(unsigned dtype);

#endif /* TMRUN_NPY_H */
