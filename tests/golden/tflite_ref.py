# SPDX-License-Identifier: MIT
"""The TFLite int8 reference arithmetic, written again in numpy.

This module is deliberately independent of the C kernels: golden data made
with it checks them, so it follows TFLite's reference code (and
../shared/design.md's numerical conventions), never our C. Integers are
numpy int64 throughout so nothing wraps by accident.
"""
import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def quantize_multiplier(m):
    """Real multiplier -> (q_fixed, shift), TFLite's QuantizeMultiplier."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    # Python's round() is half-to-even; TFLite rounds half away from zero.
    qf = int(math.floor(abs(q) * (1 << 31) + 0.5)) * (1 if q >= 0 else -1)
    if qf == (1 << 31):
        qf //= 2
        shift += 1
    if shift < -31:
        shift, qf = 0, 0
    return qf, shift


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int64 arrays holding int32 values."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    # C division truncates toward zero.
    res = np.where(s >= 0, s // (1 << 31), -((-s) // (1 << 31)))
    sat = (a == INT32_MIN) & (b == INT32_MIN)
    return np.where(sat, INT32_MAX, res).astype(np.int64)


def rounding_divide_by_pot(x, exponent):
    """x / 2^exponent rounding half away from zero (gemmlowp's RoundingDivideByPOT)."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, q_fixed, shift):
    """TFLite's MultiplyByQuantizedMultiplier, elementwise (arrays broadcast)."""
    x = np.asarray(x, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    shifted = x * (np.int64(1) << left)
    # The C code shifts in 32 bits; wrap the same way.
    shifted = ((shifted + (1 << 31)) % (1 << 32)) - (1 << 31)
    return rounding_divide_by_pot(srdhm(shifted, q_fixed), right)


def activation_range_int8(act, scale, zero_point, act_min=0.0, act_max=0.0):
    """Clamp range of a fused activation on an int8 output (TFLite's
    CalculateActivationRangeQuantized): act is 'none', 'relu', 'relu6',
    'relu_n1_to_1' or 'clip'."""
    def q(v):
        return zero_point + int(round_half_away(v / scale))
    lo, hi = -128, 127
    if act == 'relu':
        lo = max(lo, q(0.0))
    elif act == 'relu6':
        lo, hi = max(lo, q(0.0)), min(hi, q(6.0))
    elif act == 'relu_n1_to_1':
        lo, hi = max(lo, q(-1.0)), min(hi, q(1.0))
    elif act == 'clip':
        lo, hi = max(lo, q(act_min)), min(hi, q(act_max))
    return lo, hi


def round_half_away(v):
    """std::round: half away from zero (numpy's round is half to even)."""
    v = np.asarray(v, dtype=np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def c_array(name, ctype, values):
    """A C array definition for generated golden headers."""
    flat = np.asarray(values).reshape(-1)
    body = ', '.join(str(int(v)) if ctype != 'float' else repr(float(v)) + 'f' for v in flat)
    return 'static const %s %s[%d] = { %s };\n' % (ctype, name, max(len(flat), 1), body or '0')
