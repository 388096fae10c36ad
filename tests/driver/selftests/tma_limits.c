// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_limits.c - kselftests of tmaccel's per-file limits (module parameters
 * max_jobs_per_file and max_bo_mib_per_file, GET_PARAM, SUBMIT's wait /
 * EAGAIN / EINTR and BO_CREATE's ENOSPC). Each test lowers a limit through
 * sysfs and the fixture puts the value found back. Run as root in the guest
 * with vgem loaded (jobs held back by a fence the test signals).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tma_cmd.h"
#include "drm/tma_drm.h"
#include "tma_util.h"

#define PARAM_DIR "/sys/module/tmaccel/parameters/"

static int param_read(const char *name, unsigned long *v)
{
	char path[128];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fscanf(f, "%lu", v);
	fclose(f);
	return n == 1 ? 0 : -EINVAL;
}

/* 0, or -errno of the write (the module refuses values out of range). */
static int param_write(const char *name, unsigned long v)
{
	char path[128], buf[32];
	int fd, n, ret = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%lu\n", v);
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static uint64_t get_param(int fd, uint32_t param)
{
	struct drm_tma_get_param p = { .param = param };

	return ioctl(fd, DRM_IOCTL_TMA_GET_PARAM, &p) ? ~0ull : p.value;
}

static int bo_create(int fd, uint64_t size, uint32_t *h)
{
	struct drm_tma_bo_create c = { .size = size };

	if (ioctl(fd, DRM_IOCTL_TMA_BO_CREATE, &c))
		return -errno;
	*h = c.handle;
	return 0;
}

static int bo_close(int fd, uint32_t h)
{
	struct drm_gem_close gc = { .handle = h };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc) ? -errno : 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

FIXTURE(limits) {
	int fd;
	unsigned long jobs, mib;
};

FIXTURE_SETUP(limits)
{
	self->fd = tma_open();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, param_read("max_jobs_per_file", &self->jobs));
	ASSERT_EQ(0, param_read("max_bo_mib_per_file", &self->mib));
}

FIXTURE_TEARDOWN(limits)
{
	close(self->fd);
	param_write("max_jobs_per_file", self->jobs);
	param_write("max_bo_mib_per_file", self->mib);
}

/* GET_PARAM reports what the module parameters say; 0 is refused. */
TEST_F(limits, params)
{
	TH_LOG("defaults: %lu jobs, %lu MiB per file", self->jobs, self->mib);
	EXPECT_EQ(self->jobs, get_param(self->fd, DRM_TMA_PARAM_MAX_JOBS_PER_FILE));
	EXPECT_EQ((uint64_t)self->mib << 20,
		  get_param(self->fd, DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE));
	ASSERT_EQ(0, param_write("max_jobs_per_file", 3));
	ASSERT_EQ(0, param_write("max_bo_mib_per_file", 2));
	EXPECT_EQ(3u, get_param(self->fd, DRM_TMA_PARAM_MAX_JOBS_PER_FILE));
	EXPECT_EQ(2u << 20, get_param(self->fd, DRM_TMA_PARAM_MAX_BO_BYTES_PER_FILE));
	EXPECT_EQ(-EINVAL, param_write("max_jobs_per_file", 0));
	EXPECT_EQ(-EINVAL, param_write("max_bo_mib_per_file", 0));
	EXPECT_EQ(3u, get_param(self->fd, DRM_TMA_PARAM_MAX_JOBS_PER_FILE));
}

/*
 * A BO counts until it is freed: closing its handle while a mapping holds
 * it frees nothing, so it frees no room either. Other files have their own.
 */
TEST_F(limits, bo_bytes_per_file)
{
	uint32_t big, small;
	void *map;
	int fd2;

	ASSERT_EQ(0, param_write("max_bo_mib_per_file", 1));
	ASSERT_EQ(0, bo_create(self->fd, 1 << 20, &big));
	EXPECT_EQ(-ENOSPC, bo_create(self->fd, 1, &small));
	{
		struct drm_tma_bo_mmap_offset mo = { .handle = big };

		ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_TMA_BO_MMAP_OFFSET, &mo));
		map = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, mo.offset);
		ASSERT_NE(MAP_FAILED, map);
	}
	ASSERT_EQ(0, bo_close(self->fd, big));
	EXPECT_EQ(-ENOSPC, bo_create(self->fd, 1, &small));
	fd2 = tma_open();
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(0, bo_create(fd2, 1 << 20, &small));
	close(fd2);
	munmap(map, 1 << 20);
	ASSERT_EQ(0, bo_create(self->fd, 1 << 20, &small));
	EXPECT_EQ(0, bo_close(self->fd, small));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * The child of jobs_per_file, on the parent's file: a SUBMIT over the limit
 * blocks until a timer's signal ends it with EINTR (no SA_RESTART), and a
 * second one blocks until the parent lets the jobs run. Exit bits say what
 * went wrong.
 */
static int blocked_submitter(int fd, struct tma_fc *fc, uint32_t so)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 300 * 1000 } };
	double t0 = now_ms();
	int bad = 0;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	if (tma_fc_submit_sync(fd, fc, 2, &so, 0) != -EINTR)
		bad |= 1;
	if (now_ms() - t0 < 250)
		bad |= 2;
	if (tma_fc_submit_sync(fd, fc, 2, NULL, 0))
		bad |= 4;
	return bad;
}

/*
 * Jobs held back by an unsignaled in-fence count: the limit's worth are
 * queued, one more is EAGAIN with O_NONBLOCK, and without it SUBMIT waits
 * (interruptibly) until the jobs run and are freed.
 */
TEST_F(limits, jobs_per_file)
{
	enum { LIMIT = 4 };
	struct drm_tma_job_status st;
	struct drm_tma_submit s;
	struct tma_vgem vgem;
	struct tma_fc fc;
	int status = -1, fl;
	uint32_t so;
	pid_t pid;

	ASSERT_EQ(0, param_write("max_jobs_per_file", LIMIT));
	ASSERT_EQ(0, tma_fc_setup(self->fd, &fc, 2, 8, 4));
	tma_fc_fill(&fc, 23);
	ASSERT_EQ(0, tma_syncobj_create(self->fd, &so));
	ASSERT_EQ(0, tma_vgem_fence(self->fd, so, &vgem)) TH_LOG("vgem.ko loaded?");
	for (int i = 0; i < LIMIT; i++)
		ASSERT_EQ(0, tma_fc_submit_sync(self->fd, &fc, 2, &so, 0));
	fl = fcntl(self->fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, tma_fc_submit_sync(self->fd, &fc, 2, &so, 0));
	/* The refused SUBMIT took no slot and no job id. */
	tma_fc_submit_args(&fc, 2, &s);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_TMA_SUBMIT, &s));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fl));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(blocked_submitter(self->fd, &fc, so));
	/* The child's second SUBMIT waits as long as the jobs are held back. */
	usleep(1000 * 1000);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));
	ASSERT_EQ(0, tma_vgem_signal(&vgem));
	for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	ASSERT_TRUE(WIFEXITED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Job ids: LIMIT held ones, then the child's. */
	ASSERT_EQ(0, tma_job_status(self->fd, fc.last_job + 1, &st));
	fc.last_job++;
	ASSERT_EQ(0, tma_wait_job(self->fd, &fc, &st));
	EXPECT_EQ(TMA_OK, st.status);
	for (uint64_t id = fc.last_job - LIMIT; id < fc.last_job; id++) {
		ASSERT_EQ(0, tma_job_status(self->fd, id, &st));
		EXPECT_EQ(DRM_TMA_JOB_DONE, st.state);
		EXPECT_EQ(TMA_OK, st.status);
	}
}

TEST_HARNESS_MAIN
