// SPDX-License-Identifier: MIT
/*
 * report.c - tmrun's output: each graph output (in full when small, as a
 * summary when large, as top-5 when it looks like class scores), latency,
 * arena size and the per-layer profile; as text or as one JSON object.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tmrun.h"
#include "tools/common/json.h"

#define SHOW_ALL_MAX 32  /* outputs up to this many elements are printed whole */
#define SUMMARY_HEAD 8
#define TOP_K 5

/* One output, read through its dtype. */
struct out_view {
	struct tm_tensor_info ti;
	const void *data;
	size_t n;
};

/* The stored value of element @i (int4: sign-extended nibble). */
static double raw_at(const struct out_view *v, size_t i)
{
	const uint8_t *b = v->data;
	float f;
	int32_t w;

	switch (v->ti.dtype) {
	case TM_DTYPE_FLOAT32:
		memcpy(&f, b + 4 * i, 4);
		return f;
	case TM_DTYPE_INT32:
		memcpy(&w, b + 4 * i, 4);
		return w;
	case TM_DTYPE_INT8:
		return (int8_t)b[i];
	case TM_DTYPE_UINT8:
		return b[i];
	case TM_DTYPE_INT4: /* move the nibble to the top, then shift it back signed */
		return (int8_t)((i % 2 ? b[i / 2] : b[i / 2] << 4) & 0xf0) >> 4;
	default:
		return 0;
	}
}

/* The real value: dequantized with the first (per-tensor) parameters. */
static double real_at(const struct out_view *v, size_t i)
{
	double q = raw_at(v, i);

	if (v->ti.qparam_count && v->ti.dtype != TM_DTYPE_FLOAT32)
		return v->ti.scale * (q - v->ti.zero_point);
	return q;
}

static int quantized(const struct out_view *v)
{
	return v->ti.qparam_count && v->ti.dtype != TM_DTYPE_FLOAT32;
}

/* Class scores: [C] or [1, C], float or int8, more than two classes. */
static int is_classifier(const struct out_view *v)
{
	const struct tm_tensor_info *ti = &v->ti;

	if (ti->rank < 1 || ti->rank > 2 || (ti->rank == 2 && ti->shape[0] != 1))
		return 0;
	return (ti->dtype == TM_DTYPE_FLOAT32 || ti->dtype == TM_DTYPE_INT8) &&
	       ti->shape[ti->rank - 1] > 2;
}

/* Indices of the k largest values, largest first, lower index on ties. */
static unsigned top_k(const struct out_view *v, size_t *idx, unsigned k)
{
	unsigned n = 0;

	for (size_t i = 0; i < v->n; i++) {
		unsigned pos = n < k ? n++ : k;

		if (pos == k && raw_at(v, i) <= raw_at(v, idx[k - 1]))
			continue;
		if (pos == k)
			pos = k - 1;
		while (pos > 0 && raw_at(v, i) > raw_at(v, idx[pos - 1])) {
			idx[pos] = idx[pos - 1];
			pos--;
		}
		idx[pos] = i;
	}
	return n;
}

static void view_output(const struct tmrun_result *r, unsigned k, struct out_view *v)
{
	tm_model_tensor_info(r->model, (unsigned)tm_model_output(r->model, k), &v->ti);
	v->data = tm_runtime_output(r->rt, k, NULL);
	v->n = tm_shape_elems(v->ti.shape, v->ti.rank);
}

static void shape_str(char *buf, size_t len, const int32_t *shape, unsigned rank)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < rank && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "x" : "", shape[i]);
	if (!rank)
		snprintf(buf, len, "scalar");
}

static void stats(const struct out_view *v, double *mn, double *mx, double *mean)
{
	double sum = 0;

	*mn = INFINITY;
	*mx = -INFINITY;
	for (size_t i = 0; i < v->n; i++) {
		double x = real_at(v, i);
		*mn = fmin(*mn, x);
		*mx = fmax(*mx, x);
		sum += x;
	}
	*mean = v->n ? sum / (double)v->n : 0;
}

/* ---- text ---------------------------------------------------------------- */

static void text_value(FILE *f, const struct out_view *v, size_t i)
{
	if (quantized(v))
		fprintf(f, "%.6g (q %d)", real_at(v, i), (int)raw_at(v, i));
	else
		fprintf(f, "%.6g", raw_at(v, i));
}

static void text_output(FILE *f, const struct tmrun_result *r, unsigned k)
{
	struct out_view v;
	char shape[96];
	size_t idx[TOP_K];
	double mn, mx, mean;

	view_output(r, k, &v);
	shape_str(shape, sizeof(shape), v.ti.shape, v.ti.rank);
	fprintf(f, "output %u '%s': %s %s", k, v.ti.name, tm_dtype_name(v.ti.dtype), shape);
	if (quantized(&v))
		fprintf(f, " (scale %g, zero point %d)", v.ti.scale, v.ti.zero_point);
	if (is_classifier(&v)) {
		unsigned n = top_k(&v, idx, TOP_K);
		fprintf(f, ", top-%u:\n", n);
		for (unsigned j = 0; j < n; j++) {
			fprintf(f, "  class %zu: ", idx[j]);
			text_value(f, &v, idx[j]);
			fputc('\n', f);
		}
		return;
	}
	if (v.n <= SHOW_ALL_MAX) {
		fprintf(f, ":\n ");
		for (size_t i = 0; i < v.n; i++) {
			fputc(' ', f);
			text_value(f, &v, i);
		}
		fputc('\n', f);
		return;
	}
	stats(&v, &mn, &mx, &mean);
	fprintf(f, ", %zu values: min %.6g max %.6g mean %.6g; first %d:\n ", v.n, mn, mx, mean,
		SUMMARY_HEAD);
	for (size_t i = 0; i < SUMMARY_HEAD; i++) {
		fputc(' ', f);
		text_value(f, &v, i);
	}
	fputc('\n', f);
}

/* "1x8,4x8,-" for an op's tensors (absent optional operands as '-'). */
static void operand_shapes(const struct tm_model *m, const uint32_t *ids, unsigned n,
			   char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++) {
		struct tm_tensor_info ti;
		char s[64] = "-";

		if (ids[i] != TM_FMT_NONE && !tm_model_tensor_info(m, ids[i], &ti))
			shape_str(s, sizeof(s), ti.shape, ti.rank);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", s);
	}
}

static const char *op_dtype(const struct tm_model *m, const struct tm_op_info *oi)
{
	struct tm_tensor_info ti;

	if (!oi->n_outputs || tm_model_tensor_info(m, oi->outputs[0], &ti))
		return "-";
	return tm_dtype_name(ti.dtype);
}

static void text_profile(FILE *f, const struct tmrun_result *r)
{
	unsigned n = tm_model_num_ops(r->model);
	uint64_t total_ns = 0, total_macs = 0;

	uint64_t total_cycles = 0;

	fprintf(f, "\n%4s  %-18s %-24s %-14s %-8s %-6s %-24s %10s %12s %10s %6s\n", "#", "op",
		"inputs", "outputs", "dtype", "place", "reason", "time(us)", "MACs", "cycles",
		"util");
	for (unsigned i = 0; i < n; i++) {
		struct tm_op_info oi;
		struct tm_layer_profile p;
		char ins[128], outs[96];

		if (tm_model_op_info(r->model, i, &oi) || tm_runtime_profile(r->rt, i, &p))
			continue;
		operand_shapes(r->model, oi.inputs, oi.n_inputs, ins, sizeof(ins));
		operand_shapes(r->model, oi.outputs, oi.n_outputs, outs, sizeof(outs));
		fprintf(f, "%4u  %-18s %-24s %-14s %-8s %-6s %-24s %10.2f %12llu", i,
			tm_opcode_name(oi.opcode), ins, outs, op_dtype(r->model, &oi), p.placement,
			p.reason, (double)p.ns / 1e3, (unsigned long long)p.macs);
		if (p.cycles)
			fprintf(f, " %10llu %5.1f%%\n", (unsigned long long)p.cycles,
				100.0 * p.mac_util);
		else
			fprintf(f, " %10s %6s\n", "-", "-");
		total_cycles += p.cycles;
		total_ns += p.ns;
		total_macs += p.macs;
	}
	fprintf(f, "%4s  %-18s %-24s %-14s %-8s %-6s %-24s %10.2f %12llu %10llu\n", "", "total", "",
		"", "", "", "", (double)total_ns / 1e3, (unsigned long long)total_macs,
		(unsigned long long)total_cycles);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* Tiny models run in microseconds: pick the unit that shows digits. */
static void fmt_time(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000)
		snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f us", (double)ns / 1e3);
}

void report_text(FILE *f, const struct tmrun_result *r)
{
	unsigned n_ops = tm_model_num_ops(r->model), n_in = tm_model_num_inputs(r->model);
	unsigned n_out = tm_model_num_outputs(r->model), n_med = r->runs > 1 ? r->runs - 1 : 1;
	char first[32], median[32];

	fprintf(f, "model %s: %u op%s, %u input%s, %u output%s; device %s\n", r->model_path,
		n_ops, plural(n_ops), n_in, plural(n_in), n_out, plural(n_out),
		tm_runtime_device(r->rt));
	for (unsigned k = 0; k < n_out; k++)
		text_output(f, r, k);
	fmt_time(first, sizeof(first), r->first_ns);
	fmt_time(median, sizeof(median), r->median_ns);
	fprintf(f, "latency: first run %s, median %s over %u run%s\n", first, median, n_med,
		plural(n_med));
	fprintf(f, "arena: %zu bytes\n", tm_runtime_arena_size(r->rt));
	if (r->profile)
		text_profile(f, r);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_shape(FILE *f, const int32_t *shape, unsigned rank)
{
	fputc('[', f);
	for (unsigned i = 0; i < rank; i++)
		fprintf(f, "%s%d", i ? ", " : "", shape[i]);
	fputc(']', f);
}

static void json_values(FILE *f, const struct out_view *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_num(f, raw_at(v, i));
	}
	fputc(']', f);
}

static void json_output(FILE *f, const struct tmrun_result *r, unsigned k)
{
	struct out_view v;
	size_t idx[TOP_K];
	double mn, mx, mean;

	view_output(r, k, &v);
	fputs("{\"name\": ", f);
	json_str(f, v.ti.name);
	fprintf(f, ", \"dtype\": \"%s\", \"shape\": ", tm_dtype_name(v.ti.dtype));
	json_shape(f, v.ti.shape, v.ti.rank);
	if (quantized(&v)) {
		fputs(", \"scale\": ", f);
		json_num(f, v.ti.scale);
		fprintf(f, ", \"zero_point\": %d", v.ti.zero_point);
	}
	if (is_classifier(&v)) {
		unsigned n = top_k(&v, idx, TOP_K);
		fputs(", \"top\": [", f);
		for (unsigned j = 0; j < n; j++) {
			fprintf(f, "%s{\"class\": %zu, \"value\": ", j ? ", " : "", idx[j]);
			json_num(f, raw_at(&v, idx[j]));
			fputs(", \"real\": ", f);
			json_num(f, real_at(&v, idx[j]));
			fputc('}', f);
		}
		fputc(']', f);
	}
	if (v.n <= SHOW_ALL_MAX) {
		fputs(", \"values\": ", f);
		json_values(f, &v, v.n);
	} else {
		stats(&v, &mn, &mx, &mean);
		fputs(", \"min\": ", f);
		json_num(f, mn);
		fputs(", \"max\": ", f);
		json_num(f, mx);
		fputs(", \"mean\": ", f);
		json_num(f, mean);
		fputs(", \"head\": ", f);
		json_values(f, &v, SUMMARY_HEAD);
	}
	fputc('}', f);
}

static void json_operands(FILE *f, const struct tm_model *m, const uint32_t *ids, unsigned n)
{
	fputc('[', f);
	for (unsigned i = 0; i < n; i++) {
		struct tm_tensor_info ti;

		fputs(i ? ", " : "", f);
		if (ids[i] == TM_FMT_NONE || tm_model_tensor_info(m, ids[i], &ti)) {
			fputs("null", f);
			continue;
		}
		json_shape(f, ti.shape, ti.rank);
	}
	fputc(']', f);
}

static void json_layer(FILE *f, const struct tmrun_result *r, unsigned i)
{
	struct tm_op_info oi;
	struct tm_layer_profile p;

	if (tm_model_op_info(r->model, i, &oi) || tm_runtime_profile(r->rt, i, &p)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"index\": %u, \"op\": \"%s\", \"name\": ", i, tm_opcode_name(oi.opcode));
	json_str(f, oi.name);
	fputs(", \"inputs\": ", f);
	json_operands(f, r->model, oi.inputs, oi.n_inputs);
	fputs(", \"outputs\": ", f);
	json_operands(f, r->model, oi.outputs, oi.n_outputs);
	fprintf(f, ", \"dtype\": \"%s\", \"placement\": ", op_dtype(r->model, &oi));
	json_str(f, p.placement);
	fputs(", \"reason\": ", f);
	json_str(f, p.reason);
	fprintf(f, ", \"ns\": %llu, \"cycles\": %llu, \"macs\": %llu, \"mac_util\": %.4f}",
		(unsigned long long)p.ns, (unsigned long long)p.cycles, (unsigned long long)p.macs,
		p.mac_util);
}

void report_json(FILE *f, const struct tmrun_result *r)
{
	unsigned n_out = tm_model_num_outputs(r->model);

	fputs("{\"model\": ", f);
	json_str(f, r->model_path);
	fprintf(f, ", \"device\": \"%s\", \"synthetic_input\": %s, \"arena_bytes\": %zu",
		tm_runtime_device(r->rt), r->synthetic_input ? "true" : "false",
		tm_runtime_arena_size(r->rt));
	fprintf(f, ", \"latency_ns\": {\"first\": %llu, \"median\": %llu, \"runs\": %u}",
		(unsigned long long)r->first_ns, (unsigned long long)r->median_ns, r->runs);
	fputs(", \"outputs\": [", f);
	for (unsigned k = 0; k < n_out; k++) {
		fputs(k ? ", " : "", f);
		json_output(f, r, k);
	}
	fputc(']', f);
	if (r->profile) {
		fputs(", \"layers\": [", f);
		for (unsigned i = 0; i < tm_model_num_ops(r->model); i++) {
			fputs(i ? ", " : "", f);
			json_layer(f, r, i);
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}
