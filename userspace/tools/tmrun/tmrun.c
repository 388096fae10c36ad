// SPDX-License-Identifier: MIT
/*
 * tmrun - run a model.bin: load, prepare for a device, fill the inputs
 * (.npy files or deterministic synthetic data), invoke, write/print outputs,
 * latency, arena size and optionally a per-layer profile, as text or JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tools/common/npy.h"
#include "tmrun.h"

#define MAX_FILES 64
#define MAX_REPEAT 1000000u

struct tmrun_opts {
	const char *model;
	const char *inputs[MAX_FILES], *outputs[MAX_FILES];
	unsigned n_inputs, n_outputs;
	const char *device;
	unsigned repeat;
	int profile, json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tmrun MODEL.bin [-i INPUT.npy ...] [-o OUTPUT.npy ...]\n"
		"             [--device auto|drm|sim|cpu] [--repeat N] [--profile] [--json]\n"
		"\n"
		"  -i FILE        graph input k from the k-th -i (.npy: <f4, |i1, |u1, <i4, C order,\n"
		"                 shape and dtype exactly the model's; <f4 data for a quantized\n"
		"                 int8/uint8 input is quantized); without -i, deterministic\n"
		"                 synthetic inputs are used (said on stderr)\n"
		"  -o FILE        write graph output k to the k-th -o as .npy\n"
		"  --device DEV   auto (default: the best device present), drm, sim or cpu\n"
		"  --repeat N     invoke N times: latency of the first run and median of the rest\n"
		"  --profile      per-layer table: op, shapes, dtype, placement and why, time, MACs\n"
		"  --json         print everything as one JSON object on stdout\n"
		"  -h, --help     this text\n"
		"\n"
		"exit status: 0 ok, 1 usage error, 2 bad model (malformed, or it cannot run:\n"
		"             an op refused, an arena too large to allocate), 3 bad input (or\n"
		"             output file), 4 device failure (device absent, or the run failed)\n");
}

static int parse_args(int argc, char **argv, struct tmrun_opts *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "profile", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->device = "auto";
	o->repeat = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:o:h", longopts, NULL)) != -1) {
		char *end;
		unsigned long n;

		switch (c) {
		case 'i':
		case 'o':
			if ((c == 'i' ? o->n_inputs : o->n_outputs) == MAX_FILES) {
				fprintf(stderr, "tmrun: at most %d -%c files\n", MAX_FILES, c);
				return -1;
			}
			if (c == 'i')
				o->inputs[o->n_inputs++] = optarg;
			else
				o->outputs[o->n_outputs++] = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "auto") && strcmp(optarg, "drm") && strcmp(optarg, "sim") &&
			    strcmp(optarg, "cpu")) {
				fprintf(stderr, "tmrun: --device wants auto, drm, sim or cpu, not '%s'\n",
					optarg);
				return -1;
			}
			o->device = optarg;
			break;
		case 'r':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || n < 1 || n > MAX_REPEAT) {
				fprintf(stderr, "tmrun: --repeat wants a count from 1 to %u, not '%s'\n",
					MAX_REPEAT, optarg);
				return -1;
			}
			o->repeat = (unsigned)n;
			break;
		case 'p':
			o->profile = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case ':':
			fprintf(stderr, "tmrun: option '%s' needs an argument\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "tmrun: unknown option '%s'\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "tmrun: %s\n", optind >= argc ? "no model given" : "more than one model given");
		return -1;
	}
	o->model = argv[optind];
	return 0;
}

static void format_shape(char *buf, size_t len, const uint64_t *s64, const int32_t *s32,
			 unsigned rank)
{
	size_t n = (size_t)snprintf(buf, len, "(");

	for (unsigned i = 0; i < rank && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%llu", i ? ", " : "",
				      s64 ? (unsigned long long)s64[i] : (unsigned long long)s32[i]);
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

/* Float data for a per-tensor quantized int8/uint8 input is quantized here. */
static int quantizable(const struct npy_array *a, const struct tm_tensor_info *ti)
{
	return a->dtype == TM_DTYPE_FLOAT32 && ti->qparam_count == 1 &&
	       (ti->dtype == TM_DTYPE_INT8 || ti->dtype == TM_DTYPE_UINT8);
}

/* q = round(x / scale) + zero_point, half away from zero, saturated (TFLite QUANTIZE). */
static void quantize_input(uint8_t *dst, const struct npy_array *a, const struct tm_tensor_info *ti)
{
	int lo = ti->dtype == TM_DTYPE_INT8 ? -128 : 0, hi = ti->dtype == TM_DTYPE_INT8 ? 127 : 255;
	size_t n = a->bytes / 4;

	for (size_t i = 0; i < n; i++) {
		float x;
		double q;

		memcpy(&x, (const uint8_t *)a->data + 4 * i, 4);
		q = round((double)x / ti->scale) + ti->zero_point;
		q = isnan(q) ? ti->zero_point : q < lo ? lo : q > hi ? hi : q;
		dst[i] = (uint8_t)((int)q & 0xff); /* int8 as its two's-complement byte */
	}
}

/*
 * Input @k from a .npy file: the shape must be exactly the model's, the dtype
 * too, except that float32 data for a quantized input is quantized.
 */
static int load_input(struct tm_runtime *rt, const struct tm_model *m, unsigned k,
		      const char *path)
{
	struct tm_tensor_info ti;
	struct npy_array a;
	char err[TM_ERRLEN], want[128], got[128];
	void *storage = NULL, *dst;
	size_t bytes = 0;
	int ret = -EINVAL, quantize;

	tm_model_tensor_info(m, (unsigned)tm_model_input(m, k), &ti);
	if (npy_load(path, &a, &storage, err, sizeof(err))) {
		fprintf(stderr, "tmrun: input %u: %s\n", k, err);
		goto out;
	}
	format_shape(want, sizeof(want), NULL, ti.shape, ti.rank);
	format_shape(got, sizeof(got), a.shape, NULL, a.rank);
	quantize = quantizable(&a, &ti);
	if (a.dtype != ti.dtype && !quantize) {
		fprintf(stderr, "tmrun: input %u ('%s'): %s holds %s, the model wants %s\n", k,
			ti.name, path, tm_dtype_name(a.dtype), tm_dtype_name(ti.dtype));
		goto out;
	}
	if (strcmp(want, got)) {
		fprintf(stderr, "tmrun: input %u ('%s'): %s has shape %s, the model wants %s\n", k,
			ti.name, path, got, want);
		goto out;
	}
	dst = tm_runtime_input(rt, k, &bytes);
	if (!dst || bytes != (quantize ? a.bytes / 4 : a.bytes)) {
		fprintf(stderr, "tmrun: input %u ('%s'): %zu bytes, the model wants %zu\n", k,
			ti.name, a.bytes, bytes);
		goto out;
	}
	if (quantize) {
		fprintf(stderr, "tmrun: input %u ('%s'): quantizing float32 data to %s "
			"(scale %g, zero point %d)\n", k, ti.name, tm_dtype_name(ti.dtype),
			ti.scale, ti.zero_point);
		quantize_input(dst, &a, &ti);
	} else {
		memcpy(dst, a.data, bytes);
	}
	ret = 0;
out:
	free(storage);
	return ret;
}

/* Deterministic pseudo-random contents covering the dtype's usual range. */
static void synth_input(struct tm_runtime *rt, const struct tm_model *m, unsigned k)
{
	struct tm_tensor_info ti;
	size_t bytes = 0;
	uint8_t *p = tm_runtime_input(rt, k, &bytes);
	uint32_t s = 0x9e3779b9u * (k + 1);

	tm_model_tensor_info(m, (unsigned)tm_model_input(m, k), &ti);
	for (size_t i = 0; i < bytes; i += ti.dtype == TM_DTYPE_FLOAT32 || ti.dtype == TM_DTYPE_INT32 ? 4 : 1) {
		s = s * 1664525u + 1013904223u;
		if (ti.dtype == TM_DTYPE_FLOAT32) {
			float v = (float)(s >> 8) / (float)(1u << 23) - 1.0f; /* [-1, 1) */
			memcpy(p + i, &v, 4);
		} else if (ti.dtype == TM_DTYPE_INT32) {
			int32_t v = (int32_t)(s >> 16) - 32768;
			memcpy(p + i, &v, 4);
		} else {
			p[i] = (uint8_t)(s >> 24);
		}
	}
}

static int fill_inputs(struct tm_runtime *rt, const struct tm_model *m,
		       const struct tmrun_opts *o)
{
	unsigned n = tm_model_num_inputs(m);

	if (!o->n_inputs) {
		fprintf(stderr, "tmrun: no -i given: using deterministic synthetic input%s\n",
			n == 1 ? "" : "s");
		for (unsigned k = 0; k < n; k++)
			synth_input(rt, m, k);
		return 0;
	}
	if (o->n_inputs != n) {
		fprintf(stderr, "tmrun: the model has %u input%s, %u given with -i\n", n,
			n == 1 ? "" : "s", o->n_inputs);
		return -EINVAL;
	}
	for (unsigned k = 0; k < n; k++)
		if (load_input(rt, m, k, o->inputs[k]))
			return -EINVAL;
	return 0;
}

static int save_outputs(struct tm_runtime *rt, const struct tm_model *m,
			const struct tmrun_opts *o)
{
	char err[TM_ERRLEN];

	for (unsigned k = 0; k < o->n_outputs; k++) {
		struct tm_tensor_info ti;
		size_t bytes = 0;
		const void *data = tm_runtime_output(rt, k, &bytes);

		tm_model_tensor_info(m, (unsigned)tm_model_output(m, k), &ti);
		if (npy_save(o->outputs[k], ti.dtype, ti.shape, ti.rank, data, bytes, err,
			     sizeof(err))) {
			fprintf(stderr, "tmrun: output %u: %s\n", k, err);
			return -EIO;
		}
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The first run is timed apart (cold caches, first touch); the rest give the median. */
static int run(struct tmrun_result *r, unsigned repeat)
{
	uint64_t *t = calloc(repeat, sizeof(*t));

	if (!t) {
		fprintf(stderr, "tmrun: out of memory\n");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < repeat; i++) {
		uint64_t t0 = now_ns();
		int ret = tm_runtime_invoke(r->rt);

		t[i] = now_ns() - t0;
		if (ret) {
			fprintf(stderr, "tmrun: run %u failed: %s\n", i + 1, tm_runtime_error(r->rt));
			free(t);
			return ret;
		}
		/* A device job re-run on the CPU: the result is right, say what happened. */
		if (tm_runtime_error(r->rt)[0])
			fprintf(stderr, "tmrun: warning: run %u: %s\n", i + 1, tm_runtime_error(r->rt));
	}
	r->runs = repeat;
	r->first_ns = t[0];
	if (repeat > 1) {
		uint64_t *rest = t + 1;
		unsigned c = repeat - 1;

		qsort(rest, c, sizeof(*rest), cmp_u64);
		r->median_ns = c % 2 ? rest[c / 2] : (rest[c / 2 - 1] + rest[c / 2]) / 2;
	} else {
		r->median_ns = t[0];
	}
	free(t);
	return 0;
}

/*
 * tm_runtime_new() failed with @ret: the model asks for something no run can
 * give it (an op the runtime refuses, an arena no allocation can hold) or
 * the device is absent or failed.
 */
static int runtime_status(const char *path, int ret, const char *err)
{
	switch (ret) {
	case -EINVAL:
	case -ENOMEM:
	case -EOVERFLOW:
		fprintf(stderr, "tmrun: %s: model cannot run: %s\n", path, err);
		return EXIT_BAD_MODEL;
	default:
		fprintf(stderr, "tmrun: %s: %s\n", path, err);
		return EXIT_DEVICE;
	}
}

static int open_runtime(struct tmrun_result *r, const struct tmrun_opts *o)
{
	struct tm_runtime_options ro = { .device = o->device, .profile = (unsigned)o->profile };
	char err[TM_ERRLEN] = "";
	int ret = tm_runtime_new(r->model, &ro, &r->rt, err, sizeof(err));

	return ret ? runtime_status(o->model, ret, err) : EXIT_OK;
}

/* tm_model_open() names the path in its I/O errors, not in its format errors. */
static void model_error(const char *path, const char *err)
{
	size_t n = strlen(path);

	if (!strncmp(err, path, n) && err[n] == ':')
		fprintf(stderr, "tmrun: %s\n", err);
	else
		fprintf(stderr, "tmrun: %s: %s\n", path, err);
}

int main(int argc, char **argv)
{
	struct tmrun_opts o;
	struct tmrun_result r = { 0 };
	struct tm_model *model = NULL;
	char err[TM_ERRLEN] = "";
	int status;

	if (parse_args(argc, argv, &o)) {
		fprintf(stderr, "try 'tmrun --help'\n");
		return EXIT_USAGE;
	}
	if (tm_model_open(o.model, &model, err, sizeof(err))) {
		model_error(o.model, err);
		return EXIT_BAD_MODEL;
	}
	r.model_path = o.model;
	r.model = model;
	r.profile = o.profile;
	if (o.n_outputs > tm_model_num_outputs(model)) {
		fprintf(stderr, "tmrun: the model has %u outputs, %u -o files given\n",
			tm_model_num_outputs(model), o.n_outputs);
		status = EXIT_USAGE;
		goto out;
	}
	status = open_runtime(&r, &o);
	if (status)
		goto out;
	r.synthetic_input = !o.n_inputs;
	if (fill_inputs(r.rt, model, &o)) {
		status = EXIT_BAD_INPUT;
		goto out;
	}
	if (run(&r, o.repeat)) {
		status = EXIT_DEVICE;
		goto out;
	}
	if (save_outputs(r.rt, model, &o)) {
		status = EXIT_BAD_INPUT;
		goto out;
	}
	if (o.json)
		report_json(stdout, &r);
	else
		report_text(stdout, &r);
	status = fflush(stdout) ? EXIT_DEVICE : EXIT_OK;
out:
	tm_runtime_del(r.rt);
	tm_model_close(model);
	return status;
}
