#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Golden data for the TMA model: FC/GEMM and CONV2D (kxk, stride, padding,
dilation, depthwise) with int8 and int4 weights, dense and 2:4, written as a
C header. The arithmetic and the weight encodings (int4 nibble packing, 2:4
values + index bytes) are done here in numpy from uapi/tma_cmd.h and the
TFLite rules (tests/golden/tflite_ref.py), never from the C model.

usage: gen_tma_golden.py OUT.h
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'golden'))
import tflite_ref as ref  # noqa: E402

OP_FC, OP_CONV = 0x10, 0x11
F_INT4, F_SPARSE, F_DW = 1, 2, 4


def pack_int4(vals):
    v = (np.asarray(vals, dtype=np.int64).reshape(-1) & 0xf).astype(np.uint8)
    if len(v) % 2:
        v = np.append(v, 0)
    return (v[0::2] | (v[1::2] << 4)).astype(np.uint8)


def make_weights(rng, n_out, red, int4, sparse):
    """Dense logical weights [n_out, red] and their device encoding."""
    lim = (-8, 7) if int4 else (-127, 127)
    w = rng.integers(lim[0], lim[1] + 1, size=(n_out, red)).astype(np.int64)
    if not sparse:
        flat = w.reshape(-1)
        enc = pack_int4(flat) if int4 else flat.astype(np.int8).view(np.uint8)
        return w, enc
    groups = w.reshape(-1, 4)
    vals, idx = [], []
    for g in range(groups.shape[0]):
        keep = np.sort(rng.choice(4, size=2, replace=False))
        mask = np.zeros(4, dtype=bool)
        mask[keep] = True
        groups[g][~mask] = 0
        vals += [groups[g][keep[0]], groups[g][keep[1]]]
        idx.append(int(keep[0]) | int(keep[1]) << 2)
    enc_vals = pack_int4(vals) if int4 else np.asarray(vals, dtype=np.int8).view(np.uint8)
    enc = np.concatenate([enc_vals, np.asarray(idx, dtype=np.uint8)])
    return groups.reshape(n_out, red), enc


def conv_ref(x, w, c):
    """x [H,W,C] int8; w dense logical: [OC, KH, KW, IC] or depthwise [KH, KW, OC]."""
    oh, ow, oc = c['out_h'], c['out_w'], c['out_c']
    acc = np.zeros((oh, ow, oc), dtype=np.int64)
    xs = x.astype(np.int64) - c['in_zp']
    mult = oc // c['in_c']
    for oy in range(oh):
        for ox in range(ow):
            for ky in range(c['kh']):
                iy = oy * c['sh'] - c['pad_t'] + ky * c['dh']
                if not 0 <= iy < c['in_h']:
                    continue
                for kx in range(c['kw']):
                    ix = ox * c['sw'] - c['pad_l'] + kx * c['dw']
                    if not 0 <= ix < c['in_w']:
                        continue
                    px = xs[iy, ix]
                    if c['flags'] & F_DW:
                        acc[oy, ox] += px[np.arange(oc) // mult] * w[ky, kx]
                    else:
                        acc[oy, ox] += w[:, ky, kx, :] @ px
    return acc


def make_case(rng, name, op, flags, in_h, in_w, in_c, out_c, k, s, d, pad):
    c = dict(name=name, op=op, flags=flags, in_h=in_h, in_w=in_w, in_c=in_c, out_c=out_c,
             kh=k, kw=k, sh=s, sw=s, dh=d, dw=d, pad_t=pad, pad_l=pad)
    c['out_h'] = (in_h + 2 * pad - d * (k - 1) - 1) // s + 1
    c['out_w'] = (in_w + 2 * pad - d * (k - 1) - 1) // s + 1
    c['in_zp'] = int(rng.integers(-128, 128))
    c['out_zp'] = int(rng.integers(-128, 128))
    lo, hi = sorted(int(v) for v in rng.integers(-128, 128, size=2))
    c['act_min'], c['act_max'] = (lo, hi) if rng.random() < 0.3 else (-128, 127)
    x = rng.integers(-128, 128, size=(in_h, in_w, in_c)).astype(np.int8)
    int4, sparse = bool(flags & F_INT4), bool(flags & F_SPARSE)
    if flags & F_DW:
        wl, enc = make_weights(rng, k * k, out_c, int4, False)
        w = wl.reshape(k, k, out_c)
    else:
        wl, enc = make_weights(rng, out_c, k * k * in_c, int4, sparse)
        w = wl.reshape(out_c, k, k, in_c)
    acc = conv_ref(x, w, c)
    bias = rng.integers(-20000, 20000, size=out_c)
    q, sh = zip(*(ref.quantize_multiplier(float(m))
                  for m in rng.uniform(2.0 ** -14, 0.9, size=out_c)))
    y = ref.multiply_by_quantized_multiplier(acc + bias, np.array(q), np.array(sh))
    y = np.clip(y + c['out_zp'], c['act_min'], c['act_max'])
    c.update(x=x.reshape(-1), wgt=enc, chan=np.stack([bias, q, sh], axis=1).reshape(-1),
             out=y.astype(np.int8).reshape(-1))
    if op == OP_FC:
        # FC rows are the 1 x M "image": the device ignores the geometry fields.
        c.update(in_h=0, out_h=0, in_w=0, kh=0, kw=0, sh=0, sw=0, dh=0, dw=0)
    return c


def cases():
    rng = np.random.default_rng(20261124)
    out = []
    for flags, tag in ((0, 'i8'), (F_INT4, 'i4'), (F_SPARSE, 'i8s'), (F_INT4 | F_SPARSE, 'i4s')):
        red = 4 if flags & F_SPARSE else 1   # 2:4 needs in_c % 4 == 0
        out.append(make_case(rng, 'fc_%s' % tag, OP_FC, flags, 1, 5, 16, 9,
                             1, 1, 1, 0))
        out.append(make_case(rng, 'fc_big_%s' % tag, OP_FC, flags, 1, 3, 64, 33, 1, 1, 1, 0))
        out.append(make_case(rng, 'conv1x1_%s' % tag, OP_CONV, flags, 5, 7, 8, 11, 1, 1, 1, 0))
        out.append(make_case(rng, 'conv3x3_s2p1_%s' % tag, OP_CONV, flags, 7, 6, 4 * red + 4,
                             6, 3, 2, 1, 1))
        out.append(make_case(rng, 'conv3x3_d2_%s' % tag, OP_CONV, flags, 8, 7, 8, 5, 3, 1, 2, 2))
        out.append(make_case(rng, 'conv5x5_p2_%s' % tag, OP_CONV, flags, 6, 6, 4, 3, 5, 1, 1, 2))
        if not flags & F_SPARSE:
            out.append(make_case(rng, 'dw3x3_m1_%s' % tag, OP_CONV, flags | F_DW, 6, 5, 7, 7,
                                 3, 1, 1, 1))
            out.append(make_case(rng, 'dw3x3_m2_s2_%s' % tag, OP_CONV, flags | F_DW, 7, 7, 5, 10,
                                 3, 2, 1, 1))
    return out


def arr(name, ctype, v):
    v = np.asarray(v).reshape(-1)
    return 'static const %s %s[%d] = { %s };\n' % (ctype, name, len(v),
                                                  ', '.join(str(int(e)) for e in v))


def main():
    cs = cases()
    o = ['/* generated by tests/hw/gen_tma_golden.py - do not edit */\n']
    for i, c in enumerate(cs):
        o.append(arr('g%d_in' % i, 'int8_t', c['x']))
        o.append(arr('g%d_wgt' % i, 'uint8_t', c['wgt']))
        o.append(arr('g%d_chan' % i, 'int32_t', c['chan']))
        o.append(arr('g%d_out' % i, 'int8_t', c['out']))
    o.append('static const struct golden_case golden[] = {\n')
    keys = ('op', 'flags', 'in_h', 'in_w', 'in_c', 'out_h', 'out_w', 'out_c', 'kh', 'kw',
            'sh', 'sw', 'dh', 'dw', 'pad_t', 'pad_l', 'in_zp', 'out_zp', 'act_min', 'act_max')
    for i, c in enumerate(cs):
        o.append('\t{ "%s", { %s }, g%d_in, %d, g%d_wgt, %d, g%d_chan, g%d_out, %d },\n' %
                 (c['name'], ', '.join(str(c[k]) for k in keys), i, len(c['x']), i,
                  len(c['wgt']), i, i, len(c['out'])))
    o.append('};\n')
    with open(sys.argv[1], 'w') as f:
        f.write(''.join(o))


if __name__ == '__main__':
    main()
