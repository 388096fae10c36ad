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
#include "compress.h"
#include "tools/common/npy.h"

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

void tmc_probe_close(struct tmc_probe *p)
{
	tm_runtime_del(p->rt);
	tm_model_close(p->m);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* Emit @g as it stands and prepare it on the CPU. */
int tmc_probe_open(struct ir_graph *g, struct tmc_probe *p)
{
	struct tm_builder *b = tm_builder_new();
	struct tm_runtime_options ro = { .device = "cpu" };
	char err[TM_ERRLEN];

	memset(p, 0, sizeof(*p));
	if (!b)
		return ir_fail(g, "out of memory");
	if (tmc_emit(g, b) || tm_builder_finish(b, &p->buf, &p->size)) {
		ir_fail(g, "calibration model: %s", tm_builder_error(b));
		tm_builder_del(b);
		return -1;
	}
	tm_builder_del(b);
	if (tm_model_from_buffer(p->buf, p->size, &p->m, err, sizeof(err)) ||
	    tm_runtime_new(p->m, &ro, &p->rt, err, sizeof(err))) {
		ir_fail(g, "calibration model: %s", err);
		tmc_probe_close(p);
		return -1;
	}
	return 0;
}

int tmc_probe_run(struct ir_graph *g, struct tmc_probe *p, const struct tmc_calib *c, int s)
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
	struct tmc_probe p;
	int ret = tmc_probe_open(g, &p);

	if (ret)
		return ret;
	ret = tmc_probe_run(g, &p, c, s);
	for (int k = 0; !ret && k < g->n_out; k++) {
		size_t bytes;
		const void *src = tm_runtime_output(p.rt, (unsigned)k, &bytes);
		memcpy(out[k], src, bytes);
	}
	tmc_probe_close(&p);
	return ret;
}

#define HIST_BINS 2048

/*
 * What calibration records of one tensor: its [lo, hi] on the first pass;
 * with percentile/MSE, a histogram over [min(lo, 0), max(hi, 0)] on a second.
 */
static void observe(struct ir_tensor *t, uint32_t *hist, const float *v, size_t n)
{
	if (!hist) {
		for (size_t e = 0; e < n; e++) {
			if (!t->has_range) {
				t->lo = t->hi = v[e];
				t->has_range = 1;
			}
			t->lo = fminf(t->lo, v[e]);
			t->hi = fmaxf(t->hi, v[e]);
		}
		return;
	}
	float lo = fminf(t->lo, 0), w = (fmaxf(t->hi, 0) - lo) / HIST_BINS;
	for (size_t e = 0; e < n; e++) {
		double b = w > 0 ? floor((v[e] - lo) / w) : 0;
		hist[(int)fmax(0, fmin(HIST_BINS - 1, b))]++;
	}
}

/* The smallest bin whose cumulative count reaches @cut. */
static int hist_cut(const uint32_t *h, double cut)
{
	double cum = 0;
	for (int b = 0; b < HIST_BINS; b++) {
		cum += h[b];
		if (cum >= cut)
			return b;
	}
	return HIST_BINS - 1;
}

/* Squared error of int8-quantizing the histogram with range [lo, hi]. */
static double hist_mse(const uint32_t *h, float base, float w, float lo, float hi)
{
	float scale;
	int32_t zp;
	double err = 0;

	tmc_range_params(lo, hi, &scale, &zp);
	for (int b = 0; b < HIST_BINS; b++) {
		if (!h[b])
			continue;
		double x = base + (b + 0.5) * w;
		double q = fmax(-128, fmin(127, round(x / scale) + zp));
		err += h[b] * (x - scale * (q - zp)) * (x - scale * (q - zp));
	}
	return err;
}

/* Narrow @t's range from its histogram by the percentile or MSE rule. */
static void range_from_hist(struct ir_tensor *t, const uint32_t *h, const struct tmc_opts *o)
{
	float base = fminf(t->lo, 0), w = (fmaxf(t->hi, 0) - base) / HIST_BINS;
	double total = 0;

	for (int b = 0; b < HIST_BINS; b++)
		total += h[b];
	if (w <= 0 || total <= 0)
		return;
	if (o->calib_method == TMC_CAL_PERCENTILE) {
		/* Clip (100 - P)% of the values at each end. */
		double tail = total * (100.0 - o->calib_pct) / 100.0;
		float lo = base + (float)hist_cut(h, fmax(tail, 1)) * w;
		float hi = base + (float)(hist_cut(h, total - tail) + 1) * w;
		t->lo = fmaxf(t->lo, lo);
		t->hi = fminf(t->hi, hi);
		return;
	}
	/* MSE: both ends shrunk by one factor, the one with the least error (ties: wider). */
	double best = INFINITY;
	float f_best = 1;
	for (int k = 100; k >= 1; k--) {
		float f = (float)k / 100;
		double e = hist_mse(h, base, w, t->lo * f, t->hi * f);
		if (e < best) {
			best = e;
			f_best = f;
		}
	}
	t->lo *= f_best;
	t->hi *= f_best;
}

/* One pass over the calibration data: ranges (@hist NULL) or histograms. */
static int calib_pass(struct ir_graph *g, const struct tmc_opts *o, struct tmc_calib *c,
		      struct tmc_probe *p, uint32_t *hist, const int *outs, int n_probe)
{
	for (int s = 0; s < c->samples; s++) {
		tmc_progress(o, hist ? "calibrating (histograms)" : "calibrating", s + 1, c->samples);
		if (tmc_probe_run(g, p, c, s))
			return -1;
		for (int k = 0; k < n_probe; k++) {
			size_t bytes;
			const float *v = tm_runtime_output(p->rt, (unsigned)k, &bytes);
			observe(&g->t[outs[k]], hist ? hist + (size_t)k * HIST_BINS : NULL, v,
				bytes / 4);
		}
		/* Graph inputs are activations too. */
		for (int i = 0; i < g->n_in; i++) {
			size_t n = (size_t)ir_numel(&g->t[g->in[i]]);
			uint32_t *h = hist ? hist + (size_t)(n_probe + i) * HIST_BINS : NULL;
			observe(&g->t[g->in[i]], h, c->inputs[i] + n * (size_t)s, n);
		}
	}
	return 0;
}

int tmc_probe_open_all(struct ir_graph *g, struct tmc_probe *p, int **outs)
{
	int n_out = g->n_out, ret = -1;

	memset(p, 0, sizeof(*p));
	*outs = NULL;
	for (int i = 0; i < g->n_t; i++) {
		const struct ir_tensor *t = &g->t[i];
		/* Graph inputs are observed from the calibration data itself. */
		if (t->data || t->dtype != IR_FLOAT || t->producer < 0 || ir_is_output(g, i) ||
		    !ir_consumers(g, i))
			continue;
		if (g->n_out == (int)(sizeof(g->out) / sizeof(g->out[0]))) {
			ir_fail(g, "calibration: more than %d activations", g->n_out);
			goto out;
		}
		g->out[g->n_out++] = i;
	}
	*outs = malloc(sizeof(int) * (size_t)g->n_out);
	if (!*outs) {
		ir_fail(g, "out of memory");
		goto out;
	}
	memcpy(*outs, g->out, sizeof(int) * (size_t)g->n_out);
	if (tmc_probe_open(g, p) == 0)
		ret = g->n_out;
out:
	if (ret < 0) {
		free(*outs);
		*outs = NULL;
	}
	g->n_out = n_out;
	return ret;
}

int tmc_calibrate(struct ir_graph *g, const struct tmc_opts *o, struct tmc_calib *c)
{
	int ret = -1, *outs, n;
	struct tmc_probe p;
	uint32_t *hist = NULL;

	memset(c, 0, sizeof(*c));
	if (load_inputs(g, o, c))
		return -1;
	n = tmc_probe_open_all(g, &p, &outs);
	if (n < 0)
		return -1;
	if (calib_pass(g, o, c, &p, NULL, outs, n))
		goto out;
	if (o->calib_method != TMC_CAL_MINMAX) {
		hist = calloc((size_t)(n + g->n_in) * HIST_BINS, sizeof(*hist));
		if (!hist) {
			ir_fail(g, "out of memory");
			goto out;
		}
		if (calib_pass(g, o, c, &p, hist, outs, n))
			goto out;
		for (int k = 0; k < n + g->n_in; k++)
			range_from_hist(&g->t[k < n ? outs[k] : g->in[k - n]],
					hist + (size_t)k * HIST_BINS, o);
	}
	ret = 0;
out:
	tmc_probe_close(&p);
	free(hist);
	free(outs);
	return ret;
}

void tmc_calib_describe(const struct tmc_opts *o, const struct tmc_calib *c, char *buf,
			size_t len)
{
	char m[64];

	if (o->calib_method == TMC_CAL_PERCENTILE)
		snprintf(m, sizeof(m), "percentile %g (%g%% clipped at each end)", o->calib_pct,
			 100.0 - o->calib_pct);
	else
		snprintf(m, sizeof(m), "%s", o->calib_method == TMC_CAL_MSE ?
			 "mse (range shrunk to the least int8 error)" : "minmax");
	if (c->synthetic)
		snprintf(buf, len, "%s over %d SYNTHETIC normal(0,1) samples (no --calib data: the "
			 "ranges are a guess and may not fit real inputs)", m, c->samples);
	else
		snprintf(buf, len, "%s over %d samples of --calib data", m, c->samples);
}
