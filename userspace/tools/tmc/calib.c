// SPDX-License-Identifier: MIT
/*
 * calib.c - calibration: run the float graph through libtm's own runtime on
 * the calibration inputs and record the range of every activation.
 *
 * The graph is emitted once more as a probe model whose outputs are all its
 * float activations, so the runtime that will execute the compiled model is
 * also what measures it; no second float interpreter lives in the compiler.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tmc.h"
#include "tools/tmrun/npy.h"

void tmc_calib_free(struct tmc_calib *c)
{
	for (int i = 0; i < c->n_inputs; i++)
		free(c->inputs[i]);
	memset(c, 0, sizeof(*c));
}

/* Seeded normal(0, 1) samples (Box-Muller over a 64-bit LCG). */
static void synthetic(float *p, int64_t n, uint64_t *seed)
{
	for (int64_t i = 0; i < n; i++) {
		double u[2];
		for (int k = 0; k < 2; k++) {
			*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
			u[k] = ((double)(*seed >> 11) + 0.5) / 9007199254740992.0;
		}
		p[i] = (float)(sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]));
	}
}

static int load_inputs(struct ir_graph *g, const struct tmc_opts *o, struct tmc_calib *c)
{
	uint64_t seed = 0x7463;

	c->n_inputs = g->n_in;
	c->synthetic = o->n_calib == 0;
	c->samples = c->synthetic ? 16 : -1;
	if (o->n_calib && o->n_calib != g->n_in)
		return ir_fail(g, "--calib: %d files for %d graph inputs (give one per input, in order)",
			       o->n_calib, g->n_in);
	for (int i = 0; i < g->n_in; i++) {
		const struct ir_tensor *t = &g->t[g->in[i]];
		int64_t n = ir_numel(t);
		if (t->dtype != IR_FLOAT)
			return ir_fail(g, "input '%s': only float inputs can be calibrated", t->name);
		if (c->synthetic) {
			if (!(c->inputs[i] = malloc(sizeof(float) * (size_t)(n * c->samples))))
				return ir_fail(g, "out of memory");
			synthetic(c->inputs[i], n * c->samples, &seed);
			continue;
		}
		struct npy_array a;
		void *store = NULL;
		char err[256];
		if (npy_load(o->calib[i], &a, &store, err, sizeof(err))) {
			free(store);
			return ir_fail(g, "--calib %s: %s", o->calib[i], err);
		}
		int64_t total = (int64_t)(a.bytes / 4);
		if (a.dtype != TM_DTYPE_FLOAT32 || total % n || !total) {
			free(store);
			return ir_fail(g, "--calib %s: need float32 data, a whole number of samples of "
				       "%lld values for input '%s'", o->calib[i], (long long)n, t->name);
		}
		if (c->samples >= 0 && c->samples != total / n) {
			free(store);
			return ir_fail(g, "--calib files hold different numbers of samples");
		}
		c->samples = (int)(total / n);
		c->inputs[i] = malloc(a.bytes);
		if (c->inputs[i])
			memcpy(c->inputs[i], a.data, a.bytes);
		free(store);
		if (!c->inputs[i])
			return ir_fail(g, "out of memory");
	}
	return 0;
}

struct probe {
	void *buf;
	struct tm_model *m;
	struct tm_runtime *rt;
};

static void probe_close(struct probe *p)
{
	tm_runtime_del(p->rt);
	tm_model_close(p->m);
	free(p->buf);
}

/* Emit @g as it stands and prepare it on the CPU. */
static int probe_open(struct ir_graph *g, struct probe *p)
{
	struct tm_builder *b = tm_builder_new();
	struct tm_runtime_options ro = { .device = "cpu" };
	char err[TM_ERRLEN];
	size_t size;

	memset(p, 0, sizeof(*p));
	if (!b)
		return ir_fail(g, "out of memory");
	if (tmc_emit(g, b) || tm_builder_finish(b, &p->buf, &size)) {
		ir_fail(g, "calibration model: %s", tm_builder_error(b));
		tm_builder_del(b);
		return -1;
	}
	tm_builder_del(b);
	if (tm_model_from_buffer(p->buf, size, &p->m, err, sizeof(err)) ||
	    tm_runtime_new(p->m, &ro, &p->rt, err, sizeof(err))) {
		ir_fail(g, "calibration model: %s", err);
		probe_close(p);
		return -1;
	}
	return 0;
}

static int probe_run(struct ir_graph *g, struct probe *p, const struct tmc_calib *c, int s)
{
	for (int i = 0; i < g->n_in; i++) {
		size_t bytes;
		void *dst = tm_runtime_input(p->rt, (unsigned)i, &bytes);
		if (!dst)
			return ir_fail(g, "calibration: input %d missing", i);
		memcpy(dst, (const char *)c->inputs[i] + bytes * (size_t)s, bytes);
	}
	if (tm_runtime_invoke(p->rt))
		return ir_fail(g, "calibration run: %s", tm_runtime_error(p->rt));
	return 0;
}

int tmc_run_graph(struct ir_graph *g, const struct tmc_calib *c, int s, float **out)
{
	struct probe p;
	int ret = probe_open(g, &p);

	if (ret)
		return ret;
	ret = probe_run(g, &p, c, s);
	for (int k = 0; !ret && k < g->n_out; k++) {
		size_t bytes;
		const void *src = tm_runtime_output(p.rt, (unsigned)k, &bytes);
		memcpy(out[k], src, bytes);
	}
	probe_close(&p);
	return ret;
}

int tmc_calibrate(struct ir_graph *g, const struct tmc_opts *o, struct tmc_calib *c)
{
	int n_out = g->n_out, ret = -1;
	struct probe p;

	memset(c, 0, sizeof(*c));
	if (load_inputs(g, o, c))
		return -1;
	/* Every float activation becomes an extra output of the probe. */
	for (int i = 0; i < g->n_t; i++) {
		const struct ir_tensor *t = &g->t[i];
		if (t->data || t->dtype != IR_FLOAT || ir_is_output(g, i) || !ir_consumers(g, i))
			continue;
		if (g->n_out == (int)(sizeof(g->out) / sizeof(g->out[0])))
			return ir_fail(g, "calibration: too many tensors");
		g->out[g->n_out++] = i;
	}
	if (probe_open(g, &p))
		goto out;
	for (int s = 0; s < c->samples; s++) {
		if (o->verbose)
			fprintf(stderr, "\rtmc: calibrating %d/%d", s + 1, c->samples);
		if (probe_run(g, &p, c, s))
			goto out_close;
		for (int k = 0; k < g->n_out; k++) {
			size_t bytes;
			const float *v = tm_runtime_output(p.rt, (unsigned)k, &bytes);
			struct ir_tensor *t = &g->t[g->out[k]];
			for (size_t e = 0; e < bytes / 4; e++) {
				if (!t->has_range) {
					t->lo = t->hi = v[e];
					t->has_range = 1;
				}
				t->lo = fminf(t->lo, v[e]);
				t->hi = fmaxf(t->hi, v[e]);
			}
		}
	}
	if (o->verbose)
		fprintf(stderr, "\n");
	/* Graph inputs are activations too. */
	for (int i = 0; i < g->n_in; i++) {
		struct ir_tensor *t = &g->t[g->in[i]];
		int64_t n = ir_numel(t) * c->samples;
		t->lo = t->hi = c->inputs[i][0];
		t->has_range = 1;
		for (int64_t e = 0; e < n; e++) {
			t->lo = fminf(t->lo, c->inputs[i][e]);
			t->hi = fmaxf(t->hi, c->inputs[i][e]);
		}
	}
	ret = 0;
out_close:
	probe_close(&p);
out:
	g->n_out = n_out;
	return ret;
}
