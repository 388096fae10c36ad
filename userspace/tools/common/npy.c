// SPDX-License-Identifier: MIT
/*
 * npy.c - reads and writes .npy files. The header is a Python dict literal;
 * only what numpy.save() writes is accepted: the keys 'descr',
 * 'fortran_order' and 'shape', each once, with string, bool and tuple values.
 * Every length and count is checked against the file before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "npy.h"
#include "tm.h"

#define NPY_MAGIC     "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_ELEMS (1ull << 40) /* far beyond any tensor, far from overflow */

static const struct {
	const char *descr;
	unsigned dtype;
	unsigned size;
} npy_types[] = {
	{ "<f4", TM_DTYPE_FLOAT32, 4 },
	{ "|i1", TM_DTYPE_INT8, 1 },
	{ "|u1", TM_DTYPE_UINT8, 1 },
	{ "<i4", TM_DTYPE_INT32, 4 },
	/* numpy writes '|' for bytes; '<' is what some writers use. */
	{ "<i1", TM_DTYPE_INT8, 1 },
	{ "<u1", TM_DTYPE_UINT8, 1 },
};

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *npy_descr(unsigned dtype)
{
	for (unsigned i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++)
		if (npy_types[i].dtype == dtype)
			return npy_types[i].descr;
	return NULL;
}

/* A cursor over the header text. */
struct hdr {
	const char *p, *end;
	char *err;
	size_t errlen;
};

static void skip_space(struct hdr *h)
{
	while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n'))
		h->p++;
}

/* Consume @c (after blanks); 0 if it is not next. */
static int accept(struct hdr *h, char c)
{
	skip_space(h);
	if (h->p < h->end && *h->p == c) {
		h->p++;
		return 1;
	}
	return 0;
}

/* A quoted string into @buf (at most @len - 1 characters). */
static int parse_string(struct hdr *h, char *buf, size_t len)
{
	char q;
	size_t n = 0;

	skip_space(h);
	if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
		return fail(h->err, h->errlen, "header: expected a quoted string");
	q = *h->p++;
	while (h->p < h->end && *h->p != q) {
		if (n + 1 >= len)
			return fail(h->err, h->errlen, "header: string too long");
		buf[n++] = *h->p++;
	}
	if (h->p >= h->end)
		return fail(h->err, h->errlen, "header: unterminated string");
	h->p++;
	buf[n] = '\0';
	return 0;
}

static int parse_bool(struct hdr *h, int *v)
{
	skip_space(h);
	if ((size_t)(h->end - h->p) >= 4 && !memcmp(h->p, "True", 4)) {
		h->p += 4;
		*v = 1;
		return 0;
	}
	if ((size_t)(h->end - h->p) >= 5 && !memcmp(h->p, "False", 5)) {
		h->p += 5;
		*v = 0;
		return 0;
	}
	return fail(h->err, h->errlen, "header: 'fortran_order' is not True or False");
}

static int parse_dim(struct hdr *h, uint64_t *v)
{
	uint64_t n = 0;
	int digits = 0;

	skip_space(h);
	while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
		n = n * 10 + (uint64_t)(*h->p++ - '0');
		if (n > NPY_MAX_ELEMS)
			return fail(h->err, h->errlen, "header: dimension too large");
		digits++;
	}
	/* numpy may write 3L for Python 2 longs */
	if (digits && h->p < h->end && *h->p == 'L')
		h->p++;
	if (!digits)
		return fail(h->err, h->errlen, "header: bad dimension in 'shape'");
	*v = n;
	return 0;
}

/* '(' [dim {',' dim} [',']] ')' */
static int parse_shape(struct hdr *h, struct npy_array *a)
{
	if (!accept(h, '('))
		return fail(h->err, h->errlen, "header: 'shape' is not a tuple");
	a->rank = 0;
	while (!accept(h, ')')) {
		if (a->rank == NPY_MAX_RANK)
			return fail(h->err, h->errlen, "header: more than %d dimensions", NPY_MAX_RANK);
		if (parse_dim(h, &a->shape[a->rank++]))
			return -EINVAL;
		if (!accept(h, ',')) {
			if (!accept(h, ')'))
				return fail(h->err, h->errlen, "header: bad 'shape' tuple");
			break;
		}
	}
	return 0;
}

static int set_descr(struct hdr *h, const char *descr, struct npy_array *a, unsigned *esize)
{
	for (unsigned i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		if (!strcmp(descr, npy_types[i].descr)) {
			a->dtype = npy_types[i].dtype;
			*esize = npy_types[i].size;
			return 0;
		}
	}
	return fail(h->err, h->errlen,
		    "dtype '%s' not supported (expected '<f4', '|i1', '|u1' or '<i4')", descr);
}

/* The dict: each key exactly once, in any order. */
static int parse_dict(struct hdr *h, struct npy_array *a, unsigned *esize)
{
	int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0;
	char key[32], descr[32];

	if (!accept(h, '{'))
		return fail(h->err, h->errlen, "header: not a dict");
	while (!accept(h, '}')) {
		int *seen;

		if (parse_string(h, key, sizeof(key)) || !accept(h, ':'))
			return fail(h->err, h->errlen, "header: malformed dict");
		if (!strcmp(key, "descr")) {
			seen = &have_descr;
			if (parse_string(h, descr, sizeof(descr)))
				return -EINVAL;
		} else if (!strcmp(key, "fortran_order")) {
			seen = &have_order;
			if (parse_bool(h, &fortran))
				return -EINVAL;
		} else if (!strcmp(key, "shape")) {
			seen = &have_shape;
			if (parse_shape(h, a))
				return -EINVAL;
		} else {
			return fail(h->err, h->errlen, "header: unknown key '%s'", key);
		}
		if ((*seen)++)
			return fail(h->err, h->errlen, "header: key '%s' given twice", key);
		if (accept(h, '}'))
			break;
		if (!accept(h, ','))
			return fail(h->err, h->errlen, "header: malformed dict");
	}
	skip_space(h);
	if (h->p != h->end)
		return fail(h->err, h->errlen, "header: text after the dict");
	if (!have_descr || !have_order || !have_shape)
		return fail(h->err, h->errlen, "header: missing '%s'",
			    !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
	if (fortran)
		return fail(h->err, h->errlen, "Fortran-order arrays are not supported (save in C order)");
	return set_descr(h, descr, a, esize);
}

int npy_parse(const void *buf, size_t size, struct npy_array *out, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	size_t hlen, start;
	uint64_t n = 1;
	unsigned esize = 0;
	struct hdr h = { .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	if (size < 10 || memcmp(b, NPY_MAGIC, NPY_MAGIC_LEN))
		return fail(err, errlen, "not a .npy file (bad magic)");
	if (b[6] == 1) {
		hlen = (size_t)b[8] | (size_t)b[9] << 8;
		start = 10;
	} else if (b[6] == 2) {
		if (size < 12)
			return fail(err, errlen, "truncated .npy header");
		hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
		start = 12;
	} else {
		return fail(err, errlen, ".npy format version %u.%u not supported (1.0 and 2.0 are)",
			    b[6], b[7]);
	}
	if (hlen > size - start)
		return fail(err, errlen, "truncated .npy header: %zu bytes announced, %zu present",
			    hlen, size - start);
	h.p = (const char *)b + start;
	h.end = h.p + hlen;
	if (parse_dict(&h, out, &esize))
		return -EINVAL;
	for (unsigned i = 0; i < out->rank; i++)
		if (__builtin_mul_overflow(n, out->shape[i], &n) || n > NPY_MAX_ELEMS)
			return fail(err, errlen, "shape too large");
	n *= esize;
	start += hlen;
	if (n != size - start)
		return fail(err, errlen, "data is %zu bytes but the shape needs %llu (%s)",
			    size - start, (unsigned long long)n,
			    n > size - start ? "truncated" : "trailing bytes");
	out->data = b + start;
	out->bytes = (size_t)n;
	return 0;
}

int npy_load(const char *path, struct npy_array *out, void **storage, char *err, size_t errlen)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
	struct stat st;
	size_t len;
	int ret = 0;

	*storage = NULL;
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out_close;
	}
	len = (size_t)st.st_size;
	*storage = malloc(len ? len : 1);
	if (!*storage) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory for %zu bytes", path, len);
		goto out_close;
	}
	if (fread(*storage, 1, len, f) != len) {
		ret = -EIO;
		snprintf(err, errlen, "%s: read error", path);
		goto out_close;
	}
	ret = npy_parse(*storage, len, out, err, errlen);
	if (ret) {
		/* Put the file name in front of the parser's message. */
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
out_close:
	fclose(f);
	return ret;
}

int npy_save(const char *path, unsigned dtype, const int32_t *shape, unsigned rank,
	     const void *data, size_t bytes, char *err, size_t errlen)
{
	const char *descr = npy_descr(dtype);
	char hdr[512];
	int n, ret = 0;
	FILE *f;

	if (!descr) {
		snprintf(err, errlen, "%s: dtype %s cannot be stored in .npy", path,
			 tm_dtype_name(dtype) ? tm_dtype_name(dtype) : "?");
		return -EINVAL;
	}
	n = snprintf(hdr + 10, sizeof(hdr) - 10, "{'descr': '%s', 'fortran_order': False, 'shape': (",
		     descr);
	for (unsigned i = 0; i < rank; i++)
		n += snprintf(hdr + 10 + n, sizeof(hdr) - 10 - (size_t)n, "%d%s", shape[i],
			      rank == 1 || i + 1 < rank ? ", " : "");
	n += snprintf(hdr + 10 + n, sizeof(hdr) - 10 - (size_t)n, "), }");
	/* Pad with spaces so the data starts 64-byte aligned; '\n' ends the header. */
	while ((10 + n + 1) % 64)
		hdr[10 + n++] = ' ';
	hdr[10 + n++] = '\n';
	memcpy(hdr, NPY_MAGIC "\x01\x00", 8);
	hdr[8] = (char)(n & 0xff);
	hdr[9] = (char)(n >> 8);

	f = fopen(path, "wb");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fwrite(hdr, 1, 10 + (size_t)n, f) != 10 + (size_t)n ||
	    fwrite(data, 1, bytes, f) != bytes)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		snprintf(err, errlen, "%s: write error", path);
	return ret;
}
