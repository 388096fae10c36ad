/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * tma_cosim.h - the layout of the ivshmem shared memory between tmaccel's
 * PCI front end (the guest) and the co-simulation daemon hw/tmsim (the host).
 *
 * Shared memory cannot trap an access, so a CSR page in it is split in two
 * directions: the daemon keeps an image of every register at its offset in
 * the first page (the guest only reads it), and the guest's register writes
 * go, in order, through a mailbox of (offset, value) entries followed by a
 * doorbell to the daemon's peer. The daemon applies a batch, refreshes the
 * image, and only then advances @tail, so once tail == head every write has
 * reached the device and the image shows its effect.
 *
 * The third page is for tests only: a request the daemon reads at each
 * doorbell and at least every 100 ms to make the simulated device (or the
 * daemon itself) misbehave (libtmsim's fault injection, a stalled mailbox).
 * The driver never touches it.
 */
#ifndef TMA_COSIM_H
#define TMA_COSIM_H

#include <linux/types.h>

#define TMA_COSIM_SHM_SIZE     0x4000  /* power of two, whole pages */
#define TMA_COSIM_CSR          0x0000  /* register image, TMA_CSR_SIZE bytes */
#define TMA_COSIM_MBOX         0x1000  /* struct tma_cosim_mbox */
#define TMA_COSIM_FAULT        0x2000  /* struct tma_cosim_fault */

#define TMA_COSIM_MBOX_MAGIC   0x544d5342u /* 'TMSB': the daemon is up */
#define TMA_COSIM_FAULT_MAGIC  0x544d4649u /* 'TMFI': a request is valid */
#define TMA_COSIM_MBOX_ENTRIES 256

/* The vector the guest rings and the vector the daemon interrupts on. */
#define TMA_COSIM_VECTOR       0

/**
 * struct tma_cosim_mbox - register writes from the guest.
 * @magic: %TMA_COSIM_MBOX_MAGIC once the daemon serves this memory.
 * @dev_peer: the daemon's ivshmem peer id; the guest rings
 *            (dev_peer << 16) | %TMA_COSIM_VECTOR.
 * @head: guest-owned, entries written (free-running).
 * @tail: daemon-owned, entries applied (free-running).
 * @doorbells: daemon-owned, doorbells seen (for debugfs).
 * @reserved: 0.
 * @ent: entry i % %TMA_COSIM_MBOX_ENTRIES holds write number i.
 */
struct tma_cosim_mbox {
	__u32 magic;
	__u32 dev_peer;
	__u32 head;
	__u32 tail;
	__u32 doorbells;
	__u32 reserved[3];
	struct {
		__u32 off;
		__u32 val;
	} ent[TMA_COSIM_MBOX_ENTRIES];
};

/**
 * struct tma_cosim_fault - a fault-injection request (tests only).
 * @magic: %TMA_COSIM_FAULT_MAGIC, written last by the test.
 * @seq: bumped by the test for each new request.
 * @ack: the daemon copies @seq here once the request is in force.
 * @hang: non-zero: the device stops making progress until a soft reset.
 * @bus_error_region: 1 + the region of the next job whose every access
 *                    gets a bus error; 0 for none.
 * @bad_status: non-zero: the next completion record gets this status.
 * @mbox_stall: non-zero: the daemon stops applying mailbox writes and shows
 *              the mailbox full (its @tail a ring behind @head) until a
 *              request with 0, when it puts @tail back and goes on.
 */
struct tma_cosim_fault {
	__u32 magic;
	__u32 seq;
	__u32 ack;
	__u32 hang;
	__u32 bus_error_region;
	__u32 bad_status;
	__u32 mbox_stall;
};

#endif /* TMA_COSIM_H */
