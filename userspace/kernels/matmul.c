// SPDX-License-Identifier: MIT
/*
 * matmul.c - BATCH_MATMUL reference kernels: batched A . B with the batch
 * axes broadcast (an axis of 1 repeats) and either operand transposed.
 */
#include "nn.h"

/*
 * Element offsets of batch number @i (row-major over the output's batch axes)
 * in A and in B: a broadcast axis (size 1) does not advance its operand.
 */
static void batch_offsets(const struct tm_matmul_params *p, size_t i, size_t *a_off,
			  size_t *b_off)
{
	size_t a = 0, b = 0, a_stride = 1, b_stride = 1;

	for (int32_t d = p->n_batch_dims - 1; d >= 0; d--) {
		int32_t na = p->a_batch[d], nb = p->b_batch[d];
		size_t n = (size_t)(na > nb ? na : nb);
		size_t idx = i % n;

		i /= n;
		if (na > 1)
			a += idx * a_stride;
		if (nb > 1)
			b += idx * b_stride;
		a_stride *= (size_t)na;
		b_stride *= (size_t)nb;
	}
	*a_off = a * (size_t)p->m * p->k;
	*b_off = b * (size_t)p->k * p->n;
}

static size_t out_batches(const struct tm_matmul_params *p)
{
	size_t n = 1;

	for (int32_t d = 0; d < p->n_batch_dims; d++)
		n *= (size_t)(p->a_batch[d] > p->b_batch[d] ? p->a_batch[d] : p->b_batch[d]);
	return n;
}

/* Index of A[row, j] and B[j, col] within one batch, honouring adj_x/adj_y. */
static size_t a_idx(const struct tm_matmul_params *p, int32_t row, int32_t j)
{
	return p->adj_x ? (size_t)j * p->m + row : (size_t)row * p->k + j;
}

static size_t b_idx(const struct tm_matmul_params *p, int32_t j, int32_t col)
{
	return p->adj_y ? (size_t)col * p->k + j : (size_t)j * p->n + col;
}

void tm_batch_matmul_f32_ref(const struct tm_matmul_params *p, const float *a, const float *b,
			     float *out)
{
	size_t nbatch = out_batches(p);

	for (size_t i = 0; i < nbatch; i++) {
		size_t ao, bo;

		batch_offsets(p, i, &ao, &bo);
		for (int32_t r = 0; r < p->m; r++)
		for (int32_t c = 0; c < p->n; c++) {
			float acc = 0.0f;

			for (int32_t j = 0; j < p->k; j++)
				acc += a[ao + a_idx(p, r, j)] * b[bo + b_idx(p, j, c)];
			out[(i * p->m + r) * p->n + c] = acc;
		}
	}
}

void tm_batch_matmul_int8_ref(const struct tm_matmul_params *p, const struct tm_nn_quant *q,
			      const int8_t *a, const int8_t *b, int8_t *out)
{
	size_t nbatch = out_batches(p);

	for (size_t i = 0; i < nbatch; i++) {
		size_t ao, bo;

		batch_offsets(p, i, &ao, &bo);
		for (int32_t r = 0; r < p->m; r++)
		for (int32_t c = 0; c < p->n; c++) {
			uint32_t acc = 0;

			for (int32_t j = 0; j < p->k; j++)
				acc += (uint32_t)((a[ao + a_idx(p, r, j)] - q->in_zp) *
						  (b[bo + b_idx(p, j, c)] - q->w_zp));
			out[(i * p->m + r) * p->n + c] = tm_nn_requant(acc, q, 0);
		}
	}
}
