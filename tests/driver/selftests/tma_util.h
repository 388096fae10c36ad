/* SPDX-License-Identifier: GPL-2.0-only */
/* tma_util.h - helpers of the tmaccel selftests: one FC layer in four BOs. */
#ifndef TMA_UTIL_H
#define TMA_UTIL_H

#include <stdint.h>
#include "tma_cmd.h"
#include "drm/tma_drm.h"

/* Regions of the FC job: one BO per operand, then the command BO. */
#define TMA_FC_REGION_IN   0
#define TMA_FC_REGION_WGT  1
#define TMA_FC_REGION_CHAN 2
#define TMA_FC_REGION_OUT  3
#define TMA_FC_BO_CMD      4
#define TMA_BO_SIZE        4096

struct tma_fc {
	uint32_t h[5];
	void *map[5];
	int8_t *in, *wgt, *out;
	struct tma_chan_param *chan;
	struct tma_cmd *cmds;
	uint32_t m, k, n;
	int8_t in_zp, out_zp;
	uint64_t last_job;
};

/* vgem: a fence userspace signals, for SUBMIT's in-syncobjs. */
struct tma_vgem {
	int fd;
	uint32_t fence;
};

int tma_open(void);
int tma_fc_setup(int fd, struct tma_fc *fc, uint32_t m, uint32_t k, uint32_t n);
void tma_fc_free(int fd, struct tma_fc *fc);
void tma_fc_fill(struct tma_fc *fc, unsigned int seed);
void tma_fc_reference(const struct tma_fc *fc, int8_t *want);
void tma_cmd_end(struct tma_cmd *c);
void tma_fc_submit_args(struct tma_fc *fc, uint32_t ncmds, struct drm_tma_submit *s);
int tma_fc_submit(int fd, struct tma_fc *fc, uint32_t ncmds, struct drm_tma_submit *out);
int tma_fc_submit_sync(int fd, struct tma_fc *fc, uint32_t ncmds, const uint32_t *in_so,
		       uint32_t out_so);
int tma_wait_job(int fd, struct tma_fc *fc, struct drm_tma_job_status *st);
int tma_job_status(int fd, uint64_t id, struct drm_tma_job_status *st);
int tma_syncobj_create(int fd, uint32_t *h);
int tma_syncobj_wait(int fd, uint32_t h, unsigned int ms);
int tma_vgem_fence(int fd, uint32_t syncobj, struct tma_vgem *v);
int tma_vgem_signal(struct tma_vgem *v);
int tma_debugfs_in_flight(void);
int tma_syncobj_status(int fd, uint32_t h);
int tma_inject(uint32_t hang, uint32_t bus_error_region);
int tma_mbox_stall(uint32_t stall);
int tma_worker(unsigned int seed, unsigned int njobs);

void tma_spoil_opcode(struct tma_cmd *c);
void tma_spoil_flags(struct tma_cmd *c);
void tma_spoil_dims(struct tma_cmd *c);
void tma_spoil_fc_field(struct tma_cmd *c);
void tma_spoil_region(struct tma_cmd *c);
void tma_spoil_align(struct tma_cmd *c);
void tma_spoil_bounds(struct tma_cmd *c);
void tma_spoil_overflow(struct tma_cmd *c);
void tma_spoil_no_end(struct tma_cmd *c);

#endif /* TMA_UTIL_H */
