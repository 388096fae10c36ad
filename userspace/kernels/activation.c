// SPDX-License-Identifier: MIT
/*
 * activation.c - LOGISTIC, TANH, SOFTMAX, RELU/RELU6/CLIP and LEAKY_RELU,
 * float and int8 reference versions.
 *
 * The int8 LOGISTIC, TANH and SOFTMAX follow TFLite's integer reference
 * kernels (TF 2.15 reference_integer_ops::Logistic/Tanh, reference_ops::Softmax)
 * which evaluate exp and 1/(1+x) in gemmlowp's fixed-point arithmetic. The
 * fixed-point helpers below are that arithmetic on plain int32 raw values;
 * "Qk" means k integer bits and 31-k fractional bits.
 */
#include <math.h>
#include <errno.h>
#include "elementwise.h"
#include "quant.h"

/* ---- gemmlowp fixed point on raw int32 ---------------------------------------- */

#define FX_ONE_Q0 INT32_MAX              /* 1.0 is not representable in Q0 */

/* a * b of a Qi and a Qj value gives Q(i+j): the doubling high multiply. */
static int32_t fx_mul(int32_t a, int32_t b)
{
	return tm_srdhm(a, b);
}

/* x * 2^exp with rounding (exp < 0) or saturation (exp > 0). */
static int32_t fx_mul_pot(int32_t x, int exp)
{
	if (exp < 0)
		return tm_rounding_divide_by_pot(x, -exp);
	if (exp == 0)
		return x;
	int32_t threshold = (int32_t)((1u << (31 - exp)) - 1);
	if (x > threshold)
		return INT32_MAX;
	if (x < -threshold)
		return INT32_MIN;
	return (int32_t)((uint32_t)x << exp);
}

/* Rescale a Q(src) value to Q(dst). */
static int32_t fx_rescale(int32_t x, int src_bits, int dst_bits)
{
	return fx_mul_pot(x, src_bits - dst_bits);
}

static int32_t fx_rounding_half_sum(int32_t a, int32_t b)
{
	int64_t sum = (int64_t)a + b;
	int64_t sign = sum >= 0 ? 1 : -1;

	return (int32_t)((sum + sign) / 2);
}

/* Wrapping add/sub, as gemmlowp's raw int32 operators on valid ranges. */
static int32_t fx_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t fx_sub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8. */
static int32_t fx_exp_quarter(int32_t a)
{
	const int32_t exp_m1_8 = 1895147668;      /* exp(-1/8) in Q0 */
	const int32_t one_third = 715827883;      /* 1/3 in Q0 */
	int32_t x = fx_add(a, 1 << 28);           /* a + 1/8 */
	int32_t x2 = fx_mul(x, x);
	int32_t x3 = fx_mul(x2, x);
	int32_t x4 = fx_mul(x2, x2);
	int32_t x4_4 = fx_mul_pot(x4, -2);
	int32_t poly = fx_mul_pot(fx_add(fx_mul(fx_add(x4_4, x3), one_third), x2), -1);

	return fx_add(exp_m1_8, fx_mul(exp_m1_8, fx_add(x, poly)));
}

/*
 * exp(a) for a <= 0 given in Q(int_bits), result in Q0: exp of the value
 * modulo 1/4 from the series, times exp(-2^k) for each set bit k of the rest.
 */
static int32_t fx_exp_negative(int32_t a, int int_bits)
{
	static const int32_t mults[] = { /* exp(-2^k) in Q0, k = -2..4 */
		1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242,
	};
	int frac_bits = 31 - int_bits;
	int32_t quarter = (int32_t)1 << (frac_bits - 2);
	int32_t a_mod = fx_sub(a & (quarter - 1), quarter);
	int32_t result = fx_exp_quarter(fx_rescale(a_mod, int_bits, 0));
	int32_t remainder = fx_sub(a_mod, a);

	for (int k = -2; k <= 4; k++) {
		if (int_bits > k && (remainder & ((int32_t)1 << (frac_bits + k))))
			result = fx_mul(result, mults[k + 2]);
	}
	if (int_bits > 5 && a < -((int32_t)1 << (36 - int_bits))) /* below -32 */
		result = 0;
	return a == 0 ? FX_ONE_Q0 : result;
}

/* Newton-Raphson for 1/(1 + a) (Q2), with a in [0, 1) in Q0. */
static int32_t fx_newton_recip(int32_t a, int32_t *half_den)
{
	const int32_t c48_17 = 1515870810, cm32_17 = -1010580540; /* Q2 */
	const int32_t one_q2 = 1 << 29;
	int32_t hd = fx_rounding_half_sum(a, FX_ONE_Q0);
	int32_t x = fx_add(c48_17, fx_mul(hd, cm32_17));

	for (int i = 0; i < 3; i++) {
		int32_t one_minus = fx_sub(one_q2, fx_mul(hd, x));

		x = fx_add(x, fx_rescale(fx_mul(x, one_minus), 4, 2));
	}
	*half_den = hd;
	return x; /* ~ 1/hd = 2/(1+a), Q2 */
}

static int32_t fx_one_over_one_plus(int32_t a)
{
	int32_t hd;
	int32_t x = fx_newton_recip(a, &hd);

	return fx_rescale(x, 1, 0); /* x/2 as Q1 raw, to Q0 */
}

static int32_t fx_one_minus_over_one_plus(int32_t a)
{
	int32_t hd;
	int32_t x = fx_newton_recip(a, &hd);

	return fx_rescale(fx_sub(x, 1 << 29), 2, 0);
}

/* logistic(a), a in Q(int_bits), result Q0. */
static int32_t fx_logistic(int32_t a, int int_bits)
{
	if (a == 0)
		return 1 << 30;
	int32_t abs_a = a > 0 ? a : -a;
	int32_t pos = fx_one_over_one_plus(fx_exp_negative(-abs_a, int_bits));

	return a > 0 ? pos : fx_sub(FX_ONE_Q0, pos);
}

/* tanh(a), a in Q(int_bits), result Q0. */
static int32_t fx_tanh(int32_t a, int int_bits)
{
	if (a == 0)
		return 0;
	int32_t neg_abs = a < 0 ? a : -a;
	/* exp(-2|a|): the same raw value read with one more integer bit. */
	int32_t t = fx_one_minus_over_one_plus(fx_exp_negative(neg_abs, int_bits + 1));

	return a < 0 ? -t : t;
}

/* ---- int8 LOGISTIC / TANH ------------------------------------------------------ */

#define SIGMOID_INPUT_INT_BITS 4

/* TFLite's CalculateInputRadius, total_signed_bits = 31. */
static int32_t input_radius(int int_bits, int left_shift)
{
	double max_rescaled = 1.0 * (double)((1 << int_bits) - 1) *
			      (double)(1ll << (31 - int_bits)) / (double)(1ll << left_shift);

	return (int32_t)floor(max_rescaled);
}

int tm_sigmoid_params_int8(struct tm_sigmoid_params *p, float s_in, int32_t z_in)
{
	double m = (double)s_in * (double)(1 << (31 - SIGMOID_INPUT_INT_BITS));

	tm_quantize_multiplier(m, &p->mult, &p->shift);
	if (p->shift < 0 || p->shift > 31)
		return -EINVAL;
	p->in_zp = z_in;
	p->range_radius = input_radius(SIGMOID_INPUT_INT_BITS, p->shift);
	return 0;
}

static void sigmoid_int8(const struct tm_sigmoid_params *p, const int8_t *in, int8_t *out,
			 size_t n, int is_tanh)
{
	for (size_t i = 0; i < n; i++) {
		int32_t x = in[i] - p->in_zp;
		int32_t v;

		if (x <= -p->range_radius) {
			v = -128;
		} else if (x >= p->range_radius) {
			v = 127;
		} else {
			int32_t xq = tm_multiply_by_quantized_multiplier(x, p->mult, p->shift);

			if (is_tanh) /* Q0 -> scale 1/128 */
				v = tm_rounding_divide_by_pot(fx_tanh(xq, SIGMOID_INPUT_INT_BITS), 24);
			else /* Q0 -> scale 1/256, zero point -128 */
				v = tm_rounding_divide_by_pot(fx_logistic(xq, SIGMOID_INPUT_INT_BITS),
							      23) - 128;
			v = tm_clamp_i32(v, -128, 127);
		}
		out[i] = (int8_t)v;
	}
}

void tm_logistic_int8_ref(const struct tm_sigmoid_params *p, const int8_t *in, int8_t *out,
			  size_t n)
{
	sigmoid_int8(p, in, out, n, 0);
}

void tm_tanh_int8_ref(const struct tm_sigmoid_params *p, const int8_t *in, int8_t *out,
		      size_t n)
{
	sigmoid_int8(p, in, out, n, 1);
}

/* ---- int8 SOFTMAX ---------------------------------------------------------------- */

#define SOFTMAX_DIFF_INT_BITS 5
#define SOFTMAX_ACCUM_INT_BITS 12

int tm_softmax_params_int8(struct tm_softmax_params *p, float beta, float s_in)
{
	/* TFLite's PreprocessSoftmaxScaling: cap so exp(-1 step) rounds to 0. */
	double m = (double)beta * (double)s_in * (double)(1 << (31 - SOFTMAX_DIFF_INT_BITS));

	if (!(m > 0.0))
		return -EINVAL;
	if (m > (double)((1ll << 31) - 1))
		m = (double)((1ll << 31) - 1);
	tm_quantize_multiplier(m, &p->mult, &p->shift);
	if (p->shift < 0 || p->shift > 31)
		return -EINVAL;
	p->diff_min = -input_radius(SOFTMAX_DIFF_INT_BITS, p->shift);
	return 0;
}

static int clz32(uint32_t x)
{
	return x ? __builtin_clz(x) : 32;
}

/* TFLite's GetReciprocal: 1/x for x in Q(int_bits), as Q0 and a shift. */
static int32_t reciprocal(int32_t x, int int_bits, int *bits_over_unit)
{
	int headroom_plus_one = clz32((uint32_t)x);
	int32_t shifted_minus_one;

	*bits_over_unit = int_bits - headroom_plus_one;
	shifted_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
	return fx_one_over_one_plus(shifted_minus_one);
}

static int32_t softmax_exp(const struct tm_softmax_params *p, int32_t diff)
{
	int32_t scaled = tm_multiply_by_quantized_multiplier(diff, p->mult, p->shift);

	return fx_exp_negative(scaled, SOFTMAX_DIFF_INT_BITS);
}

static void softmax_row_int8(const struct tm_softmax_params *p, const int8_t *in, int8_t *out,
			     size_t depth)
{
	int32_t max = -128, sum = 0, scale;
	int bits_over_unit;

	for (size_t c = 0; c < depth; c++)
		max = in[c] > max ? in[c] : max;
	for (size_t c = 0; c < depth; c++) {
		int32_t diff = in[c] - max;

		if (diff >= p->diff_min)
			sum = fx_add(sum, fx_rescale(softmax_exp(p, diff), 0,
						     SOFTMAX_ACCUM_INT_BITS));
	}
	scale = reciprocal(sum, SOFTMAX_ACCUM_INT_BITS, &bits_over_unit);
	for (size_t c = 0; c < depth; c++) {
		int32_t diff = in[c] - max;
		int32_t v = -128;

		if (diff >= p->diff_min) {
			int32_t e = fx_mul(scale, softmax_exp(p, diff));
			int exp = bits_over_unit + 31 - 8;

			/*
			 * Past 31 the quotient of a non-negative int32 rounds
			 * to 0 (TFLite's shift would be undefined there).
			 */
			v = (exp > 31 ? 0 : tm_rounding_divide_by_pot(e, exp)) - 128;
			v = tm_clamp_i32(v, -128, 127);
		}
		out[c] = (int8_t)v;
	}
}

void tm_softmax_int8_ref(const struct tm_softmax_params *p, const int8_t *in, int8_t *out,
			 size_t outer, size_t depth)
{
	for (size_t i = 0; i < outer; i++)
		softmax_row_int8(p, in + i * depth, out + i * depth, depth);
}

/* TFLite's float reference: exp((x - max) * beta) / sum, in float. */
void tm_softmax_f32_ref(const float *in, float *out, size_t outer, size_t depth, float beta)
{
	for (size_t i = 0; i < outer; i++, in += depth, out += depth) {
		float max = in[0], sum = 0.0f;

		for (size_t c = 1; c < depth; c++)
			max = in[c] > max ? in[c] : max;
		for (size_t c = 0; c < depth; c++) {
			out[c] = expf((in[c] - max) * beta);
			sum += out[c];
		}
		for (size_t c = 0; c < depth; c++)
			out[c] /= sum;
	}
}

void tm_logistic_f32_ref(const float *in, float *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = 1.0f / (1.0f + expf(-in[i]));
}

void tm_tanh_f32_ref(const float *in, float *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = tanhf(in[i]);
}

/* ---- int8 RELU family and LEAKY_RELU ---------------------------------------------- */

/* TFLite's QuantizedReluX bound: z_out + (int)roundf(v / s_out) in float. */
static int32_t relu_bound(float v, float s_out, int32_t z_out, int32_t dflt, int is_min)
{
	float r;
	int32_t q;

	if (isinf(v))
		return dflt;
	r = roundf(v / s_out);
	/* Far outside int8 the bound cannot bind; keep the cast defined. */
	r = r < -1e6f ? -1e6f : r > 1e6f ? 1e6f : r;
	q = z_out + (int32_t)r;
	return is_min ? (q > dflt ? q : dflt) : (q < dflt ? q : dflt);
}

void tm_relux_params_int8(struct tm_relux_params *p, float s_in, int32_t z_in,
			  float s_out, int32_t z_out, float lo, float hi)
{
	p->in_zp = z_in;
	p->out_zp = z_out;
	tm_quantize_multiplier((double)s_in / (double)s_out, &p->mult, &p->shift);
	p->act_min = relu_bound(lo, s_out, z_out, -128, 1);
	p->act_max = relu_bound(hi, s_out, z_out, 127, 0);
}

void tm_relux_int8_ref(const struct tm_relux_params *p, const int8_t *in, int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int32_t v = p->out_zp +
			    tm_multiply_by_quantized_multiplier(in[i] - p->in_zp, p->mult, p->shift);

		out[i] = (int8_t)tm_clamp_i32(v, p->act_min, p->act_max);
	}
}

void tm_leaky_relu_params_int8(struct tm_leaky_relu_params *p, float s_in, int32_t z_in,
			       float s_out, int32_t z_out, float alpha)
{
	p->in_zp = z_in;
	p->out_zp = z_out;
	tm_quantize_multiplier((double)s_in / (double)s_out, &p->mult_identity,
			       &p->shift_identity);
	tm_quantize_multiplier((double)s_in * (double)alpha / (double)s_out, &p->mult_alpha,
			       &p->shift_alpha);
}

void tm_leaky_relu_int8_ref(const struct tm_leaky_relu_params *p, const int8_t *in,
			    int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int32_t x = in[i] - p->in_zp;
		int32_t v = x >= 0 ?
			tm_multiply_by_quantized_multiplier(x, p->mult_identity, p->shift_identity) :
			tm_multiply_by_quantized_multiplier(x, p->mult_alpha, p->shift_alpha);

		out[i] = (int8_t)tm_clamp_i32(v + p->out_zp, -128, 127);
	}
}
