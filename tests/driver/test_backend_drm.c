// SPDX-License-Identifier: MIT
/*
 * test_backend_drm.c - libtm's drm backend where there is no tmaccel device
 * (the build machine): how opening fails, that "auto" then takes the CPU,
 * and the TMA register/status decoding the sim and drm backends share. Jobs
 * through the real driver are tested in the QEMU guest (guest-tmrun.sh).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "tma_cmd.h"
#include "tma_regs.h"
#include "tm_test.h"

static int open_with_node(const char *node, const char *name, struct tm_backend **be,
			  char *err)
{
	setenv("TM_DRM_NODE", node, 1);
	err[0] = '\0';
	return tm_backend_open(name, be, err, TM_ERRLEN);
}

static void test_backend_drm_node_missing(void)
{
	struct tm_backend *be = NULL;
	char err[TM_ERRLEN];

	CHECK_EQ(open_with_node("/nonexistent/renderD128", "drm", &be, err), -ENODEV);
	CHECK(!be);
	CHECK_STR_CONTAINS(err, "/nonexistent/renderD128");
	CHECK_STR_CONTAINS(err, "No such file");
}

/* /dev/null opens but is no DRM node (or libdrm is absent: also -ENODEV). */
static void test_backend_drm_node_not_drm(void)
{
	struct tm_backend *be = NULL;
	char err[TM_ERRLEN];

	CHECK_EQ(open_with_node("/dev/null", "drm", &be, err), -ENODEV);
	CHECK(!be);
	CHECK(strstr(err, "/dev/null") || strstr(err, "libdrm.so.2"));
}

static void test_backend_drm_rejects_arg(void)
{
	struct tm_backend *be = NULL;
	char err[TM_ERRLEN];

	CHECK_EQ(open_with_node("/dev/null", "drm:fast", &be, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "takes no argument");
}

static void test_backend_drm_auto_takes_cpu(void)
{
	struct tm_backend *be = NULL;
	char err[TM_ERRLEN];

	CHECK_EQ(open_with_node("/nonexistent/renderD128", "auto", &be, err), 0);
	CHECK(be && !strcmp(be->ops->name, "cpu"));
	tm_backend_close(be);
}

static void test_backend_drm_caps_decoding(void)
{
	struct tm_backend_caps c;

	/* INT8 + 2:4, 16 columns x 8 rows, 64 KiB weights + 32 KiB activations */
	tm_tma_caps(TMA_CAPS_INT8_MASK | TMA_CAPS_SPARSE_2_4_MASK, 16u << 16 | 8u,
		    64u << 16 | 32u, &c);
	CHECK_EQ(c.flags, TM_CAP_TMA_CMDS | TM_CAP_INT8 | TM_CAP_SPARSE_2_4);
	CHECK_EQ(c.array_rows, 8);
	CHECK_EQ(c.array_cols, 16);
	CHECK_EQ(c.sram_bytes, 98304);
	CHECK_EQ(c.max_regions, 8);
	tm_tma_caps(TMA_CAPS_INT4_MASK | TMA_CAPS_DEPTHWISE_MASK, 0, 0, &c);
	CHECK_EQ(c.flags, TM_CAP_TMA_CMDS | TM_CAP_INT4 | TM_CAP_DEPTHWISE);
}

static void test_backend_drm_job_status(void)
{
	struct tm_job_status st;

	memset(&st, 0, sizeof(st));
	/* command 5, operand/region bits set too: only the command index counts */
	tm_tma_job_failed(&st, "drm", 42, TMA_ERR_DMA_FAULT, 5u << 16 | 0x2304, 0x1000);
	CHECK_EQ(st.error, -EFAULT);
	CHECK_EQ(st.failed_op, 5);
	CHECK_STR_CONTAINS(st.msg, "device drm: job 42 failed: DMA fault (status 4) at command 5");
	CHECK_STR_CONTAINS(st.msg, "0x1000");
	tm_tma_job_failed(&st, "drm", 1, TMA_ERR_BUS, 0, 0);
	CHECK_EQ(st.error, -EFAULT);
	tm_tma_job_failed(&st, "sim", 1, TMA_ERR_BAD_DIMS, 65535u << 16, 0);
	CHECK_EQ(st.error, -EIO);
	CHECK_EQ(st.failed_op, 65535);
	CHECK_STR_CONTAINS(st.msg, "bad dimensions");
	CHECK(!strcmp(tm_tma_status_name(200), "unknown status"));
}

int main(void)
{
	TM_RUN(test_backend_drm_node_missing);
	TM_RUN(test_backend_drm_node_not_drm);
	TM_RUN(test_backend_drm_rejects_arg);
	TM_RUN(test_backend_drm_auto_takes_cpu);
	TM_RUN(test_backend_drm_caps_decoding);
	TM_RUN(test_backend_drm_job_status);
	TM_TEST_EXIT();
}
