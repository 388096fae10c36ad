// SPDX-License-Identifier: GPL-2.0-only
/*
 * tma_burst N [check] - queue N jobs and exit without waiting, so the file
 * closes and the module may be removed with jobs in flight (guest-init.sh's
 * rmmod cycles). With "check" it waits for the last job and compares its
 * output with the reference instead. "tma_burst N nullrt" times N null
 * jobs (END only) one after the other, submit to BO idle, and prints the
 * mean round trip. "tma_burst N hold [hung]" keeps the file open for 2 s
 * (the device is unbound meanwhile), then requires ENODEV from the node and
 * an ended fence of the last job (see hold()).
 * "tma_burst 1 keepfence" holds a finished job's fence as a sync_file
 * across rmmod (see keepfence()).
 * "tma_burst probe" only checks GET_PARAM (the TMA1 ID, major version 1)
 * and a BO written and read back through mmap: the platform front end's
 * instance over tmsim's register image cannot run jobs (guest-init.sh).
 * "tma_burst inject bus R" / "tma_burst inject hang" arm
 * tmsim's fault injection for the next job whoever submits it (a bus error
 * on its region R, or a hang): guest-tmrun.sh's device-fault fallbacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sync_file.h>

#include "tma_util.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int null_round_trip(int fd, struct tma_fc *fc, int n)
{
	struct drm_tma_job_status st;
	double t0;

	tma_cmd_end(&fc->cmds[0]);
	t0 = now_us();
	for (int i = 0; i < n; i++)
		if (tma_fc_submit(fd, fc, 1, NULL) || tma_wait_job(fd, fc, &st) || st.status)
			return 1;
	printf("TMA-PERF null-job-round-trip-us %.0f (mean of %d)\n", (now_us() - t0) / n, n);
	return 0;
}

/* A device that probed: its ID registers, and a BO the CPU maps. */
static int probe(int fd)
{
	struct drm_tma_get_param id = { .param = DRM_TMA_PARAM_DEVICE_ID };
	struct drm_tma_get_param ver = { .param = DRM_TMA_PARAM_VERSION };
	struct tma_fc fc;

	if (ioctl(fd, DRM_IOCTL_TMA_GET_PARAM, &id) || ioctl(fd, DRM_IOCTL_TMA_GET_PARAM, &ver) ||
	    id.value != 0x544D4131u || ver.value >> 16 != 1) {
		fprintf(stderr, "tma_burst: GET_PARAM: id %#llx version %#llx\n",
			(unsigned long long)id.value, (unsigned long long)ver.value);
		return 1;
	}
	if (tma_fc_setup(fd, &fc, 1, 4, 4))
		return 1;
	memset(fc.in, 0x3c, TMA_BO_SIZE);
	for (int i = 0; i < TMA_BO_SIZE; i++)
		if (fc.in[i] != 0x3c || fc.out[i])
			return 1;
	tma_fc_free(fd, &fc);
	printf("tma_burst: probe ok\n");
	return 0;
}

/*
 * "hold": queue @n jobs, the last with an out-syncobj exported as a
 * sync_file (which lives on without the device), and keep the file open
 * while the device is unbound under it (guest-init.sh). Afterwards the node
 * must answer ENODEV, and the last job's fence must have ended: with an
 * error if the jobs were stuck on a hung device (@hung), at all otherwise.
 */
static int hold(int fd, struct tma_fc *fc, int n, int hung)
{
	struct drm_tma_get_param p = { .param = DRM_TMA_PARAM_DEVICE_ID };
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct sync_file_info info = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	uint32_t so;

	if (tma_syncobj_create(fd, &so))
		return 1;
	for (int i = 0; i < n; i++)
		if (tma_fc_submit_sync(fd, fc, 2, NULL, i == n - 1 ? so : 0)) {
			perror("tma_burst: submit");
			return 1;
		}
	h.handle = so;
	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h)) {
		perror("tma_burst: export sync_file");
		return 1;
	}
	sleep(2);
	if (ioctl(fd, DRM_IOCTL_TMA_GET_PARAM, &p) != -1 || errno != ENODEV ||
	    tma_fc_submit(fd, fc, 2, NULL) != -1 || errno != ENODEV) {
		fprintf(stderr, "tma_burst: node still answers after unbind\n");
		return 1;
	}
	pfd.fd = h.fd;
	if (poll(&pfd, 1, 2000) != 1 || ioctl(h.fd, SYNC_IOC_FILE_INFO, &info)) {
		fprintf(stderr, "tma_burst: the last job's fence never ended after unbind\n");
		return 1;
	}
	printf("tma_burst: last job's fence status %d after unbind\n", info.status);
	return hung ? info.status >= 0 : info.status == 0;
}

static int wait_for_file(const char *path)
{
	for (int i = 0; i < 100; i++) {
		if (!access(path, F_OK))
			return 0;
		usleep(50 * 1000);
	}
	return 1;
}

/*
 * "keepfence": a job's out-syncobj exported as a sync_file outlives the
 * node: close every DRM handle and the fd, create /tmp/keepfence.ready,
 * wait for /tmp/keepfence.go (guest-init.sh removes the module meanwhile),
 * then drop the sync_file, the last reference to the job's fences.
 */
static int keepfence(int fd, struct tma_fc *fc)
{
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };
	struct drm_tma_job_status st;
	uint32_t so;
	FILE *f;

	if (tma_syncobj_create(fd, &so) || tma_fc_submit_sync(fd, fc, 2, NULL, so) ||
	    tma_wait_job(fd, fc, &st) || st.status != TMA_OK)
		return 1;
	h.handle = so;
	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h))
		return 1;
	tma_fc_free(fd, fc);
	close(fd);
	f = fopen("/tmp/keepfence.ready", "w");
	if (!f)
		return 1;
	fclose(f);
	if (wait_for_file("/tmp/keepfence.go"))
		return 1;
	close(h.fd);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 16;
	struct tma_fc fc;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "inject")) {
		int bus = !strcmp(argv[2], "bus") && argc > 3;

		return tma_inject(!strcmp(argv[2], "hang"), bus ? atoi(argv[3]) + 1 : 0) ? 1 : 0;
	}
	fd = tma_open();
	if (argc > 1 && !strcmp(argv[1], "probe"))
		return fd < 0 || probe(fd);
	if (fd < 0 || tma_fc_setup(fd, &fc, 8, 32, 16)) {
		fprintf(stderr, "tma_burst: no tmaccel device\n");
		return 1;
	}
	tma_fc_fill(&fc, 1);
	if (argc > 2 && !strcmp(argv[2], "keepfence"))
		return keepfence(fd, &fc);
	if (argc > 2 && !strcmp(argv[2], "nullrt"))
		return null_round_trip(fd, &fc, n);
	if (argc > 2 && !strcmp(argv[2], "hold"))
		return hold(fd, &fc, n, argc > 3 && !strcmp(argv[3], "hung"));
	for (int i = 0; i < n; i++)
		if (tma_fc_submit(fd, &fc, 2, NULL)) {
			perror("tma_burst: submit");
			return 1;
		}
	if (argc > 2 && !strcmp(argv[2], "check")) {
		struct drm_tma_job_status st = { 0 };
		int8_t want[8 * 16];

		tma_fc_reference(&fc, want);
		if (tma_wait_job(fd, &fc, &st) || st.status != TMA_OK ||
		    memcmp(want, fc.out, sizeof(want))) {
			fprintf(stderr, "tma_burst: last job wrong (status %u)\n", st.status);
			return 1;
		}
	}
	printf("tma_burst: %d jobs queued\n", n);
	return 0;
}
