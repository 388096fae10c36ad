// SPDX-License-Identifier: MIT
/*
 * test_tmsim.c - libtmsim through its public API (linked against
 * libtmsim.so): device-tree parsing and refusal, CSRs, the job ring driven
 * as a driver would, IRQs, errors that leave the device usable, soft reset
 * mid-job, a file standing for guest RAM, and fault injection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm_test.h"
#include "tma_cmd.h"
#include "tma_regs.h"
#include "tmsim.h"
#include "tma_harness.h"

#define RING_BASE 0x800000ull
#define RING_N    4

static struct tma_job_desc ring[RING_N];
static char err[256];

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	static char buf[4096];

	*size = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	return buf;
}

static struct tmsim *new_sim(void)
{
	size_t n;
	void *dtb = slurp(TMA_TEST_DTB_DIR "/tma-sim.dtb", &n);
	struct tmsim *s = NULL;

	CHECK_EQ(tmsim_create_dtb("model", dtb, n, &s, err, sizeof(err)), 0);
	if (!s)
		return NULL;
	CHECK_EQ(tmsim_mem_add(s, MEM_BASE, mem, sizeof(mem)), 0);
	CHECK_EQ(tmsim_mem_add(s, RING_BASE, ring, sizeof(ring)), 0);
	memset(ring, 0, sizeof(ring));
	tmsim_csr_write(s, TMA_REG_RING_BASE_LO, (uint32_t)RING_BASE);
	tmsim_csr_write(s, TMA_REG_RING_BASE_HI, (uint32_t)(RING_BASE >> 32));
	tmsim_csr_write(s, TMA_REG_RING_SIZE, RING_N);
	tmsim_csr_write(s, TMA_REG_IRQ_MASK, TMA_IRQ_STATUS_JOB_DONE_MASK |
			TMA_IRQ_STATUS_JOB_ERROR_MASK | TMA_IRQ_STATUS_RING_ERROR_MASK);
	tmsim_csr_write(s, TMA_REG_CTRL, TMA_CTRL_ENABLE_MASK);
	return s;
}

/* The FC of test_tma_model's hand example, out = {16, -21, -10, -18}. */
static void setup_fc(void)
{
	static const int8_t in[6] = { 1, 2, 3, -4, 5, -6 };
	static const int8_t w[6] = { 1, -1, 2, 3, 0, -2 };
	struct spec sp = fc_spec(2, 3, 2);

	memset(mem, 0, sizeof(mem));
	memcpy(mem + OFF_IN, in, sizeof(in));
	memcpy(mem + OFF_WGT, w, sizeof(w));
	put_chan(0, 10, 1 << 30, 1);
	put_chan(1, -20, 1 << 30, 1);
	sp.in_zp = 1;
	sp.out_zp = 3;
	put_cmd(0, &sp);
	put_op(1, TMA_OP_END, 0);
}

static void submit(struct tmsim *s, uint32_t seqno, uint32_t n_cmds)
{
	uint32_t tail = tmsim_csr_read(s, TMA_REG_RING_TAIL);

	make_desc(&ring[tail], seqno, n_cmds);
	tmsim_csr_write(s, TMA_REG_RING_TAIL, (tail + 1) % RING_N);
}

static void test_tmsim_dtb_parse(void)
{
	struct tmsim_params p;
	size_t n;
	void *dtb = slurp(TMA_TEST_DTB_DIR "/tma-sim.dtb", &n);

	CHECK(n > 0);
	CHECK_EQ(tmsim_parse_dtb(dtb, n, &p, err, sizeof(err)), 0);
	CHECK_EQ(p.rows, 8);
	CHECK_EQ(p.cols, 8);
	CHECK_EQ(p.act_sram_kib, 32);
	CHECK_EQ(p.wgt_sram_kib, 32);
	CHECK_EQ(p.bus_bytes, 8);
	CHECK_EQ(p.addr_bits, 64);
	CHECK_EQ(p.caps, TMA_CAPS_INT8_MASK | TMA_CAPS_INT4_MASK | TMA_CAPS_SPARSE_2_4_MASK |
		 TMA_CAPS_DEPTHWISE_MASK);
	dtb = slurp(TMA_TEST_DTB_DIR "/tma-16x8.dtb", &n);
	CHECK_EQ(tmsim_parse_dtb(dtb, n, &p, err, sizeof(err)), 0);
	CHECK_EQ(p.rows, 16);
}

static void test_tmsim_dtb_bad(void)
{
	struct tmsim_params p;
	struct tmsim *s;
	size_t n;
	uint8_t copy[4096];
	void *dtb = slurp(TMA_TEST_DTB_DIR "/tma-sim.dtb", &n);

	memcpy(copy, dtb, n);
	CHECK_EQ(tmsim_parse_dtb(copy, 10, &p, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "dtb");
	/* Every truncation fails cleanly. */
	for (size_t cut = 0; cut < n; cut += 7)
		CHECK_EQ(tmsim_parse_dtb(copy, cut, &p, err, sizeof(err)), -EINVAL);
	/* No TMA node: rename the compatible. */
	for (size_t i = 0; i + 11 <= n; i++)
		if (!memcmp(copy + i, "tmaccel,tma", 11))
			copy[i] = 'x';
	CHECK_EQ(tmsim_create_dtb("model", copy, n, &s, err, sizeof(err)), -EINVAL);
	CHECK(s == NULL);
	CHECK_STR_CONTAINS(err, "no node compatible");
}

static void test_tmsim_engine_select(void)
{
	struct tmsim_params p;
	struct tmsim *s;

	memset(&p, 0, sizeof(p));
	p.rows = p.cols = 8;
	p.act_sram_kib = p.wgt_sram_kib = 32;
	p.bus_bytes = 8;
	p.addr_bits = 64;
	p.caps = TMA_CAPS_INT8_MASK;
	CHECK_EQ(tmsim_create("nonesuch", &p, &s, err, sizeof(err)), -ENOENT);
	CHECK_STR_CONTAINS(err, "nonesuch");
	p.bus_bytes = 12;
	CHECK_EQ(tmsim_create("model", &p, &s, err, sizeof(err)), -EINVAL);
	CHECK_STR_CONTAINS(err, "bus-bytes");
	p.bus_bytes = 8;
	CHECK_EQ(tmsim_create("model", &p, &s, err, sizeof(err)), 0);
	CHECK(!strcmp(tmsim_engine_name(s), "model"));
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ID), TMA_ID_MAGIC);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_VERSION) >> TMA_VERSION_MAJOR_SHIFT, TMA_VERSION_MAJOR);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_CAPS), TMA_CAPS_INT8_MASK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ARRAY), 8 | 8 << 16);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_BUS), 8 | 64 << 8);
	CHECK_EQ(tmsim_run(s, 1000, NULL), TMSIM_STOP_IDLE);
	tmsim_destroy(s);
}

static void test_tmsim_ring_jobs(void)
{
	struct tmsim *s = new_sim();
	static const int8_t want[4] = { 16, -21, -10, -18 };
	uint64_t ran;

	if (!s)
		return;
	setup_fc();
	submit(s, 41, 2);
	CHECK_EQ(tmsim_run(s, 1000000, &ran), TMSIM_STOP_IRQ);
	CHECK(ran > 0);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_IRQ_STATUS), TMA_IRQ_STATUS_JOB_DONE_MASK);
	CHECK(!memcmp(mem + OFF_OUT, want, 4));
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_RING_HEAD), 1);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_LAST_SEQNO), 41);
	CHECK_EQ(read_done().seqno, 41);
	CHECK_EQ(read_done().cycles, ran);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_PERF_MACS_LO), 12);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_PERF_BUSY_LO), ran);
	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, TMA_IRQ_STATUS_JOB_DONE_MASK);  /* W1C */
	CHECK_EQ(tmsim_irq(s), 0);

	/* A failing job, then a good one: the device stays usable. */
	put_op(2, 0x33, 0);
	make_desc(&ring[1], 42, 1);
	ring[1].cmd_offset = 2 * TMA_CMD_SIZE;
	tmsim_csr_write(s, TMA_REG_RING_TAIL, 2);
	submit(s, 43, 2);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_IRQ_STATUS),
		 TMA_IRQ_STATUS_JOB_DONE_MASK | TMA_IRQ_STATUS_JOB_ERROR_MASK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ERR_STATUS) & TMA_ERR_STATUS_CODE_MASK,
		 TMA_ERR_BAD_OPCODE);
	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_IRQ_STATUS), TMA_IRQ_STATUS_JOB_DONE_MASK);
	CHECK_EQ(read_done().seqno, 43);
	CHECK_EQ(read_done().status, TMA_OK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_JOBS_DONE), 3);
	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IDLE);
	tmsim_destroy(s);
}

static void test_tmsim_ring_error_and_reset(void)
{
	struct tmsim *s = new_sim();

	if (!s)
		return;
	setup_fc();
	tmsim_csr_write(s, TMA_REG_RING_SIZE, 3);   /* not a power of two */
	tmsim_csr_write(s, TMA_REG_RING_TAIL, 1);
	CHECK_EQ(tmsim_run(s, 1000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_IRQ_STATUS), TMA_IRQ_STATUS_RING_ERROR_MASK);
	CHECK(tmsim_csr_read(s, TMA_REG_STATUS) & TMA_STATUS_HALTED_MASK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ERR_STATUS), TMA_ERR_RING);
	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	tmsim_csr_write(s, TMA_REG_RING_SIZE, RING_N);
	CHECK_EQ(tmsim_run(s, 1000, NULL), TMSIM_STOP_IDLE);   /* halted stays halted */
	tmsim_csr_write(s, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_STATUS), 0);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_RING_SIZE), 0);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ERR_STATUS), 0);
	tmsim_destroy(s);
}

/* A long conv, stopped mid-job by a soft reset; the next job runs normally. */
static void test_tmsim_reset_mid_job(void)
{
	struct tmsim *s = new_sim();
	struct spec sp = conv_spec(16, 16, 32, 32, 3, 1, 1);
	uint32_t p0, p1;

	if (!s)
		return;
	memset(mem, 0, sizeof(mem));
	put_cmd(0, &sp);
	put_cmd(1, &sp);
	put_op(2, TMA_OP_END, 0);
	submit(s, 1, 3);
	CHECK_EQ(tmsim_run(s, 100, NULL), TMSIM_STOP_LIMIT);
	CHECK(tmsim_csr_read(s, TMA_REG_STATUS) & TMA_STATUS_BUSY_MASK);
	p0 = tmsim_csr_read(s, TMA_REG_PROGRESS);
	CHECK_EQ(tmsim_run(s, 5000, NULL), TMSIM_STOP_LIMIT);
	p1 = tmsim_csr_read(s, TMA_REG_PROGRESS);
	CHECK(p1 > p0);
	tmsim_csr_write(s, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_STATUS), 0);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_RING_HEAD), 0);
	tmsim_destroy(s);

	s = new_sim();
	setup_fc();
	submit(s, 2, 2);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(read_done().status, TMA_OK);
	tmsim_destroy(s);
}

static void test_tmsim_faults(void)
{
	struct tmsim *s = new_sim();
	struct tmsim_faults f = { 0 };
	struct tmsim_stats st;

	if (!s)
		return;
	setup_fc();
	f.dma_fault_addr = MEM_BASE + OFF_OUT + 1;
	f.dma_fault_len = 1;
	tmsim_set_faults(s, &f);
	submit(s, 1, 2);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(read_done().status, TMA_ERR_BUS);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_ERR_ADDR_LO), (uint32_t)(MEM_BASE + OFF_OUT));
	tmsim_get_stats(s, &st);
	CHECK(st.bus_errors >= 1);

	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	memset(&f, 0, sizeof(f));
	f.bad_status = 0xdead;
	tmsim_set_faults(s, &f);
	submit(s, 2, 2);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(read_done().status, 0xdead);
	CHECK_EQ(read_done().seqno, 2);

	tmsim_csr_write(s, TMA_REG_IRQ_STATUS, ~0u);
	memset(&f, 0, sizeof(f));
	f.hang = 1;
	tmsim_set_faults(s, &f);
	submit(s, 3, 2);
	uint32_t p0 = tmsim_csr_read(s, TMA_REG_PROGRESS);

	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_LIMIT);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_PROGRESS), p0);
	CHECK_EQ(tmsim_csr_read(s, TMA_REG_JOBS_DONE), 2);
	tmsim_csr_write(s, TMA_REG_CTRL, TMA_CTRL_SOFT_RESET_MASK);  /* clears the hang */
	tmsim_destroy(s);
}

/* A shared file as guest RAM: the device's writes land in the file. */
static void test_tmsim_mem_file(void)
{
	char path[] = "/tmp/tmsim-ramXXXXXX";
	int fd = mkstemp(path);
	struct tmsim *s = new_sim();
	int8_t out[4];

	if (fd < 0 || !s) {
		CHECK(0);
		return;
	}
	CHECK_EQ(ftruncate(fd, MEM_SIZE), 0);
	setup_fc();
	CHECK_EQ(tmsim_mem_remove(s, MEM_BASE), 0);
	CHECK_EQ(pwrite(fd, mem, MEM_SIZE, 0), MEM_SIZE);
	CHECK_EQ(tmsim_mem_add_file(s, MEM_BASE, path, 0, MEM_SIZE), 0);
	CHECK_EQ(tmsim_mem_add(s, MEM_BASE + 4096, mem, 16), -EEXIST);
	submit(s, 7, 2);
	CHECK_EQ(tmsim_run(s, 1000000, NULL), TMSIM_STOP_IRQ);
	CHECK_EQ(pread(fd, out, 4, OFF_OUT), 4);
	CHECK_EQ(out[0], 16);
	CHECK_EQ(out[3], -18);
	CHECK_EQ(tmsim_mem_add_file(s, 0x9000000, "/nonexistent/ram", 0, 4096), -ENOENT);
	tmsim_destroy(s);
	close(fd);
	unlink(path);
}

int main(void)
{
	TM_RUN(test_tmsim_dtb_parse);
	TM_RUN(test_tmsim_dtb_bad);
	TM_RUN(test_tmsim_engine_select);
	TM_RUN(test_tmsim_ring_jobs);
	TM_RUN(test_tmsim_ring_error_and_reset);
	TM_RUN(test_tmsim_reset_mid_job);
	TM_RUN(test_tmsim_faults);
	TM_RUN(test_tmsim_mem_file);
	TM_TEST_EXIT();
}
