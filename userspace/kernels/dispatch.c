// SPDX-License-Identifier: MIT
/*
 * dispatch.c - choice of the CPU kernel variant, and the ISA-neutral drivers
 * of the fast kernels: weight packing (once, in prepare), the padded input
 * and row pointers of the GEMMs, tap lists and broadcast rows that feed each
 * ISA's primitives.
 *
 * int8 GEMM arithmetic: the A panel holds x + xoff (xoff = 128 on x86, where
 * VNNI multiplies unsigned by signed bytes; 0 on AArch64's signed SDOT), and
 * the per-channel correction corr = -(in_zp + xoff) * sum(w) restores
 * sum((x - in_zp) * w). A padded tap is filled with in_zp + xoff, which the
 * correction cancels exactly: it contributes nothing, as in the reference.
 * All of it wraps modulo 2^32 like the reference's uint32_t accumulators.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

/* ---- choosing a variant ---------------------------------------------------- */

static const char *const isa_names[TM_ISA_COUNT] = {
	[TM_ISA_REF] = "ref", [TM_ISA_AVX2] = "avx2", [TM_ISA_VNNI] = "vnni",
	[TM_ISA_NEON] = "neon", [TM_ISA_DOTPROD] = "dotprod",
};

const char *tm_isa_name(enum tm_isa isa)
{
	return (unsigned)isa < TM_ISA_COUNT ? isa_names[isa] : "invalid";
}

int tm_isa_supported(enum tm_isa isa)
{
	switch (isa) {
	case TM_ISA_REF:
		return 1;
#if defined(__x86_64__)
	case TM_ISA_AVX2:
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	case TM_ISA_VNNI:
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#elif defined(__aarch64__)
	case TM_ISA_NEON:
		return !!(getauxval(AT_HWCAP) & HWCAP_ASIMD);
	case TM_ISA_DOTPROD:
		return !!(getauxval(AT_HWCAP) & HWCAP_ASIMDDP);
#endif
	default:
		return 0;
	}
}

const struct tm_isa_ops *tm_isa_ops_get(enum tm_isa isa)
{
	if (!tm_isa_supported(isa))
		return NULL;
	switch (isa) {
#if defined(__x86_64__)
	case TM_ISA_AVX2: return &tm_isa_avx2;
	case TM_ISA_VNNI: return &tm_isa_vnni;
#elif defined(__aarch64__)
	case TM_ISA_NEON: return &tm_isa_neon;
	case TM_ISA_DOTPROD: return &tm_isa_dotprod;
#endif
	default: return NULL;
	}
}

int tm_isa_select(const char **why)
{
	const char *env = getenv("TM_CPU");

	if (env && *env) {
		for (int i = 0; i < TM_ISA_COUNT; i++)
			if (!strcmp(env, isa_names[i]) && tm_isa_supported((enum tm_isa)i))
				return i;
		if (why)
			*why = "TM_CPU names no kernel variant this build and CPU support "
			       "(ref, avx2, vnni, neon, dotprod)";
		return -EINVAL;
	}
	for (int i = TM_ISA_COUNT - 1; i > 0; i--)
		if (tm_isa_supported((enum tm_isa)i))
			return i;
	return TM_ISA_REF;
}

/* ---- persistent memory layout ----------------------------------------------- */

/* A bump allocator over the caller's block; with mem == NULL it only measures. */
struct carve {
	uint8_t *mem;
	size_t off;
};

static void *carve(struct carve *c, size_t bytes)
{
	void *p;

	c->off = (c->off + 63) & ~(size_t)63;
	p = c->mem ? c->mem + c->off : NULL;
	c->off += bytes;
	return p;
}

static size_t round_up(size_t x, size_t m)
{
	return (x + m - 1) / m * m;
}

/* Per-channel requantization arrays for @n channels padded to @np. */
static void rq_init(struct carve *c, struct tm_rq *rq, const struct tm_nn_quant *q, size_t n,
		    size_t np)
{
	int32_t *qf = carve(c, np * 4), *ls = carve(c, np * 4), *rs = carve(c, np * 4);

	if (!c->mem)
		return;
	for (size_t i = 0; i < np; i++) {
		int sh = i < n ? q->shift[i] : 0;

		qf[i] = i < n ? q->q_fixed[i] : 0;
		ls[i] = sh > 0 ? sh : 0;
		rs[i] = sh > 0 ? 0 : -sh;
	}
	*rq = (struct tm_rq){ qf, ls, rs, q->out_zp, q->act_min, q->act_max };
}

/* ---- CONV_2D and FULLY_CONNECTED ---------------------------------------------- */

/*
 * No im2col copy: eval writes the input once into a padded copy (int8: as the
 * panel's elements, x + xoff, the border holding in_zp + xoff; float: only
 * when there is padding), and each GEMM row is a list of pointers into it,
 * one per segment of the window that is contiguous there: a kernel row
 * (kw * in_c elements) when dil_w is 1, else one tap (in_c elements). Weights
 * are packed in that order with each segment padded to segp elements (a
 * multiple of the ISA's kr) by zero weights, so the over-read of a segment's
 * end multiplies something finite by 0.
 */
struct tm_fast_conv {
	const struct tm_isa_ops *ops;
	struct tm_conv_params p;
	int is_float, direct;   /* direct: float without padding reads the input itself */
	size_t seglen, nseg;    /* the window as nseg segments of seglen elements */
	size_t hp, wp, elem;    /* padded input extent, element bytes */
	size_t rows_bytes;      /* scratch: the row pointers first (aligned), */
	size_t pad_bytes;       /* then the padded copy, slack included */
	size_t tile;            /* output pixels per GEMM call */
	int32_t fill;           /* int8: the border's element */
	struct tm_gemm_i8 gi;
	struct tm_gemm_f32 gf;
};

/* Bytes after the padded copy: a segment's zero-weighted over-read stays inside. */
#define CONV_SLACK 64

static size_t conv_pixels(const struct tm_conv_params *p)
{
	return (size_t)p->batch * p->out_h * p->out_w;
}

/* Bottom/right padding the output size implies (the kernels only see top/left). */
static size_t padded_extent(int32_t out, int32_t stride, int32_t k, int32_t dil, int32_t in,
			    int32_t pad0)
{
	size_t need = (size_t)(out - 1) * stride + (size_t)(k - 1) * dil + 1;
	size_t have = (size_t)in + pad0;

	return need > have ? need : have;
}

/* [blk][k][nr] floats in segment order, zero beyond n. */
static void pack_f32(const struct tm_fast_conv *f, const float *wf, float *dst)
{
	size_t nr = f->ops->f32_nr, n = f->gf.n, k = f->nseg * f->seglen;

	for (size_t blk = 0; blk < round_up(n, nr) / nr; blk++)
		for (size_t j = 0; j < k; j++)
			for (size_t r = 0; r < nr; r++) {
				size_t ch = blk * nr + r;

				*dst++ = ch < n ? wf[ch * k + j] : 0.0f;
			}
}

/*
 * [blk][kp / kr][nr][kr] with kp = nseg * segp, each segment's tail zero;
 * corr as the header comment says (padding weights are zero: no effect).
 */
static void pack_i8(const struct tm_fast_conv *f, const struct tm_nn_weights *w, int32_t in_zp,
		    int8_t *dst, int32_t *corr, int8_t *row_scratch)
{
	size_t nr = f->ops->i8_nr, kr = f->ops->i8_kr, n = f->gi.n, kp = f->gi.kp;
	size_t segp = f->gi.segp;
	uint32_t off = (uint32_t)(in_zp + f->ops->i8_xoff);

	memset(dst, 0, round_up(n, nr) * kp);
	memset(corr, 0, round_up(n, nr) * 4);
	for (size_t ch = 0; ch < n; ch++) {
		const int8_t *row = tm_nn_weights_row(w, ch, row_scratch);
		int8_t *blk = dst + ch / nr * nr * kp;
		uint32_t sum = 0;

		for (size_t s = 0; s < f->nseg; s++)
			for (size_t i = 0; i < f->seglen; i++) {
				size_t j = s * segp + i;
				int8_t v = row[s * f->seglen + i];

				blk[(j / kr * nr + ch % nr) * kr + j % kr] = v;
				sum += (uint32_t)(int32_t)v;
			}
		corr[ch] = (int32_t)(0u - off * sum);
	}
}

/* Pixels per GEMM call: enough rows to reuse each weight block, a bounded pointer list. */
static size_t conv_tile(size_t npix)
{
	return npix < 64 ? npix : 64;
}

/*
 * Lay out (and, when c->mem is set, fill) a convolution's persistent block:
 * the one function both measures and builds, so the two cannot disagree.
 */
static struct tm_fast_conv *conv_build(struct carve *c, const struct tm_isa_ops *ops,
				       const struct tm_conv_params *p,
				       const struct tm_nn_quant *q,
				       const struct tm_nn_weights *w, const float *wf,
				       int is_float, size_t *scratch)
{
	struct tm_fast_conv *f = carve(c, sizeof(*f));
	struct tm_fast_conv t = { .ops = ops, .p = *p, .is_float = is_float };
	size_t n = (size_t)p->out_c, np;

	if (p->dil_w == 1) {
		t.seglen = (size_t)p->k_w * p->in_c;
		t.nseg = (size_t)p->k_h;
	} else {
		t.seglen = (size_t)p->in_c;
		t.nseg = (size_t)p->k_h * p->k_w;
	}
	t.hp = padded_extent(p->out_h, p->stride_h, p->k_h, p->dil_h, p->in_h, p->pad_top);
	t.wp = padded_extent(p->out_w, p->stride_w, p->k_w, p->dil_w, p->in_w, p->pad_left);
	t.tile = conv_tile(conv_pixels(p));
	if (is_float) {
		np = round_up(n, ops->f32_nr);
		t.elem = sizeof(float);
		t.direct = p->pad_top == 0 && p->pad_left == 0 && t.hp == (size_t)p->in_h &&
			   t.wp == (size_t)p->in_w;
		t.gf = (struct tm_gemm_f32){ .w = carve(c, np * t.nseg * t.seglen * sizeof(float)),
					     .n = n, .nseg = t.nseg, .seglen = t.seglen,
					     .act_min = p->act.min, .act_max = p->act.max };
	} else {
		size_t segp = round_up(t.seglen, ops->i8_kr);

		np = round_up(n, ops->i8_nr);
		t.elem = ops->i8_a16 ? 2 : 1;
		t.gi = (struct tm_gemm_i8){ .w = carve(c, np * t.nseg * segp), .corr = carve(c, np * 4),
					    .n = n, .nseg = t.nseg, .segp = segp,
					    .kp = t.nseg * segp };
		rq_init(c, &t.gi.rq, q, n, np);
	}
	t.pad_bytes = t.direct ? 0 : (size_t)p->batch * t.hp * t.wp * p->in_c * t.elem + CONV_SLACK;
	t.rows_bytes = round_up(t.tile * t.nseg * sizeof(void *), 64);
	*scratch = t.rows_bytes + t.pad_bytes;
	if (!is_float) {
		int8_t *row = carve(c, tm_nn_weights_scratch_size(w));

		if (c->mem) {
			t.fill = q->in_zp + ops->i8_xoff;
			pack_i8(&t, w, q->in_zp, (int8_t *)t.gi.w, (int32_t *)t.gi.corr, row);
		}
	} else if (c->mem) {
		pack_f32(&t, wf, (float *)t.gf.w);
	}
	if (f)
		*f = t;
	return f;
}

size_t tm_fast_conv_size(enum tm_isa isa, const struct tm_conv_params *p,
			 const struct tm_nn_weights *w, int is_float)
{
	const struct tm_isa_ops *ops = tm_isa_ops_get(isa);
	struct carve c = { 0 };
	size_t scratch;

	if (!ops)
		return 0;
	conv_build(&c, ops, p, NULL, w, NULL, is_float, &scratch);
	return c.off;
}

const struct tm_fast_conv *tm_fast_conv_init(void *mem, enum tm_isa isa,
					     const struct tm_conv_params *p,
					     const struct tm_nn_quant *q,
					     const struct tm_nn_weights *w, const float *wf,
					     size_t *scratch)
{
	const struct tm_isa_ops *ops = tm_isa_ops_get(isa);
	struct carve c = { mem, 0 };

	if (!ops)
		return NULL;
	return conv_build(&c, ops, p, q, w, wf, wf != NULL, scratch);
}

void tm_fast_fc_geometry(const struct tm_fc_params *fc, struct tm_conv_params *p)
{
	*p = (struct tm_conv_params){
		.batch = 1, .in_h = 1, .in_w = fc->batch, .in_c = fc->in_dim,
		.out_h = 1, .out_w = fc->batch, .out_c = fc->out_dim,
		.k_h = 1, .k_w = 1, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
		.depth_mult = 1, .act = fc->act,
	};
}

/* Fill @n elements at @dst with the border value. */
static void pad_fill(const struct tm_fast_conv *f, uint8_t *dst, size_t n)
{
	if (f->is_float)
		memset(dst, 0, n * sizeof(float));
	else if (f->elem == 2)
		for (size_t i = 0; i < n; i++)
			((int16_t *)dst)[i] = (int16_t)f->fill;
	else
		memset(dst, (uint8_t)f->fill, n);
}

/* The padded copy: border, then each input row as panel elements. */
static void pad_input(const struct tm_fast_conv *f, const void *in, uint8_t *dst)
{
	const struct tm_conv_params *p = &f->p;
	size_t c = (size_t)p->in_c, row = (size_t)p->in_w * c;

	pad_fill(f, dst, f->pad_bytes / f->elem);
	for (int32_t b = 0; b < p->batch; b++)
		for (int32_t y = 0; y < p->in_h; y++) {
			size_t src = ((size_t)b * p->in_h + y) * row;
			uint8_t *d = dst + (((size_t)b * f->hp + y + p->pad_top) * f->wp + p->pad_left) *
					   c * f->elem;

			if (f->is_float)
				memcpy(d, (const float *)in + src, row * sizeof(float));
			else
				f->ops->panel_i8((const int8_t *)in + src, row, d);
		}
}

/* Segment pointers of output pixels [p0, p0 + m) into the padded input @base. */
static void conv_rows(const struct tm_fast_conv *f, const uint8_t *base, size_t p0, size_t m,
		      const void **rows)
{
	const struct tm_conv_params *p = &f->p;
	size_t c = (size_t)p->in_c;

	for (size_t i = 0; i < m; i++) {
		size_t pix = p0 + i;
		size_t ox = pix % (size_t)p->out_w, oy = pix / (size_t)p->out_w % (size_t)p->out_h;
		size_t b = pix / ((size_t)p->out_w * p->out_h);

		for (size_t s = 0; s < f->nseg; s++) {
			size_t ky = p->dil_w == 1 ? s : s / (size_t)p->k_w;
			size_t kx = p->dil_w == 1 ? 0 : s % (size_t)p->k_w;
			size_t y = oy * (size_t)p->stride_h + ky * (size_t)p->dil_h;
			size_t x = ox * (size_t)p->stride_w + kx * (size_t)p->dil_w;

			*rows++ = base + ((b * f->hp + y) * f->wp + x) * c * f->elem;
		}
	}
}

static const uint8_t *conv_base(const struct tm_fast_conv *f, const void *in, void *scratch)
{
	uint8_t *pad = (uint8_t *)scratch + f->rows_bytes;

	if (f->direct)
		return in;
	pad_input(f, in, pad);
	return pad;
}

void tm_fast_conv_int8(const struct tm_fast_conv *f, const int8_t *in, const int32_t *bias,
		       int8_t *out, void *scratch)
{
	const uint8_t *base = conv_base(f, in, scratch);
	const void **rows = scratch;
	size_t npix = conv_pixels(&f->p);

	for (size_t p0 = 0; p0 < npix; p0 += f->tile) {
		size_t m = npix - p0 < f->tile ? npix - p0 : f->tile;

		conv_rows(f, base, p0, m, rows);
		f->ops->gemm_i8(&f->gi, rows, m, bias, out + p0 * f->gi.n, f->gi.n);
	}
}

void tm_fast_conv_f32(const struct tm_fast_conv *f, const float *in, const float *bias,
		      float *out, void *scratch)
{
	const uint8_t *base = conv_base(f, in, scratch);
	const void **rows = scratch;
	size_t npix = conv_pixels(&f->p);

	for (size_t p0 = 0; p0 < npix; p0 += f->tile) {
		size_t m = npix - p0 < f->tile ? npix - p0 : f->tile;

		conv_rows(f, base, p0, m, rows);
		f->ops->gemm_f32(&f->gf, rows, m, bias, out + p0 * f->gf.n, f->gf.n);
	}
}

/* ---- DEPTHWISE_CONV_2D ---------------------------------------------------------- */

struct tm_fast_dw {
	const struct tm_isa_ops *ops;
	struct tm_conv_params p;
	struct tm_dw_i8 d;
	const int8_t *w8;       /* int8 weights [k_h * k_w][c] */
	const float *wf;
};

static size_t dw_taps(const struct tm_conv_params *p)
{
	return (size_t)p->k_h * p->k_w;
}

/* Measures (c->mem NULL) or builds a depthwise block, like conv_build(). */
static struct tm_fast_dw *dw_build(struct carve *c, const struct tm_isa_ops *ops,
				   const struct tm_conv_params *p, const struct tm_nn_quant *q,
				   const struct tm_nn_weights *w, const float *wf, int is_float,
				   size_t *scratch)
{
	struct tm_fast_dw *f = carve(c, sizeof(*f));
	struct tm_fast_dw tmp = { .ops = ops, .p = *p, .wf = wf };
	size_t n = (size_t)p->out_c;

	if (!is_float) {
		/* Compact encodings are decoded once here; dense int8 is used in place. */
		int8_t *dec = w->fmt == TM_NN_W_INT8 ? NULL : carve(c, w->cols);

		rq_init(c, &tmp.d.rq, q, n, round_up(n, 16));
		if (c->mem) {
			tmp.d.c = n;
			tmp.d.in_zp = q->in_zp;
			tmp.w8 = tm_nn_weights_row(w, 0, dec);
		}
	}
	*scratch = 2 * dw_taps(p) * sizeof(void *);
	if (f)
		*f = tmp;
	return f;
}

size_t tm_fast_dw_size(enum tm_isa isa, const struct tm_conv_params *p,
		       const struct tm_nn_weights *w, int is_float)
{
	const struct tm_isa_ops *ops = tm_isa_ops_get(isa);
	struct carve c = { 0 };
	size_t scratch;

	if (!ops || p->depth_mult != 1 || (is_float ? !ops->dw_f32 : !ops->dw_i8))
		return 0;
	dw_build(&c, ops, p, NULL, w, NULL, is_float, &scratch);
	return c.off;
}

const struct tm_fast_dw *tm_fast_dw_init(void *mem, enum tm_isa isa,
					 const struct tm_conv_params *p,
					 const struct tm_nn_quant *q,
					 const struct tm_nn_weights *w, const float *wf,
					 size_t *scratch)
{
	const struct tm_isa_ops *ops = tm_isa_ops_get(isa);
	struct carve c = { mem, 0 };

	if (!ops || p->depth_mult != 1 || (wf ? !ops->dw_f32 : !ops->dw_i8))
		return NULL;
	return dw_build(&c, ops, p, q, w, wf, wf != NULL, scratch);
}

/*
 * Walk every output pixel with the taps of its window that lie inside the
 * input, in the reference's (ky, kx) order: input rows in ip[], weight rows
 * in wp[]; @px computes the pixel at output offset @out_off.
 */
static void dw_walk(const struct tm_fast_dw *f, const void *in, const void *w, size_t elem,
		    void *scratch,
		    void (*px)(const struct tm_fast_dw *f, const void *const *ip,
			       const void *const *wp, size_t n, size_t out_off, void *arg),
		    void *arg)
{
	const struct tm_conv_params *p = &f->p;
	size_t c = (size_t)p->out_c, out_off = 0;
	const void **ip = scratch, **wp = ip + dw_taps(p);

	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++, out_off += c) {
		size_t n = 0;

		for (int32_t ky = 0; ky < p->k_h; ky++)
			for (int32_t kx = 0; kx < p->k_w; kx++) {
				long t = tm_nn_conv_tap(p, b,
							oy * p->stride_h - p->pad_top + ky * p->dil_h,
							ox * p->stride_w - p->pad_left + kx * p->dil_w);
				if (t < 0)
					continue;
				ip[n] = (const uint8_t *)in + (size_t)t * elem;
				wp[n++] = (const uint8_t *)w + ((size_t)ky * p->k_w + kx) * c * elem;
			}
		px(f, ip, wp, n, out_off, arg);
	}
}

struct dw_run {
	const void *bias;
	void *out;
};

static void dw_px_i8(const struct tm_fast_dw *f, const void *const *ip, const void *const *wp,
		     size_t n, size_t out_off, void *arg)
{
	struct dw_run *r = arg;

	f->ops->dw_i8(&f->d, (const int8_t *const *)ip, (const int8_t *const *)wp, n, r->bias,
		      (int8_t *)r->out + out_off);
}

static void dw_px_f32(const struct tm_fast_dw *f, const void *const *ip, const void *const *wp,
		      size_t n, size_t out_off, void *arg)
{
	struct dw_run *r = arg;

	f->ops->dw_f32((size_t)f->p.out_c, (const float *const *)ip, (const float *const *)wp,
		       n, r->bias, f->p.act.min, f->p.act.max, (float *)r->out + out_off);
}

void tm_fast_dw_int8(const struct tm_fast_dw *f, const int8_t *in, const int32_t *bias,
		     int8_t *out, void *scratch)
{
	struct dw_run r = { bias, out };

	dw_walk(f, in, f->w8, 1, scratch, dw_px_i8, &r);
}

void tm_fast_dw_f32(const struct tm_fast_dw *f, const float *in, const float *bias,
		    float *out, void *scratch)
{
	struct dw_run r = { bias, out };

	dw_walk(f, in, f->wf, sizeof(float), scratch, dw_px_f32, &r);
}

/* ---- pooling ------------------------------------------------------------------------ */

/* Beyond this many taps a window is not worth a pointer list: the reference runs. */
#define POOL_MAX_TAPS 4096

size_t tm_fast_pool_scratch(const struct tm_pool_params *p)
{
	size_t taps = (size_t)p->f_h * p->f_w;

	return taps > POOL_MAX_TAPS ? 0 : taps * sizeof(void *);
}

/*
 * The window of every output pixel, clipped to the input, as pointers to its
 * input pixels in the reference's (y, x) order; @px reduces one window.
 */
static void pool_walk(const struct tm_pool_params *p, const void *in, size_t elem, void *scratch,
		      void (*px)(const void *const *ip, size_t n, size_t out_off, void *arg),
		      void *arg)
{
	const void **ip = scratch;
	size_t c = (size_t)p->c, out_off = 0;

	for (int32_t b = 0; b < p->batch; b++)
	for (int32_t oy = 0; oy < p->out_h; oy++)
	for (int32_t ox = 0; ox < p->out_w; ox++, out_off += c) {
		int32_t iy = oy * p->stride_h - p->pad_top, ix = ox * p->stride_w - p->pad_left;
		int32_t y0 = iy > 0 ? iy : 0, y1 = iy + p->f_h < p->in_h ? iy + p->f_h : p->in_h;
		int32_t x0 = ix > 0 ? ix : 0, x1 = ix + p->f_w < p->in_w ? ix + p->f_w : p->in_w;
		size_t n = 0;

		for (int32_t y = y0; y < y1; y++)
			for (int32_t x = x0; x < x1; x++)
				ip[n++] = (const uint8_t *)in +
					  ((((size_t)b * p->in_h + y) * p->in_w + x) * c) * elem;
		px(ip, n, out_off, arg);
	}
}

struct pool_run {
	const struct tm_isa_ops *ops;
	int avg;
	size_t c;
	int32_t lo, hi;
	float flo, fhi;
	void *out;
};

static void pool_px_i8(const void *const *ip, size_t n, size_t out_off, void *arg)
{
	struct pool_run *r = arg;
	int8_t *o = (int8_t *)r->out + out_off;

	(r->avg ? r->ops->avg_i8 : r->ops->max_i8)((const int8_t *const *)ip, n, r->c, r->lo,
						     r->hi, o);
}

static void pool_px_f32(const void *const *ip, size_t n, size_t out_off, void *arg)
{
	struct pool_run *r = arg;
	float *o = (float *)r->out + out_off;

	(r->avg ? r->ops->avg_f32 : r->ops->max_f32)((const float *const *)ip, n, r->c, r->flo,
						       r->fhi, o);
}

void tm_fast_pool_int8(const struct tm_isa_ops *ops, int avg, const struct tm_pool_params *p,
		       int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out,
		       void *scratch)
{
	struct pool_run r = { ops, avg, (size_t)p->c, act_min, act_max, 0, 0, out };

	pool_walk(p, in, 1, scratch, pool_px_i8, &r);
}

void tm_fast_pool_f32(const struct tm_isa_ops *ops, int avg, const struct tm_pool_params *p,
		      const float *in, float *out, void *scratch)
{
	struct pool_run r = { ops, avg, (size_t)p->c, 0, 0, p->act.min, p->act.max, out };

	pool_walk(p, in, sizeof(float), scratch, pool_px_f32, &r);
}

/* ---- elementwise ADD / SUB / MUL ------------------------------------------------------ */

int tm_fast_bcast_ok(const struct tm_bcast *bc)
{
	unsigned last = bc->rank - 1;

	return bc->stride_a[last] <= 1 && bc->stride_b[last] <= 1;
}

/*
 * @bc with adjacent axes merged wherever both operands step through them as
 * one (stride[i] == stride[i + 1] * shape[i + 1], zero strides included), so
 * a tensor op a scalar is one long row rather than many short ones.
 */
static void bcast_coalesce(const struct tm_bcast *bc, struct tm_bcast *out)
{
	unsigned r = 0;

	out->shape[0] = bc->shape[0];
	out->stride_a[0] = bc->stride_a[0];
	out->stride_b[0] = bc->stride_b[0];
	for (unsigned i = 1; i < bc->rank; i++) {
		if (out->stride_a[r] == bc->stride_a[i] * (size_t)bc->shape[i] &&
		    out->stride_b[r] == bc->stride_b[i] * (size_t)bc->shape[i]) {
			out->shape[r] *= bc->shape[i];
		} else {
			r++;
			out->shape[r] = bc->shape[i];
		}
		out->stride_a[r] = bc->stride_a[i];
		out->stride_b[r] = bc->stride_b[i];
	}
	out->rank = r + 1;
}

/*
 * Rows of the innermost axis; @row gets each row's operand offsets. The outer
 * axes advance like an odometer, as the reference's broadcast walk does.
 */
static void bcast_rows(const struct tm_bcast *full,
		       void (*row)(size_t ia, size_t ib, size_t io, size_t n, void *arg), void *arg)
{
	struct tm_bcast c, *bc = &c;
	int32_t idx[TM_K_MAX_RANK] = { 0 };
	size_t ia = 0, ib = 0, len, rows = 1;
	unsigned last;

	bcast_coalesce(full, bc);
	last = bc->rank - 1;
	len = (size_t)bc->shape[last];
	for (unsigned i = 0; i < last; i++)
		rows *= (size_t)bc->shape[i];
	for (size_t r = 0; r < rows; r++) {
		row(ia, ib, r * len, len, arg);
		for (unsigned i = last; i-- > 0;) {
			ia += bc->stride_a[i];
			ib += bc->stride_b[i];
			if (++idx[i] < bc->shape[i])
				break;
			ia -= bc->stride_a[i] * (size_t)bc->shape[i];
			ib -= bc->stride_b[i] * (size_t)bc->shape[i];
			idx[i] = 0;
		}
	}
}

struct bin_run {
	const struct tm_isa_ops *ops;
	const struct tm_bcast *bc;
	const void *a, *b;
	void *out;
	const struct tm_add_params *add;
	const struct tm_mul_params *mul;
	int sign;
	enum tm_fast_binop op;
	float lo, hi;
};

static void row_add_i8(size_t ia, size_t ib, size_t io, size_t n, void *arg)
{
	struct bin_run *r = arg;
	unsigned l = r->bc->rank - 1;

	r->ops->add_i8(r->add, r->sign, (const int8_t *)r->a + ia, r->bc->stride_a[l],
		       (const int8_t *)r->b + ib, r->bc->stride_b[l], (int8_t *)r->out + io, n);
}

static void row_mul_i8(size_t ia, size_t ib, size_t io, size_t n, void *arg)
{
	struct bin_run *r = arg;
	unsigned l = r->bc->rank - 1;

	r->ops->mul_i8(r->mul, (const int8_t *)r->a + ia, r->bc->stride_a[l],
		       (const int8_t *)r->b + ib, r->bc->stride_b[l], (int8_t *)r->out + io, n);
}

static void row_f32(size_t ia, size_t ib, size_t io, size_t n, void *arg)
{
	struct bin_run *r = arg;
	unsigned l = r->bc->rank - 1;

	r->ops->bin_f32(r->op, (const float *)r->a + ia, r->bc->stride_a[l],
			(const float *)r->b + ib, r->bc->stride_b[l], r->lo, r->hi,
			(float *)r->out + io, n);
}

void tm_fast_add_int8(const struct tm_isa_ops *ops, const struct tm_add_params *p, int sign,
		      const struct tm_bcast *bc, const int8_t *a, const int8_t *b, int8_t *out)
{
	struct bin_run r = { .ops = ops, .bc = bc, .a = a, .b = b, .out = out, .add = p,
			     .sign = sign };

	bcast_rows(bc, row_add_i8, &r);
}

void tm_fast_mul_int8(const struct tm_isa_ops *ops, const struct tm_mul_params *p,
		      const struct tm_bcast *bc, const int8_t *a, const int8_t *b, int8_t *out)
{
	struct bin_run r = { .ops = ops, .bc = bc, .a = a, .b = b, .out = out, .mul = p };

	bcast_rows(bc, row_mul_i8, &r);
}

static void row_minmax_i8(size_t ia, size_t ib, size_t io, size_t n, void *arg)
{
	struct bin_run *r = arg;
	unsigned l = r->bc->rank - 1;

	r->ops->minmax_i8(r->op == TM_FAST_MAX, (const int8_t *)r->a + ia, r->bc->stride_a[l],
			  (const int8_t *)r->b + ib, r->bc->stride_b[l], (int8_t *)r->out + io, n);
}

void tm_fast_minmax_int8(const struct tm_isa_ops *ops, int is_max, const struct tm_bcast *bc,
			 const int8_t *a, const int8_t *b, int8_t *out)
{
	struct bin_run r = { .ops = ops, .bc = bc, .a = a, .b = b, .out = out,
			     .op = is_max ? TM_FAST_MAX : TM_FAST_MIN };

	bcast_rows(bc, row_minmax_i8, &r);
}

void tm_fast_bin_f32(const struct tm_isa_ops *ops, enum tm_fast_binop op,
		     const struct tm_bcast *bc, const float *a, const float *b, float lo,
		     float hi, float *out)
{
	struct bin_run r = { .ops = ops, .bc = bc, .a = a, .b = b, .out = out, .op = op,
			     .lo = lo, .hi = hi };

	bcast_rows(bc, row_f32, &r);
}
