// SPDX-License-Identifier: MIT
/*
 * target.c - `tmc --target FILE.dtb`: the TMA node of a device-tree blob
 * (dts/bindings/npu/tmaccel,tma.yaml) read with libfdt into what placement
 * needs. tmc never opens a device: the blob is its only view of one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "compress.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct {
	const char *name;
	size_t off;
} u32_props[] = {
	{ "tmaccel,array-rows", offsetof(struct tmc_target, rows) },
	{ "tmaccel,array-cols", offsetof(struct tmc_target, cols) },
	{ "tmaccel,act-sram-kib", offsetof(struct tmc_target, act_sram_kib) },
	{ "tmaccel,wgt-sram-kib", offsetof(struct tmc_target, wgt_sram_kib) },
	{ "tmaccel,bus-bytes", offsetof(struct tmc_target, bus_bytes) },
};

int tmc_target_parse(const void *dtb, size_t size, struct tmc_target *t, char *err,
		     size_t errlen)
{
	int node, len, ret;

	memset(t, 0, sizeof(*t));
	if (size < sizeof(struct fdt_header) || fdt_check_header(dtb) ||
	    fdt_totalsize(dtb) > size)
		return fail(err, errlen, "not a device-tree blob (bad header, %zu bytes)", size);
	/* Walks the whole structure block, so the lookups below stay inside it. */
	ret = fdt_check_full(dtb, size);
	if (ret)
		return fail(err, errlen, "malformed device-tree blob: %s", fdt_strerror(ret));
	node = fdt_node_offset_by_compatible(dtb, -1, "tmaccel,tma");
	if (node < 0)
		return fail(err, errlen, "no node compatible with \"tmaccel,tma\"");
	for (size_t i = 0; i < sizeof(u32_props) / sizeof(u32_props[0]); i++) {
		const fdt32_t *p = fdt_getprop(dtb, node, u32_props[i].name, &len);
		if (!p)
			return fail(err, errlen, "%s: property %s missing",
				    fdt_get_name(dtb, node, NULL), u32_props[i].name);
		if (len != 4 || !fdt32_to_cpu(*p))
			return fail(err, errlen, "%s: property %s must be one non-zero u32",
				    fdt_get_name(dtb, node, NULL), u32_props[i].name);
		*(uint32_t *)(void *)((char *)t + u32_props[i].off) = fdt32_to_cpu(*p);
	}
	t->int4 = fdt_getprop(dtb, node, "tmaccel,int4", NULL) != NULL;
	t->sparse_2_4 = fdt_getprop(dtb, node, "tmaccel,sparse-2-4", NULL) != NULL;
	t->depthwise = fdt_getprop(dtb, node, "tmaccel,depthwise", NULL) != NULL;
	return 0;
}

int tmc_target_read(const char *path, struct tmc_target *t, char *err, size_t errlen)
{
	void *buf;
	size_t size;
	int ret = tmc_read_file(path, &buf, &size);

	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	char why[256];
	ret = tmc_target_parse(buf, size, t, why, sizeof(why));
	free(buf);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, why);
		return ret;
	}
	snprintf(t->path, sizeof(t->path), "%s", path);
	return 0;
}
