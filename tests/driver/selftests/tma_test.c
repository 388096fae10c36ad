// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_test.c - kselftests of tmaccel, run as root inside the QEMU guest with
 * tmsim serving the device. Expected values are computed here from the
 * ABI's definitions (uapi/tma_cmd.h), never read back from the driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tma_cmd.h"
#include "drm/tma_drm.h"
#include "tma_cosim.h"
#include "tma_util.h"

FIXTURE(tma) {
	int fd;
};

FIXTURE_SETUP(tma)
{
	self->fd = tma_open();
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(tma)
{
	close(self->fd);
}

TEST_F(tma, params)
{
	struct drm_tma_get_param p = { .param = DRM_TMA_PARAM_DEVICE_ID };

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &p));
	EXPECT_EQ(0x544D4131u, p.value);
	p.param = DRM_TMA_PARAM_MAX_REGIONS;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &p));
	EXPECT_EQ(7u, p.value);
	p.param = DRM_TMA_PARAM_VERSION;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &p));
	EXPECT_EQ(1u, p.value >> 16);
	p.param = 1000;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
	p.param = DRM_TMA_PARAM_CAPS;
	p.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &p));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(tma, bo_lifecycle_and_mmap)
{
	struct drm_tma_bo_create c = { .size = 10000 };
	struct drm_tma_bo_mmap_offset mo = { 0 };
	struct drm_gem_close gc = { 0 };
	unsigned char *p;

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &c));
	mo.handle = c.handle;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo));
	p = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, mo.offset);
	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < 12288; i++)
		ASSERT_EQ(0, p[i]);          /* new BOs are zeroed */
	memset(p, 0x5a, 12288);
	munmap(p, 12288);
	p = mmap(NULL, 12288, PROT_READ, MAP_SHARED, self->fd, mo.offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0x5a, p[12287]);
	munmap(p, 12288);
	/* Mapping past the BO is refused. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 16384, PROT_READ, MAP_SHARED, self->fd, mo.offset));
	gc.handle = c.handle;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &gc));
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(tma, bo_create_invalid)
{
	struct drm_tma_bo_create c = { .size = 0 };
	struct drm_tma_bo_mmap_offset mo = { .handle = 1, .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.size = DRM_TMA_MAX_BO_SIZE + 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.size = 4096;
	c.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo));
	EXPECT_EQ(EINVAL, errno);
	c.size = DRM_TMA_MAX_BO_SIZE;
	c.flags = 0;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &c));
}

TEST_F(tma, nop_job)
{
	struct tma_fc fc;
	struct drm_tma_job_status st;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 1, 4, 4));
	tma_cmd_end(&fc.cmds[0]);
	ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 1, NULL));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	EXPECT_EQ(1u, st.cmds_done);
	EXPECT_GT(st.cycles, 0);
}

/* A real FC layer: device output equals the ABI's formula computed here. */
TEST_F(tma, fc_job_matches_reference)
{
	struct tma_fc fc;
	struct drm_tma_job_status st;
	int8_t want[64];

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 3, 16, 8));
	tma_fc_fill(&fc, 7);
	tma_fc_reference(&fc, want);
	ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 2, NULL));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	ASSERT_EQ(TMA_OK, st.status);
	EXPECT_EQ(2u, st.cmds_done);
	EXPECT_EQ((uint64_t)3 * 16 * 8, st.macs);
	EXPECT_EQ(0, memcmp(want, fc.out, 3 * 8));
}

/* Each class of bad stream: EINVAL with the reason, the device never sees it. */
TEST_F(tma, invalid_streams_rejected)
{
	static const struct {
		const char *name;
		void (*spoil)(struct tma_cmd *c);
		uint32_t reason;
	} cases[] = {
		{ "opcode", tma_spoil_opcode, DRM_TMA_REJECT_OPCODE },
		{ "flags", tma_spoil_flags, DRM_TMA_REJECT_FLAGS },
		{ "dims", tma_spoil_dims, DRM_TMA_REJECT_DIMS },
		{ "fc-nonzero-field", tma_spoil_fc_field, DRM_TMA_REJECT_DIMS },
		{ "region", tma_spoil_region, DRM_TMA_REJECT_REGION },
		{ "align", tma_spoil_align, DRM_TMA_REJECT_ALIGN },
		{ "bounds", tma_spoil_bounds, DRM_TMA_REJECT_BOUNDS },
		{ "overflow", tma_spoil_overflow, DRM_TMA_REJECT_BOUNDS },
		{ "no-end", tma_spoil_no_end, DRM_TMA_REJECT_NO_END },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct drm_tma_submit s;
		struct tma_fc fc;

		ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
		tma_fc_fill(&fc, 3);
		cases[i].spoil(&fc.cmds[0]);
		errno = 0;
		EXPECT_EQ(-1, tma_fc_submit(self->fd, &fc, 2, &s)) TH_LOG("%s", cases[i].name);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", cases[i].name);
		EXPECT_EQ(cases[i].reason, s.error_reason) TH_LOG("%s", cases[i].name);
		tma_fc_free(self->fd, &fc);
	}
}

TEST_F(tma, invalid_submit_args)
{
	struct tma_fc fc;
	struct drm_tma_submit s;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 1, 4, 4));
	tma_cmd_end(&fc.cmds[0]);
	tma_fc_submit_args(&fc, 1, &s);
	s.cmd_size = 32;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DRM_TMA_REJECT_STREAM, s.error_reason);
	tma_fc_submit_args(&fc, 1, &s);
	s.cmd_offset = 4096 * 4;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.region_count = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.region_count = 8;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.cmd_handle = 9999;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(ENOENT, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.regions = 8;       /* a pointer into nowhere */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EFAULT, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.out_syncobj = 9999;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(ENOENT, errno);
	struct drm_tma_job_status st = { .job_id = 12345 };
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_JOB_STATUS, &st));
	EXPECT_EQ(ENOENT, errno);
}

/* SUBMIT's other arguments: syncobjs, region handles, stream placement. */
TEST_F(tma, invalid_submit_args_more)
{
	uint32_t so, bad = 9999, handles[4];
	struct drm_tma_bo_create big = { .size = 512 * 1024 };
	struct drm_tma_submit s;
	struct tma_fc fc;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 1, 4, 4));
	tma_cmd_end(&fc.cmds[0]);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so));
	tma_fc_submit_args(&fc, 1, &s);
	s.in_syncobj_count = DRM_TMA_MAX_IN_SYNCOBJS + 1;
	s.in_syncobjs = (uintptr_t)&so;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.in_syncobj_count = 1;
	s.in_syncobjs = 8;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EFAULT, errno);
	s.in_syncobjs = (uintptr_t)&bad;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(ENOENT, errno);
	s.in_syncobjs = (uintptr_t)&so;    /* a syncobj without a fence */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	tma_fc_submit_args(&fc, 1, &s);
	memcpy(handles, fc.h, sizeof(handles));
	handles[2] = bad;
	s.regions = (uintptr_t)handles;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(ENOENT, errno);
	tma_fc_submit_args(&fc, 1, &s);
	s.cmd_offset = 4;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DRM_TMA_REJECT_STREAM, s.error_reason);
	/* One command more than allowed, in a BO that holds them all. */
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_CREATE, &big));
	tma_fc_submit_args(&fc, 1, &s);
	s.cmd_handle = big.handle;
	s.cmd_size = (DRM_TMA_MAX_CMDS + 1) * TMA_CMD_SIZE;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DRM_TMA_REJECT_STREAM, s.error_reason);
	/* The same size minus one command is only refused for its zeroed opcodes. */
	s.cmd_size = DRM_TMA_MAX_CMDS * TMA_CMD_SIZE;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DRM_TMA_REJECT_OPCODE, s.error_reason);
	EXPECT_EQ(0u, s.error_cmd);
}

TEST_F(tma, invalid_wait_and_status_args)
{
	struct drm_tma_bo_wait w = { .handle = 9999 };
	struct drm_tma_job_status st = { .job_id = 0 };
	struct tma_fc fc;

	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_WAIT, &w));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 1, 4, 4));
	w.handle = fc.h[0];
	w.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	w.pad = 0;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_WAIT, &w));  /* idle: poll succeeds */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_JOB_STATUS, &st));
	EXPECT_EQ(ENOENT, errno);
	/* A refused SUBMIT takes no job id: the next id is still 1. */
	tma_spoil_opcode(&fc.cmds[0]);
	EXPECT_EQ(-1, tma_fc_submit(self->fd, &fc, 2, NULL));
	st.job_id = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_JOB_STATUS, &st));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * An in-syncobj holds the job back: its fence is a vgem fence this test
 * signals. Until then the job stays queued and its output untouched.
 */
TEST_F(tma, in_syncobj_holds_job)
{
	struct drm_tma_bo_wait w = { 0 };
	struct drm_tma_job_status st;
	struct tma_vgem vgem;
	struct tma_fc fc;
	int8_t want[64], zero[64] = { 0 };
	uint32_t so;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 13);
	tma_fc_reference(&fc, want);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so));
	ASSERT_EQ(0, tma_vgem_fence(self->fd, so, &vgem)) TH_LOG("vgem.ko loaded?");
	ASSERT_EQ(0, tma_fc_submit_sync(self->fd, &fc, 2, &so, 0));
	usleep(200 * 1000);
	ASSERT_EQ(0, tma_job_status(self->fd, fc.last_job, &st));
	EXPECT_EQ(DRM_TMA_JOB_QUEUED, st.state);
	w.handle = fc.h[TMA_FC_REGION_OUT];
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_WAIT, &w));
	EXPECT_EQ(ETIME, errno);
	EXPECT_EQ(0, memcmp(zero, fc.out, 2 * 4));
	ASSERT_EQ(0, tma_vgem_signal(&vgem));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	EXPECT_EQ(0, memcmp(want, fc.out, 2 * 4));
}

/* The device faults on a region's memory: the job fails, the next one runs. */
TEST_F(tma, dma_fault_is_job_error)
{
	struct tma_fc fc;
	struct drm_tma_job_status st;

	uint32_t so;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 5);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so));
	ASSERT_EQ(0, tma_inject(0, 1 + TMA_FC_REGION_WGT));
	ASSERT_EQ(0, tma_fc_submit_sync(self->fd, &fc, 2, NULL, so));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_ERR_BUS, st.status);
	EXPECT_EQ((uint32_t)TMA_OPND_WGT, (st.err_info >> TMA_ERR_INFO_OPND_SHIFT) & 0xf);
	/* The out-syncobj's fence carries the failure too, not just JOB_STATUS. */
	EXPECT_EQ(-EIO, tma_syncobj_status(self->fd, so));
	ASSERT_EQ(0, tma_fc_submit_sync(self->fd, &fc, 2, NULL, so));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	EXPECT_EQ(1, tma_syncobj_status(self->fd, so));
}

/* A hung device: timeout, reset, the job fails with TIMEOUT, the next succeeds. */
TEST_F(tma, hang_timeout_reset)
{
	struct drm_tma_bo_wait w = { 0 };
	struct tma_fc fc;
	struct drm_tma_job_status st;
	int8_t want[64];

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 9);
	tma_fc_reference(&fc, want);
	w.handle = fc.h[TMA_FC_REGION_OUT];
	ASSERT_EQ(0, tma_inject(1, 0));
	ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 2, NULL));
	/* Stuck on the device: a polling BO_WAIT says busy, the job is queued. */
	usleep(50 * 1000);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_BO_WAIT, &w));
	EXPECT_EQ(ETIME, errno);
	ASSERT_EQ(0, tma_job_status(self->fd, fc.last_job, &st));
	EXPECT_EQ(DRM_TMA_JOB_QUEUED, st.state);
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(DRM_TMA_STATUS_TIMEOUT, st.status);
	memset(fc.out, 0, 8);
	ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 2, NULL));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	EXPECT_EQ(0, memcmp(want, fc.out, 2 * 4));
}

/*
 * More jobs than the ring holds behind a hung device: the scheduler keeps
 * at most 63 on the 64-entry ring, the reset fails only the stuck job and
 * runs every other one again, each to TMA_OK, the last with the right output.
 */
TEST_F(tma, hang_with_full_ring)
{
	enum { NJOBS = 100 };
	struct drm_tma_job_status st;
	uint64_t first = 0;
	struct tma_fc fc;
	int8_t want[64];
	int ok = 0, timeouts = 0, in_flight;

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 17);
	tma_fc_reference(&fc, want);
	ASSERT_EQ(0, tma_inject(1, 0));
	for (int i = 0; i < NJOBS; i++) {
		ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 2, NULL));
		if (!i)
			first = fc.last_job;
	}
	EXPECT_EQ(first + NJOBS - 1, fc.last_job);
	in_flight = tma_debugfs_in_flight();
	TH_LOG("in flight after %d submits: %d", NJOBS, in_flight);
	EXPECT_GE(in_flight, 0);
	EXPECT_LE(in_flight, 63);
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	for (uint64_t id = first; id < first + NJOBS; id++) {
		ASSERT_EQ(0, tma_job_status(self->fd, id, &st));
		EXPECT_EQ(DRM_TMA_JOB_DONE, st.state);
		ok += st.status == TMA_OK;
		timeouts += st.status == DRM_TMA_STATUS_TIMEOUT;
	}
	EXPECT_EQ(1, timeouts);
	EXPECT_EQ(NJOBS - 1, ok);
	ASSERT_EQ(0, tma_job_status(self->fd, first, &st));
	EXPECT_EQ(DRM_TMA_STATUS_TIMEOUT, st.status);
	EXPECT_EQ(0, memcmp(want, fc.out, 2 * 4));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * tmsim stops draining the register mailbox: the job's RING_TAIL write
 * finds it full and is dropped after the driver's bound (100 ms, sleeping),
 * and the job fails at once (CANCELED, fence -EIO) instead of waiting for
 * the job timeout's reset, which could not reach the device either. Once
 * the mailbox drains again the next job runs.
 */
TEST_F(tma, mailbox_stall_fails_job)
{
	struct drm_tma_get_param tmo = { .param = DRM_TMA_PARAM_TIMEOUT_MS };
	struct drm_tma_job_status st;
	struct tma_fc fc;
	int8_t want[64];
	double ms;
	uint32_t so;
	int ret;

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_GET_PARAM, &tmo));
	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 29);
	tma_fc_reference(&fc, want);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so));
	ASSERT_EQ(0, tma_mbox_stall(1));
	ms = now_ms();
	ret = tma_fc_submit_sync(self->fd, &fc, 2, NULL, so);
	if (!ret)
		ret = tma_wait_job(self->fd, &fc, &st);
	ms = now_ms() - ms;
	/* Whatever happened, the mailbox serves again for the tests after this. */
	ASSERT_EQ(0, tma_mbox_stall(0));
	ASSERT_EQ(0, ret);
	TH_LOG("job ended after %.0f ms with status %#x (timeout_ms %llu)", ms, st.status,
	       (unsigned long long)tmo.value);
	EXPECT_EQ(DRM_TMA_STATUS_CANCELED, st.status);
	EXPECT_EQ(-EIO, tma_syncobj_status(self->fd, so));
	EXPECT_LT(ms, (double)tmo.value);
	memset(fc.out, 0, 2 * 4);
	ASSERT_EQ(0, tma_fc_submit(self->fd, &fc, 2, NULL));
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	EXPECT_EQ(0, memcmp(want, fc.out, 2 * 4));
}

/* Syncobjs: a chain of jobs, each waiting for the previous one's out fence. */
TEST_F(tma, syncobj_chain)
{
	struct tma_fc fc;
	struct drm_tma_job_status st;
	uint32_t so[2];

	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 11);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so[0]));
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so[1]));
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(0, tma_fc_submit_sync(self->fd, &fc, 2, i ? &so[(i + 1) % 2] : NULL,
						so[i % 2]));
	ASSERT_EQ(0, tma_syncobj_wait(self->fd, so[1], 5000));
	ASSERT_EQ(0, tma_job_status(self->fd, fc.last_job, &st));
	EXPECT_EQ(DRM_TMA_JOB_DONE, st.state);
	EXPECT_EQ(TMA_OK, st.status);
}

/* Several processes at once, each checking its own results. */
TEST(several_processes)
{
	enum { NPROC = 4, NJOBS = 10 };
	pid_t pid[NPROC];
	int failed = 0;

	for (int p = 0; p < NPROC; p++) {
		pid[p] = fork();
		ASSERT_GE(pid[p], 0);
		if (pid[p] == 0)
			_exit(tma_worker(p + 1, NJOBS));
	}
	for (int p = 0; p < NPROC; p++) {
		int status;

		ASSERT_EQ(pid[p], waitpid(pid[p], &status, 0));
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	EXPECT_EQ(0, failed);
}

TEST_HARNESS_MAIN
