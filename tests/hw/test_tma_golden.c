// SPDX-License-Identifier: MIT
/*
 * test_tma_golden.c - the TMA model against numpy golden data
 * (tests/hw/gen_tma_golden.py): FC and CONV2D, int8/int4, dense/2:4,
 * depthwise, compared byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tm_test.h"
#include "tma_cmd.h"
#include "tma_model.h"
#include "tma_harness.h"

struct golden_case {
	const char *name;
	int32_t f[20];  /* op flags in_h in_w in_c out_h out_w out_c kh kw sh sw dh dw pt pl
			   in_zp out_zp act_min act_max */
	const int8_t *in;
	uint32_t in_n;
	const uint8_t *wgt;
	uint32_t wgt_n;
	const int32_t *chan;   /* bias, mult, shift per output channel */
	const int8_t *out;
	uint32_t out_n;
};

#include "tma_golden.h"

static int run_case(const struct golden_case *g)
{
	struct spec s = { .off = { OFF_IN, OFF_WGT, OFF_CHAN, OFF_OUT } };
	struct tmsim_params p;
	struct tma_job_desc d;
	struct tma_job_result r;
	const int32_t *f = g->f;

	s.op = (uint32_t)f[0]; s.flags = (uint32_t)f[1];
	s.in_h = (uint32_t)f[2]; s.in_w = (uint32_t)f[3]; s.in_c = (uint32_t)f[4];
	s.out_h = (uint32_t)f[5]; s.out_w = (uint32_t)f[6]; s.out_c = (uint32_t)f[7];
	s.kh = (uint32_t)f[8]; s.kw = (uint32_t)f[9]; s.sh = (uint32_t)f[10];
	s.sw = (uint32_t)f[11]; s.dh = (uint32_t)f[12]; s.dw = (uint32_t)f[13];
	s.pad_t = (uint32_t)f[14]; s.pad_l = (uint32_t)f[15];
	s.in_zp = f[16]; s.out_zp = f[17]; s.act_min = f[18]; s.act_max = f[19];
	s.in_pix = s.in_c;
	s.in_row = s.in_w * s.in_c;
	s.out_pix = s.out_c;
	s.out_row = s.out_w * s.out_c;
	memset(mem, 0x5a, sizeof(mem));
	memcpy(mem + OFF_IN, g->in, g->in_n);
	memcpy(mem + OFF_WGT, g->wgt, g->wgt_n);
	for (uint32_t oc = 0; oc < s.out_c; oc++)
		put_chan(oc, g->chan[3 * oc], g->chan[3 * oc + 1], g->chan[3 * oc + 2]);
	put_cmd(0, &s);
	put_op(1, TMA_OP_END, 0);
	make_desc(&d, 1, 2);
	tma_params_default(&p);
	if (tma_job_run(&p, &test_bus, (const uint8_t *)&d, &r) != TMA_OK) {
		fprintf(stderr, "%s: status %u info 0x%x\n", g->name, r.status, r.err_info);
		return 0;
	}
	for (uint32_t i = 0; i < g->out_n; i++)
		if ((int8_t)mem[OFF_OUT + i] != g->out[i]) {
			fprintf(stderr, "%s: out[%u] = %d, golden %d\n", g->name, i,
				(int8_t)mem[OFF_OUT + i], g->out[i]);
			return 0;
		}
	return mem[OFF_OUT + g->out_n] == 0x5a;
}

#define FAMILY(fn, prefix) \
static void fn(void) \
{ \
	int n = 0; \
	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) \
		if (!strncmp(golden[i].name, prefix, strlen(prefix))) { \
			CHECK(run_case(&golden[i])); \
			n++; \
		} \
	CHECK(n > 0); \
}

FAMILY(test_tma_golden_fc, "fc_")
FAMILY(test_tma_golden_conv1x1, "conv1x1_")
FAMILY(test_tma_golden_conv3x3_stride_pad, "conv3x3_s2p1_")
FAMILY(test_tma_golden_conv3x3_dilation, "conv3x3_d2_")
FAMILY(test_tma_golden_conv5x5, "conv5x5_")
FAMILY(test_tma_golden_depthwise, "dw3x3_")

int main(void)
{
	TM_RUN(test_tma_golden_fc);
	TM_RUN(test_tma_golden_conv1x1);
	TM_RUN(test_tma_golden_conv3x3_stride_pad);
	TM_RUN(test_tma_golden_conv3x3_dilation);
	TM_RUN(test_tma_golden_conv5x5);
	TM_RUN(test_tma_golden_depthwise);
	TM_TEST_EXIT();
}
