// SPDX-License-Identifier: MIT
/* fuzz_validate_seeds DIR: valid FC and CONV2D streams as the fuzzer's seeds. */
#include <stdio.h>
#include <string.h>

#include "tma_cmd.h"
#include "drm/tma_drm.h"

#define HDR (2 + 4 * DRM_TMA_MAX_USER_REGIONS)

static int write_seed(const char *dir, const char *name, const struct tma_cmd *c, int n)
{
	unsigned char hdr[HDR] = { 4, 0xf };
	char path[512];
	FILE *f;

	for (int i = 0; i < DRM_TMA_MAX_USER_REGIONS; i++) {
		unsigned int v = 4096;

		memcpy(hdr + 2 + 4 * i, &v, 4);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return 1;
	fwrite(hdr, 1, sizeof(hdr), f);
	fwrite(c, sizeof(*c), (size_t)n, f);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	struct tma_cmd s[3];

	if (argc != 2)
		return 2;
	memset(s, 0, sizeof(s));
	s[0].op = TMA_OP_FC;
	s[0].regions = 0 | 1 << 8 | 2 << 16 | 3 << 24;
	s[0].chans = 16 | 8u << 16;
	s[0].out_hw = 3u << 16;
	s[0].quant = 0x80u << 16 | 0x7fu << 24;
	s[0].in_pix_stride = 16;
	s[0].out_pix_stride = 8;
	s[1].op = TMA_OP_END;
	if (write_seed(argv[1], "fc", s, 2))
		return 1;
	memset(s, 0, sizeof(s));
	s[0].op = TMA_OP_CONV2D | TMA_FLAG_DEPTHWISE << 8;
	s[0].regions = 0 | 1 << 8 | 2 << 16 | 3 << 24;
	s[0].in_hw = 5 | 5u << 16;
	s[0].chans = 4 | 8u << 16;
	s[0].out_hw = 3 | 3u << 16;
	s[0].kernel = 3 | 3 << 8 | 1 << 16 | 1 << 24;
	s[0].dil_pad = 1 | 1 << 8;
	s[0].quant = 0x80u << 16 | 0x7fu << 24;
	s[0].in_pix_stride = 4;
	s[0].in_row_stride = 20;
	s[0].out_pix_stride = 8;
	s[0].out_row_stride = 24;
	s[1].op = TMA_OP_NOP;
	s[2].op = TMA_OP_END;
	return write_seed(argv[1], "conv", s, 3);
}
