// SPDX-License-Identifier: MIT
/*
 * inspect.c - `tmc inspect model.bin`: ops with shapes and placement hints,
 * constant sizes (dtype, "(2:4)" for compressed weights), the file size, the
 * arena the CPU runtime plans for the model, and where each op would run on
 * the simulated TMA and why (the runtime's partitioner, cost model included:
 * nothing is run).
 */
#include <stdio.h>
#include <string.h>
#include "tm.h"

int tmc_inspect(const char *path);

static void shape_str(const struct tm_tensor_info *t, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < t->rank && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? "x" : "", t->shape[i]);
	if (!t->rank)
		snprintf(buf, len, "scalar");
}

static const char *placement_name(unsigned p)
{
	return p == TM_PLACE_CPU ? "cpu" : p == TM_PLACE_DEVICE ? "device" : "auto";
}

static void print_ops(const struct tm_model *m, uint64_t *wbytes)
{
	printf("%4s  %-18s %-7s %-22s %-16s %s\n", "op", "opcode", "place", "input", "output",
	       "weights");
	for (unsigned i = 0; i < tm_model_num_ops(m); i++) {
		struct tm_op_info op;
		struct tm_tensor_info ti = { 0 }, to = { 0 }, tw = { 0 };
		char si[64] = "-", so[64] = "-", sw[64] = "";
		if (tm_model_op_info(m, i, &op))
			continue;
		if (op.n_inputs && op.inputs[0] != TM_FMT_NONE &&
		    !tm_model_tensor_info(m, op.inputs[0], &ti))
			shape_str(&ti, si, sizeof(si));
		if (op.n_outputs && !tm_model_tensor_info(m, op.outputs[0], &to))
			shape_str(&to, so, sizeof(so));
		for (unsigned k = 0; k < op.n_inputs; k++) {
			if (op.inputs[k] == TM_FMT_NONE || tm_model_tensor_info(m, op.inputs[k], &tw) ||
			    !tw.is_const)
				continue;
			size_t l = strlen(sw);
			snprintf(sw + l, sizeof(sw) - l, "%s%s%s[%llu B]", l ? " " : "",
				 tm_dtype_name(tw.dtype),
				 tw.layout == TM_LAYOUT_SPARSE_2_4 ? "(2:4)" : "",
				 (unsigned long long)tw.bytes);
			*wbytes += tw.bytes;
		}
		printf("%4u  %-18s %-7s %-22s %-16s %s  %s\n", i, tm_opcode_name(op.opcode),
		       placement_name(op.placement), si, so, sw, op.name ? op.name : "");
	}
}

/*
 * The partitioner's placements for device "sim": a runtime is prepared (the
 * weights lowered) but never invoked. TM_OFFLOAD=all shows the forced case.
 */
static void print_placements(const struct tm_model *m)
{
	struct tm_runtime_options ro = { .device = "sim" };
	char err[TM_ERRLEN] = "";
	struct tm_runtime *rt;
	unsigned n_dev = 0;

	if (tm_runtime_new(m, &ro, &rt, err, sizeof(err))) {
		printf("placement: not known (%s)\n", err);
		return;
	}
	printf("placement on device sim:\n%4s  %-18s %-7s %s\n", "op", "opcode", "place",
	       "reason");
	for (unsigned i = 0; i < tm_model_num_ops(m); i++) {
		struct tm_layer_profile p;
		struct tm_op_info op;

		if (tm_runtime_profile(rt, i, &p) || tm_model_op_info(m, i, &op))
			continue;
		n_dev += !strcmp(p.placement, "device");
		printf("%4u  %-18s %-7s %s\n", i, tm_opcode_name(op.opcode), p.placement, p.reason);
	}
	printf("device ops: %u of %u\n", n_dev, tm_model_num_ops(m));
	tm_runtime_del(rt);
}

int tmc_inspect(const char *path)
{
	char err[TM_ERRLEN] = "";
	struct tm_model *m;
	struct tm_runtime *rt;
	struct tm_runtime_options ro = { .device = "cpu" };
	uint64_t wbytes = 0;

	if (tm_model_open(path, &m, err, sizeof(err))) {
		fprintf(stderr, "tmc: %s: %s\n", path, err);
		return 1;
	}
	printf("%s: %u tensors, %u ops, %u inputs, %u outputs\n", path, tm_model_num_tensors(m),
	       tm_model_num_ops(m), tm_model_num_inputs(m), tm_model_num_outputs(m));
	for (unsigned i = 0; i < tm_model_num_inputs(m) + tm_model_num_outputs(m); i++) {
		int in = i < tm_model_num_inputs(m);
		int t = in ? tm_model_input(m, i) : tm_model_output(m, i - tm_model_num_inputs(m));
		struct tm_tensor_info ti;
		char s[64];
		if (t < 0 || tm_model_tensor_info(m, (unsigned)t, &ti))
			continue;
		shape_str(&ti, s, sizeof(s));
		printf("  %s %s: %s %s\n", in ? "input " : "output", ti.name, tm_dtype_name(ti.dtype), s);
	}
	print_ops(m, &wbytes);
	printf("constant data in op operands: %llu bytes\n", (unsigned long long)wbytes);
	FILE *f = fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END))
		printf("file: %ld bytes\n", ftell(f));
	if (f)
		fclose(f);
	if (tm_runtime_new(m, &ro, &rt, err, sizeof(err))) {
		printf("arena: not planned (%s)\n", err);
	} else {
		printf("arena: %zu bytes\n", tm_runtime_arena_size(rt));
		tm_runtime_del(rt);
	}
	print_placements(m);
	tm_model_close(m);
	return 0;
}
