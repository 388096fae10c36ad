// SPDX-License-Identifier: MIT
/*
 * dispatch_mm.c - float BATCH_MATMUL on the ISA's float GEMM (dispatch.h).
 *
 * B is an operand, not a weight: it changes every run, so each batch's B is
 * laid out for the GEMM ([blk][k][nr], from [k][n] or, with adj_y, [n][k])
 * into scratch when eval reaches it, once per distinct B batch; A's rows are
 * read in place (adj_x = 0; a transposed A runs the reference kernel). int8
 * BATCH_MATMUL stays on the reference: its B zero point makes a correction
 * per A row, which the int8 GEMM does not have.
 */
#include <math.h>
#include <string.h>
#include "dispatch.h"

struct tm_fast_mm {
	const struct tm_isa_ops *ops;
	struct tm_matmul_params p;
	size_t np;              /* n padded to the ISA's f32_nr */
	size_t rows_bytes;      /* scratch: A row pointers, then the packed B */
};

size_t tm_fast_mm_size(enum tm_isa isa, const struct tm_matmul_params *p)
{
	return tm_isa_ops_get(isa) && !p->adj_x ? sizeof(struct tm_fast_mm) : 0;
}

const struct tm_fast_mm *tm_fast_mm_init(void *mem, enum tm_isa isa,
					 const struct tm_matmul_params *p, size_t *scratch)
{
	const struct tm_isa_ops *ops = tm_isa_ops_get(isa);
	struct tm_fast_mm *f = mem;
	size_t nr;

	if (!ops || p->adj_x)
		return NULL;
	nr = ops->f32_nr;
	*f = (struct tm_fast_mm){ .ops = ops, .p = *p };
	f->np = ((size_t)p->n + nr - 1) / nr * nr;
	f->rows_bytes = ((size_t)p->m * sizeof(void *) + 63) & ~(size_t)63;
	*scratch = f->rows_bytes + f->np * (size_t)p->k * sizeof(float);
	return f;
}

/* One batch of B as [blk][k][nr], zero beyond n. */
static void pack_b(const struct tm_fast_mm *f, const float *b, float *dst)
{
	size_t nr = f->ops->f32_nr, n = (size_t)f->p.n, k = (size_t)f->p.k;

	for (size_t blk = 0; blk < f->np / nr; blk++)
		for (size_t j = 0; j < k; j++)
			for (size_t r = 0; r < nr; r++) {
				size_t c = blk * nr + r;

				*dst++ = c >= n ? 0.0f : f->p.adj_y ? b[c * k + j] : b[j * n + c];
			}
}

void tm_fast_mm_f32(const struct tm_fast_mm *f, const float *a, const float *b, float *out,
		    void *scratch)
{
	const struct tm_matmul_params *p = &f->p;
	size_t m = (size_t)p->m, k = (size_t)p->k, n = (size_t)p->n;
	const void **rows = scratch;
	float *packed = (float *)((uint8_t *)scratch + f->rows_bytes);
	struct tm_gemm_f32 g = { packed, n, 1, k, -INFINITY, INFINITY };
	int32_t idx[TM_MATMUL_MAX_BATCH_DIMS] = { 0 };
	size_t nbatch = 1, a_off = 0, b_off = 0, b_packed = (size_t)-1, sa = 1, sb = 1;
	size_t a_step[TM_MATMUL_MAX_BATCH_DIMS], b_step[TM_MATMUL_MAX_BATCH_DIMS];

	/* Element strides of each batch axis; a broadcast axis (size 1) does not step. */
	for (int32_t d = p->n_batch_dims - 1; d >= 0; d--) {
		a_step[d] = p->a_batch[d] > 1 ? sa * m * k : 0;
		b_step[d] = p->b_batch[d] > 1 ? sb * k * n : 0;
		sa *= (size_t)p->a_batch[d];
		sb *= (size_t)p->b_batch[d];
		nbatch *= (size_t)(p->a_batch[d] > p->b_batch[d] ? p->a_batch[d] : p->b_batch[d]);
	}
	for (size_t i = 0; i < nbatch; i++) {
		if (b_off != b_packed) {
			pack_b(f, b + b_off, packed);
			b_packed = b_off;
		}
		for (size_t r = 0; r < m; r++)
			rows[r] = a + a_off + r * k;
		f->ops->gemm_f32(&g, rows, m, NULL, out + i * m * n, n);
		/* Next batch: the output's batch axes, innermost fastest. */
		for (int32_t d = p->n_batch_dims - 1; d >= 0; d--) {
			int32_t size = p->a_batch[d] > p->b_batch[d] ? p->a_batch[d] : p->b_batch[d];

			a_off += a_step[d];
			b_off += b_step[d];
			if (++idx[d] < size)
				break;
			a_off -= a_step[d] * (size_t)size;
			b_off -= b_step[d] * (size_t)size;
			idx[d] = 0;
		}
	}
}
