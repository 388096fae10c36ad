// SPDX-License-Identifier: MIT
/*
 * fuzz_validate.c - libFuzzer target for the driver's command-stream walker
 * (driver/tma_validate.c), the code that sees untrusted streams in the
 * kernel. Input: u8 region count, u8 caps, 7 x u32 region sizes, then the
 * stream (whole 64-byte commands). Besides sanitizer findings it checks the
 * walker's own promise: an accepted stream ends at an END it points to.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tma_cmd.h"
#include "drm/tma_drm.h"
#include "tma_validate.h"

#define HDR (2 + 4 * DRM_TMA_MAX_USER_REGIONS)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tma_validate_result r;
	__u64 sizes[DRM_TMA_MAX_USER_REGIONS];
	__u32 count, ncmds;
	uint8_t *stream;

	if (size < HDR)
		return 0;
	count = data[0] % (DRM_TMA_MAX_USER_REGIONS + 1);
	for (int i = 0; i < DRM_TMA_MAX_USER_REGIONS; i++) {
		__u32 v;

		memcpy(&v, data + 2 + 4 * i, 4);
		sizes[i] = v;
	}
	ncmds = (__u32)((size - HDR) / TMA_CMD_SIZE);
	/* A heap copy of exactly the stream, so ASan sees any overread. */
	stream = malloc(ncmds * TMA_CMD_SIZE + 1);
	if (!stream)
		return 0;
	memcpy(stream, data + HDR, ncmds * TMA_CMD_SIZE);
	if (tma_validate_stream(stream, ncmds, sizes, count, data[1] & 0xf, &r) == 0) {
		if (r.cmd >= ncmds || (stream[r.cmd * TMA_CMD_SIZE] != TMA_OP_END))
			abort();
	} else if (r.reason == DRM_TMA_REJECT_NONE || r.reason > DRM_TMA_REJECT_NO_END) {
		abort();
	}
	free(stream);
	return 0;
}
