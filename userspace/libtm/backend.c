// SPDX-License-Identifier: MIT
/*
 * backend.c - the table of device backends and how a name picks one.
 */
#include <errno.h>
#include <string.h>
#include "backend.h"

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
	{ "drm", NULL, "the drm backend (tmaccel kernel driver through libdrm) is not part of this libtm yet", 1 },
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
