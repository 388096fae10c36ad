// SPDX-License-Identifier: MIT
/*
 * backend.c - the table of device backends and how a name picks one.
 */
#include <errno.h>
#include <string.h>
#include "backend.h"

/*
 * In "auto" preference order: a real device first, then the simulator, then
 * the CPU. A backend that is not part of this build says why instead of ops.
 */
static const struct {
	const char *name;
	const struct tm_backend_ops *ops;
	const char *absent;
} backends[] = {
	{ "drm", NULL, "the drm backend (tmaccel kernel driver through libdrm) is not part of this libtm yet" },
	{ "sim", NULL, "the sim backend (libtmsim, the TMA simulator) is not part of this libtm yet" },
	{ "cpu", &tm_backend_cpu_ops, NULL },
};

static int open_entry(unsigned i, struct tm_backend **out, char *err, size_t errlen)
{
	if (!backends[i].ops) {
		tm_set_error(err, errlen, "device '%s' not available: %s", backends[i].name,
			     backends[i].absent);
		return -ENODEV;
	}
	return backends[i].ops->open(out, err, errlen);
}

int tm_backend_open(const char *name, struct tm_backend **out, char *err, size_t errlen)
{
	int ret = -ENODEV;

	*out = NULL;
	if (!name || !strcmp(name, "auto")) {
		/* Absent devices are the normal case for auto: try the next one. */
		for (unsigned i = 0; i < TM_ARRAY_SIZE(backends) && ret == -ENODEV; i++)
			ret = open_entry(i, out, err, errlen);
		return ret;
	}
	for (unsigned i = 0; i < TM_ARRAY_SIZE(backends); i++)
		if (!strcmp(name, backends[i].name))
			return open_entry(i, out, err, errlen);
	tm_set_error(err, errlen, "unknown device '%s' (expected auto, drm, sim or cpu)", name);
	return -EINVAL;
}
