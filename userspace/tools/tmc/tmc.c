// SPDX-License-Identifier: MIT
/*
 * tmc - the tmaccel model compiler.
 *
 *   tmc compile IN.onnx -o model.bin [--shape NAME=1x16x96 ...]
 *       [--weights float|int8] [--calib FILE.npy ...] [--keep-float OP_OR_NODE ...] [-v]
 *   tmc inspect model.bin
 *
 * Exit codes: 0 ok, 1 the model could not be compiled (message names the
 * node and op type), 2 usage error, 3 I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tflite_import.h"
#include "tmc.h"

enum { EXIT_COMPILE = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tmc compile IN.onnx|IN.tflite -o OUT.bin [--shape NAME=DxDx... ...]\n"
		"           [--weights float|int8] [--calib FILE.npy ...] [--keep-float OP_OR_NODE ...] [-v]\n"
		"       tmc inspect MODEL.bin\n");
}

static int count_ops(const struct ir_graph *g)
{
	int c = 0;
	for (int i = 0; i < g->n_n; i++)
		c += !g->n[i].dead;
	return c;
}

static int compile(const char *in, const char *out, const struct tmc_opts *o)
{
	char err[512] = "";
	struct ir_graph *g = NULL;
	struct tm_builder *b = NULL;
	int ret = EXIT_COMPILE;

	int r = tmc_import_any(in, o, &g, err, sizeof(err)); /* ONNX or TFLite */
	if (r) {
		fprintf(stderr, "tmc: %s: %s\n", in, err);
		return r == -EINVAL ? EXIT_COMPILE : EXIT_IO;
	}
	if (o->verbose)
		fprintf(stderr, "tmc: imported %d nodes (opset %d)\n", count_ops(g), g->opset);
	if (tmc_infer(g) || tmc_lower(g))
		goto fail;
	if (o->verbose)
		fprintf(stderr, "tmc: lowered to %d ops\n", count_ops(g));
	if (tmc_optimize(g))
		goto fail;
	if (o->verbose)
		fprintf(stderr, "tmc: optimized to %d ops\n", count_ops(g));
	if (o->weights == TMC_W_INT8) {
		struct tmc_calib c;
		r = tmc_calibrate(g, o, &c);
		if (!r && c.synthetic)
			fprintf(stderr, "tmc: warning: no --calib data: activation ranges come from %d "
				"synthetic normal(0,1) inputs and may not fit real data\n", c.samples);
		else if (!r && o->verbose)
			fprintf(stderr, "tmc: calibrated on %d samples\n", c.samples);
		tmc_calib_free(&c);
		if (r || tmc_quantize(g, o))
			goto fail;
	}
	b = tm_builder_new();
	if (!b) {
		fprintf(stderr, "tmc: out of memory\n");
		goto out;
	}
	tm_builder_set_metadata(b, "producer", "tmc");
	tm_builder_set_metadata(b, "source", in);
	if (tmc_emit(g, b))
		goto fail;
	if (tm_builder_write(b, out)) {
		fprintf(stderr, "tmc: %s: %s\n", out, tm_builder_error(b));
		ret = EXIT_IO;
		goto out;
	}
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "tmc: %s: %s\n", in, g->err);
out:
	tm_builder_del(b);
	ir_graph_free(g);
	return ret;
}

static int cmd_compile(int argc, char **argv)
{
	struct tmc_opts o = { 0 };
	const char *in = NULL, *out = NULL;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(a, "--shape") && i + 1 < argc) {
			if (o.n_binds == TMC_MAX_BINDS || tmc_parse_bind(argv[++i], &o.binds[o.n_binds])) {
				fprintf(stderr, "tmc: bad --shape '%s' (want NAME=1x16x96)\n", argv[i]);
				return EXIT_USAGE;
			}
			o.n_binds++;
		} else if (!strcmp(a, "--weights") && i + 1 < argc) {
			const char *w = argv[++i];
			if (strcmp(w, "float") && strcmp(w, "int8")) {
				fprintf(stderr, "tmc: --weights %s: want float or int8\n", w);
				return EXIT_USAGE;
			}
			o.weights = !strcmp(w, "int8") ? TMC_W_INT8 : TMC_W_FLOAT;
		} else if (!strcmp(a, "--calib") && i + 1 < argc) {
			if (o.n_calib == TMC_MAX_CALIB) {
				fprintf(stderr, "tmc: too many --calib files\n");
				return EXIT_USAGE;
			}
			o.calib[o.n_calib++] = argv[++i];
		} else if (!strcmp(a, "--keep-float") && i + 1 < argc) {
			if (o.n_keep == TMC_MAX_KEEP) {
				fprintf(stderr, "tmc: too many --keep-float\n");
				return EXIT_USAGE;
			}
			o.keep_float[o.n_keep++] = argv[++i];
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = 1;
		} else if (a[0] == '-' || in) {
			fprintf(stderr, "tmc: unexpected argument '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		} else {
			in = a;
		}
	}
	if (!in || !out) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return compile(in, out, &o);
}

int tmc_inspect(const char *path);

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "compile"))
		return cmd_compile(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "inspect"))
		return tmc_inspect(argv[2]);
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return EXIT_USAGE;
}
