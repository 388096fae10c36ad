/* SPDX-License-Identifier: MIT */
/* tmrun.h - what tmrun.c (running) and report.c (printing) share. */
#ifndef TMRUN_H
#define TMRUN_H

#include <stdint.h>
#include <stdio.h>
#include "tm.h"

/* Exit codes; `tmrun --help` and docs/runtime.md list them. */
enum tmrun_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,      /* bad command line */
	EXIT_BAD_MODEL = 2,  /* model.bin unreadable, malformed, or not runnable (op, arena) */
	EXIT_BAD_INPUT = 3,  /* input .npy unreadable or not matching; output not writable */
	EXIT_DEVICE = 4,     /* device absent or failed; invoke failed */
};

/** struct tmrun_result - what a run produced, for the report. */
struct tmrun_result {
	const char *model_path;
	const struct tm_model *model;
	struct tm_runtime *rt;
	int synthetic_input;
	unsigned runs;
	uint64_t first_ns, median_ns;
	int profile;
};

/* Human-readable report on stdout. */
void report_text(FILE *f, const struct tmrun_result *r);
/* The same as one JSON object. */
void report_json(FILE *f, const struct tmrun_result *r);

#endif /* TMRUN_H */
