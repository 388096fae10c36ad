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


# ---- NN ops (convolutions, fully connected, matmul, pooling) ----------------
# Accumulators are exact int64 (float64 for float ops); TFLite's int32 sums
# wrap modulo 2^32 on every machine it runs on, so wrap32() applies that at
# the points where TFLite's int32 arithmetic would.

def wrap32(x):
    """Two's-complement wrap of int64 values to int32."""
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) % (1 << 32)) - (1 << 31)


def conv_multiplier(s_in, s_w, s_out, float_product=False):
    """(q_fixed, shift) of one output channel. Convolutions compute
    s_in*s_w/s_out in double; FULLY_CONNECTED with one weight scale and
    BATCH_MATMUL (GetQuantizedConvolutionMultipler) first round s_in*s_w to
    float32."""
    if float_product:
        prod = float(np.float32(s_in) * np.float32(s_w))
    else:
        prod = float(np.float32(s_in)) * float(np.float32(s_w))
    return quantize_multiplier(prod / float(np.float32(s_out)))


def requantize_int8(acc, bias, q_fixed, shift, out_zp, act_min, act_max):
    """int64 accumulators (channel last) + int32 bias -> int8, as TFLite's
    integer conv/FC: wrap, MultiplyByQuantizedMultiplier, + zp, clamp."""
    acc = wrap32(np.asarray(acc, dtype=np.int64) + (0 if bias is None else np.asarray(bias, np.int64)))
    v = multiply_by_quantized_multiplier(acc, np.asarray(q_fixed, np.int64), np.asarray(shift, np.int64))
    v = wrap32(v + out_zp)
    return np.where(v < act_min, act_min, np.where(v > act_max, act_max, v)).astype(np.int8)


def _conv_patches(x, kh, kw, stride, dilation, pads):
    """Yield (ky, kx, patch) with patch[n, oy, ox, c] the input tap (ky, kx) of
    every output pixel; padding is zeros (x must already be zero-point
    corrected, so a zero contributes nothing, as a skipped tap)."""
    sh, sw = stride
    dh, dw = dilation
    pt, pl, pb, pr = pads
    n, h, w, c = x.shape
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            yield ky, kx, xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw, :]


def conv2d_acc(x, w, stride, dilation, pads):
    """CONV_2D accumulators: x [N,H,W,I] (int64 offset-corrected or float64),
    w OHWI -> [N,OH,OW,O]."""
    acc = None
    for ky, kx, patch in _conv_patches(x, w.shape[1], w.shape[2], stride, dilation, pads):
        term = np.einsum('nhwc,oc->nhwo', patch, w[:, ky, kx, :])
        acc = term if acc is None else acc + term
    return acc


def depthwise_acc(x, w, stride, dilation, pads, depth_mult):
    """DEPTHWISE_CONV_2D accumulators: w [1,KH,KW,I*M]; channel ic*M+m reads ic."""
    acc = None
    for ky, kx, patch in _conv_patches(x, w.shape[1], w.shape[2], stride, dilation, pads):
        term = np.repeat(patch, depth_mult, axis=3) * w[0, ky, kx, :]
        acc = term if acc is None else acc + term
    return acc


def pool2d(x, kind, filt, stride, pads, out_hw):
    """MAX/AVG_POOL_2D over windows clipped to the input (padding never
    counts). int8 average rounds half away from zero. Returns int64/float64."""
    n, h, w, c = x.shape
    oh, ow = out_hw
    out = np.zeros((n, oh, ow, c), dtype=x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * stride[0] - pads[0], ox * stride[1] - pads[1]
            win = x[:, max(y0, 0):min(y0 + filt[0], h), max(x0, 0):min(x0 + filt[1], w), :]
            if kind == 'max':
                out[:, oy, ox, :] = win.max(axis=(1, 2))
            elif np.issubdtype(x.dtype, np.integer):
                cnt = win.shape[1] * win.shape[2]
                out[:, oy, ox, :] = round_half_away(win.sum(axis=(1, 2)) / cnt)
            else:
                out[:, oy, ox, :] = win.mean(axis=(1, 2))
    return out


def pack_int4(values):
    """int4 values (-8..7) -> bytes: element 2i low nibble, 2i+1 high nibble."""
    v = np.asarray(values, dtype=np.int64).reshape(-1) & 0xf
    if len(v) % 2:
        v = np.append(v, 0)
    return (v[0::2] | (v[1::2] << 4)).astype(np.uint8)


def encode_sparse_2_4(w, int4=False):
    """Dense weights with at most 2 nonzeros per group of 4 along the last
    axis -> model.bin's 2:4 bytes: kept values (in position order), then one
    index byte per group (first position in bits 1:0, second in 3:2)."""
    groups = np.asarray(w, dtype=np.int64).reshape(-1, 4)
    vals, idx = [], []
    for g in groups:
        nz = [i for i in range(4) if g[i] != 0]
        assert len(nz) <= 2, 'group has more than 2 nonzeros'
        pos = sorted(nz + [i for i in range(4) if i not in nz][:2 - len(nz)])
        vals += [g[pos[0]], g[pos[1]]]
        idx.append(pos[0] | (pos[1] << 2))
    vb = pack_int4(vals) if int4 else (np.asarray(vals, dtype=np.int64) & 0xff).astype(np.uint8)
    return np.concatenate([vb, np.asarray(idx, dtype=np.uint8)])
