// SPDX-License-Identifier: MIT
/*
 * fuzz_model.c - libFuzzer target for the model.bin loader.
 *
 * Each input is loaded twice: as it is (the header and CRC checks see it)
 * and with its CRCs recomputed, so mutations also reach the record and graph
 * checks behind them. A model that loads is walked through every
 * introspection call, touching all const data, so a check that lets a bad
 * index through shows up as an ASan report instead of passing silently.
 */
#include <stdlib.h>
#include <string.h>
#include "model_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink; /* keeps the walk's reads */

static void walk(const struct tm_model *m)
{
	struct tm_tensor_info ti;
	struct tm_op_info oi;

	for (unsigned i = 0; i < tm_model_num_tensors(m); i++) {
		const uint8_t *d = tm_model_tensor_data(m, i);

		if (tm_model_tensor_info(m, i, &ti))
			abort();
		sink += (unsigned)strlen(ti.name);
		for (uint64_t k = 0; d && k < ti.bytes; k++)
			sink += d[k];
	}
	for (unsigned j = 0; j < tm_model_num_ops(m); j++) {
		if (tm_model_op_info(m, j, &oi))
			abort();
		sink += (unsigned)strlen(oi.name);
		for (unsigned k = 0; k < oi.n_inputs; k++)
			sink += oi.inputs[k];
		sink += oi.outputs[oi.n_outputs - 1];
		if (oi.options)
			sink += *(const uint8_t *)oi.options;
	}
	for (unsigned k = 0; k < tm_model_num_inputs(m); k++)
		if (tm_model_input(m, k) < 0)
			abort();
	for (unsigned k = 0; k < tm_model_num_outputs(m); k++)
		if (tm_model_output(m, k) < 0)
			abort();
	(void)tm_model_metadata(m, "producer");
}

static void try_load(const uint8_t *buf, size_t size)
{
	char err[TM_ERRLEN];
	struct tm_model *m;
	int ret = tm_model_from_buffer(buf, size, &m, err, sizeof(err));

	/* Every refusal must say why. */
	if (ret && !err[0])
		abort();
	if (!ret) {
		walk(m);
		tm_model_close(m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size, 8-byte aligned copy: reads past the end hit the redzone. */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	try_load(buf, size);
	fixture_fix_crcs(buf, size);
	try_load(buf, size);
	free(buf);
	return 0;
}
