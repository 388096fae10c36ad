/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * tma_validate.h - the command-stream walker SUBMIT runs on its private copy
 * of a stream before the device sees it. Pure C over linux/types.h, so the
 * same file is built into tmaccel.ko and into userspace tests and a fuzzer.
 */
#ifndef TMA_VALIDATE_H
#define TMA_VALIDATE_H

#include <linux/types.h>

/**
 * struct tma_validate_result - where a stream failed, or its length.
 * @reason: 0 if accepted, else &enum drm_tma_reject.
 * @cmd: index of the failing command, or of END when accepted.
 * @opnd: &enum tma_operand of a failing operand, else 0.
 */
struct tma_validate_result {
	__u32 reason;
	__u32 cmd;
	__u32 opnd;
};

/**
 * tma_validate_stream() - check a command stream before the device sees it.
 * @stream: the commands, TMA_CMD_SIZE bytes each, little-endian words.
 * @ncmds: number of commands at @stream.
 * @region_size: byte size of each region the commands may name.
 * @region_count: entries of @region_size.
 * @caps: the device's CAPS register (which flags it supports).
 * @res: out: where the stream failed, or the index of its END.
 *
 * Walking stops at the first END; what follows it is never run.
 * Return: 0, or -EINVAL with @res saying why.
 */
int tma_validate_stream(const void *stream, __u32 ncmds, const __u64 *region_size,
			__u32 region_count, __u32 caps, struct tma_validate_result *res);

#endif /* TMA_VALIDATE_H */
