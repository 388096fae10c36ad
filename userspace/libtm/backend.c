// SPDX-License-Identifier: MIT
/*
 * backend.c - the table of device backends and how a name picks one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "tma_cmd.h"
#include "tma_regs.h"

/*
 * In "auto" preference order: a real device first, then the CPU. The
 * simulator is only opened by name: it is a development tool, far slower
 * than the CPU, and must not take over a program that asked for "auto".
 * A backend that is not part of this build says why instead of ops.
 */
static const struct {
	const char *name;
	const struct tm_backend_ops *ops;
	const char *absent;
	int in_auto;
} backends[] = {
	{ "drm", &tm_backend_drm_ops, NULL, 1 },
	{ "sim", &tm_backend_sim_ops, NULL, 0 },
	{ "cpu", &tm_backend_cpu_ops, NULL, 1 },
};

static int open_entry(unsigned i, const char *arg, struct tm_backend **out, char *err,
		      size_t errlen)
{
	if (!backends[i].ops) {
		tm_set_error(err, errlen, "device '%s' not available: %s", backends[i].name,
			     backends[i].absent);
		return -ENODEV;
	}
	return backends[i].ops->open(out, arg, err, errlen);
}

int tm_backend_open(const char *name, struct tm_backend **out, char *err, size_t errlen)
{
	const char *colon;
	size_t len;
	int ret = -ENODEV;

	*out = NULL;
	if (!name || !strcmp(name, "auto")) {
		/* Absent devices are the normal case for auto: try the next one. */
		for (unsigned i = 0; i < TM_ARRAY_SIZE(backends) && ret == -ENODEV; i++)
			if (backends[i].in_auto)
				ret = open_entry(i, NULL, out, err, errlen);
		/* An absent device skipped on the way is no error of the one opened. */
		if (!ret && err && errlen)
			err[0] = '\0';
		return ret;
	}
	colon = strchr(name, ':');
	len = colon ? (size_t)(colon - name) : strlen(name);
	for (unsigned i = 0; i < TM_ARRAY_SIZE(backends); i++)
		if (strlen(backends[i].name) == len && !strncmp(name, backends[i].name, len))
			return open_entry(i, colon ? colon + 1 : NULL, out, err, errlen);
	tm_set_error(err, errlen, "unknown device '%s' (expected auto, drm, sim[:engine] or cpu)",
		     name);
	return -EINVAL;
}

void tm_tma_caps(uint32_t caps_reg, uint32_t array_reg, uint32_t sram_reg,
		 struct tm_backend_caps *caps)
{
	uint64_t act_kib = (sram_reg & TMA_SRAM_ACT_KIB_MASK) >> TMA_SRAM_ACT_KIB_SHIFT;
	uint64_t wgt_kib = (sram_reg & TMA_SRAM_WGT_KIB_MASK) >> TMA_SRAM_WGT_KIB_SHIFT;

	memset(caps, 0, sizeof(*caps));
	caps->flags = TM_CAP_TMA_CMDS;
	if (caps_reg & TMA_CAPS_INT8_MASK)
		caps->flags |= TM_CAP_INT8;
	if (caps_reg & TMA_CAPS_INT4_MASK)
		caps->flags |= TM_CAP_INT4;
	if (caps_reg & TMA_CAPS_SPARSE_2_4_MASK)
		caps->flags |= TM_CAP_SPARSE_2_4;
	if (caps_reg & TMA_CAPS_DEPTHWISE_MASK)
		caps->flags |= TM_CAP_DEPTHWISE;
	caps->array_rows = (array_reg & TMA_ARRAY_ROWS_MASK) >> TMA_ARRAY_ROWS_SHIFT;
	caps->array_cols = (array_reg & TMA_ARRAY_COLS_MASK) >> TMA_ARRAY_COLS_SHIFT;
	caps->sram_bytes = (act_kib + wgt_kib) * 1024;
	caps->max_regions = TMA_MAX_REGIONS;
}

const char *tm_tma_status_name(uint32_t status)
{
	static const char *const names[] = {
		[TMA_OK] = "ok",
		[TMA_ERR_BAD_OPCODE] = "bad opcode",
		[TMA_ERR_BAD_FLAGS] = "bad flags",
		[TMA_ERR_BAD_REGION] = "bad region",
		[TMA_ERR_DMA_FAULT] = "DMA fault",
		[TMA_ERR_MISALIGNED] = "misaligned operand",
		[TMA_ERR_BAD_DIMS] = "bad dimensions",
		[TMA_ERR_BAD_JOB] = "bad job descriptor",
		[TMA_ERR_NO_END] = "no END command",
		[TMA_ERR_RING] = "ring error",
		[TMA_ERR_BUS] = "bus error",
	};
	return status < TM_ARRAY_SIZE(names) && names[status] ? names[status] : "unknown status";
}

void tm_tma_job_failed(struct tm_job_status *st, const char *dev, uint64_t job, uint32_t status,
		       uint32_t err_info, uint64_t err_addr)
{
	st->error = status == TMA_ERR_DMA_FAULT || status == TMA_ERR_BUS ? -EFAULT : -EIO;
	st->failed_op = (err_info >> TMA_ERR_INFO_CMD_SHIFT) & TMA_ERR_INFO_CMD_MASK;
	snprintf(st->msg, sizeof(st->msg), "device %s: job %llu failed: %s (status %u) at "
		 "command %u, address 0x%llx", dev, (unsigned long long)job,
		 tm_tma_status_name(status), status, st->failed_op, (unsigned long long)err_addr);
}
