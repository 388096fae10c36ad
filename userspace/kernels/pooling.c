// SPDX-License-Identifier: MIT
/*
 * pooling.c - MAX_POOL_2D and AVG_POOL_2D reference kernels. Windows are
 * clipped to the input, so padding never enters a max or an average (the
 * average divides by the taps actually inside, as TFLite does).
 */
#include <float.h>
#include "nn.h"

/*
 * A walk over the output, one (image, pixel, channel) at a time, with the
 * part of that pixel's window lying inside the input: rows [y0, y1),
 * columns [x0, x1). Each kernel only reduces windows.
 */
struct pool_it {
	const struct tm_pool_params *p;
	int32_t b, oy, ox, ch;
	int32_t y0, y1, x0, x1;
	size_t out;             /* output element */
};

static void pool_window(struct pool_it *it)
{
	const struct tm_pool_params *p = it->p;
	int32_t iy = it->oy * p->stride_h - p->pad_top, ix = it->ox * p->stride_w - p->pad_left;

	it->y0 = iy > 0 ? iy : 0;
	it->y1 = iy + p->f_h < p->in_h ? iy + p->f_h : p->in_h;
	it->x0 = ix > 0 ? ix : 0;
	it->x1 = ix + p->f_w < p->in_w ? ix + p->f_w : p->in_w;
}

static void pool_it_init(struct pool_it *it, const struct tm_pool_params *p)
{
	*it = (struct pool_it){ .p = p };
	pool_window(it);
}

/* @return 0 when the walk is over. */
static int pool_it_next(struct pool_it *it)
{
	const struct tm_pool_params *p = it->p;

	it->out++;
	if (++it->ch < p->c)
		return 1;
	it->ch = 0;
	if (++it->ox == p->out_w) {
		it->ox = 0;
		if (++it->oy == p->out_h) {
			it->oy = 0;
			if (++it->b == p->batch)
				return 0;
		}
	}
	pool_window(it);
	return 1;
}

static size_t pool_in(const struct pool_it *it, int32_t y, int32_t x)
{
	const struct tm_pool_params *p = it->p;

	return (((size_t)it->b * p->in_h + y) * p->in_w + x) * p->c + it->ch;
}

static int32_t pool_taps(const struct pool_it *it)
{
	return (it->y1 - it->y0) * (it->x1 - it->x0);
}

void tm_max_pool_f32_ref(const struct tm_pool_params *p, const float *in, float *out)
{
	struct pool_it it;

	pool_it_init(&it, p);
	do {
		float m = -FLT_MAX;

		for (int32_t y = it.y0; y < it.y1; y++)
			for (int32_t x = it.x0; x < it.x1; x++)
				m = in[pool_in(&it, y, x)] > m ? in[pool_in(&it, y, x)] : m;
		out[it.out] = tm_nn_act_f32(m, &p->act);
	} while (pool_it_next(&it));
}

void tm_avg_pool_f32_ref(const struct tm_pool_params *p, const float *in, float *out)
{
	struct pool_it it;

	pool_it_init(&it, p);
	do {
		float sum = 0.0f;
		int32_t n = pool_taps(&it);

		for (int32_t y = it.y0; y < it.y1; y++)
			for (int32_t x = it.x0; x < it.x1; x++)
				sum += in[pool_in(&it, y, x)];
		out[it.out] = tm_nn_act_f32(n > 0 ? sum / (float)n : 0.0f, &p->act);
	} while (pool_it_next(&it));
}

void tm_max_pool_int8_ref(const struct tm_pool_params *p, int32_t act_min, int32_t act_max,
			  const int8_t *in, int8_t *out)
{
	struct pool_it it;

	pool_it_init(&it, p);
	do {
		int32_t m = -128;

		for (int32_t y = it.y0; y < it.y1; y++)
			for (int32_t x = it.x0; x < it.x1; x++)
				m = in[pool_in(&it, y, x)] > m ? in[pool_in(&it, y, x)] : m;
		out[it.out] = (int8_t)tm_clamp_i32(m, act_min, act_max);
	} while (pool_it_next(&it));
}

void tm_avg_pool_int8_ref(const struct tm_pool_params *p, int32_t act_min, int32_t act_max,
			  const int8_t *in, int8_t *out)
{
	struct pool_it it;

	pool_it_init(&it, p);
	do {
		int32_t sum = 0, avg = 0, n = pool_taps(&it);

		for (int32_t y = it.y0; y < it.y1; y++)
			for (int32_t x = it.x0; x < it.x1; x++)
				sum += in[pool_in(&it, y, x)];
		/* Division truncates; n/2 added away from zero makes it round half away. */
		if (n > 0)
			avg = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
		out[it.out] = (int8_t)tm_clamp_i32(avg, act_min, act_max);
	} while (pool_it_next(&it));
}
