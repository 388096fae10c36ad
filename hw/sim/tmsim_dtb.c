// SPDX-License-Identifier: MIT
/*
 * tmsim_dtb.c - the TMA node of a device-tree blob into struct tmsim_params.
 * The properties are those of dts/bindings/npu/tmaccel,tma.yaml.
 */
#include <errno.h>
#include <stdio.h>
#include <libfdt.h>

#include "tma_regs.h"
#include "tma_model.h"
#include "tmsim.h"

static int dtb_fail(char *err, size_t errlen, const char *fmt, const char *what, int v)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, what, v);
	return -EINVAL;
}

static int get_u32(const void *fdt, int node, const char *name, uint32_t *v,
		   char *err, size_t errlen)
{
	int len = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dtb_fail(err, errlen, "dtb: property %s missing (%d)", name, len);
	if (len != 4)
		return dtb_fail(err, errlen, "dtb: property %s must be one u32, has %d bytes",
				name, len);
	*v = fdt32_to_cpu(*p);
	return 0;
}

static const struct {
	const char *name;
	size_t off;
} u32_props[] = {
	{ "tmaccel,array-rows", offsetof(struct tmsim_params, rows) },
	{ "tmaccel,array-cols", offsetof(struct tmsim_params, cols) },
	{ "tmaccel,act-sram-kib", offsetof(struct tmsim_params, act_sram_kib) },
	{ "tmaccel,wgt-sram-kib", offsetof(struct tmsim_params, wgt_sram_kib) },
	{ "tmaccel,bus-bytes", offsetof(struct tmsim_params, bus_bytes) },
	{ "tmaccel,addr-bits", offsetof(struct tmsim_params, addr_bits) },
};

static const struct {
	const char *name;
	uint32_t bit;
} cap_props[] = {
	{ "tmaccel,int4", TMA_CAPS_INT4_MASK },
	{ "tmaccel,sparse-2-4", TMA_CAPS_SPARSE_2_4_MASK },
	{ "tmaccel,depthwise", TMA_CAPS_DEPTHWISE_MASK },
};

int tmsim_parse_dtb(const void *dtb, size_t size, struct tmsim_params *p,
		    char *err, size_t errlen)
{
	int node, ret;

	if (size < sizeof(struct fdt_header) || fdt_check_header(dtb))
		return dtb_fail(err, errlen, "dtb: %s (%d bytes)", "bad device-tree header",
				(int)size);
	/* Walks the whole structure block, so fdt_getprop() below is safe. */
	ret = fdt_check_full(dtb, size);
	if (ret)
		return dtb_fail(err, errlen, "dtb: malformed blob: %s (%d)", fdt_strerror(ret), ret);
	node = fdt_node_offset_by_compatible(dtb, -1, TMSIM_DT_COMPATIBLE);
	if (node < 0)
		return dtb_fail(err, errlen, "dtb: no node compatible with %s (%d)",
				TMSIM_DT_COMPATIBLE, node);
	for (size_t i = 0; i < sizeof(u32_props) / sizeof(u32_props[0]); i++) {
		ret = get_u32(dtb, node, u32_props[i].name,
			      (uint32_t *)((char *)p + u32_props[i].off), err, errlen);
		if (ret)
			return ret;
	}
	p->caps = TMA_CAPS_INT8_MASK;
	for (size_t i = 0; i < sizeof(cap_props) / sizeof(cap_props[0]); i++)
		if (fdt_getprop(dtb, node, cap_props[i].name, NULL))
			p->caps |= cap_props[i].bit;
	return tma_params_check(p, err, errlen);
}
