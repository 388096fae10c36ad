#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tflite_numpy_ref.py TMRUN TFLITE_DIR BIN_DIR CALIB_DIR MODEL...

An independent check of the TFLite importer: a small numpy interpreter of
float TFLite models (its own FlatBuffer parsing, written from the schema,
sharing nothing with tmc; an IF runs only the branch subgraph its condition
picks) runs each .tflite, and tmc's compiled model.bin of
it (BIN_DIR/MODEL.float.bin) must give the same outputs through tmrun on the
calibration samples and as many perturbed copies: largest absolute
difference <= 1e-4 * max(max |numpy output|, 1e-3). It covers the operators
of the openWakeWord classifiers; this is what checks hey_rhasspy, whose
.tflite and .onnx in the npm package are different models.
"""
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

TOL, FLOOR = 1e-4, 1e-3


class Table:
    """A FlatBuffer table: fields by number, following offsets as they are."""

    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vlen = struct.unpack_from("<H", buf, self.vt)[0]

    def _off(self, f):
        o = 4 + 2 * f
        return struct.unpack_from("<H", self.buf, self.vt + o)[0] if o < self.vlen else 0

    def scalar(self, f, fmt, default=0):
        o = self._off(f)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0] if o else default

    def _ref(self, f):
        o = self._off(f)
        if not o:
            return None
        at = self.pos + o
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, f):
        r = self._ref(f)
        return Table(self.buf, r) if r is not None else None

    def vector(self, f, dtype):
        r = self._ref(f)
        if r is None:
            return np.zeros(0, dtype)
        n = struct.unpack_from("<I", self.buf, r)[0]
        return np.frombuffer(self.buf, dtype, n, r + 4)

    def tables(self, f):
        r = self._ref(f)
        if r is None:
            return []
        n = struct.unpack_from("<I", self.buf, r)[0]
        return [Table(self.buf, r + 4 + 4 * i + struct.unpack_from("<I", self.buf, r + 4 + 4 * i)[0])
                for i in range(n)]


ACT = {0: lambda v: v, 1: lambda v: np.maximum(v, 0), 3: lambda v: np.clip(v, 0, 6)}


CMP = {61: np.greater, 62: np.greater_equal, 58: np.less, 63: np.less_equal}
BRANCHES = {"then": 0, "else": 0}  # IF branches taken, for the report


def run_subgraph(model, buf, si, inputs):
    codes = [max(c.scalar(0, "b"), c.scalar(3, "i")) for c in model.tables(1)]
    buffers = model.tables(4)
    sg = model.tables(2)[si]
    tensors = sg.tables(0)
    vals = {}
    for i, t in enumerate(tensors):
        data = buffers[t.scalar(2, "I")].vector(0, np.uint8)
        shape = t.vector(0, np.int32)
        if len(data) or (len(shape) and not shape.all()):  # an empty shape operand too
            dt = {0: np.float32, 2: np.int32, 4: np.int64}[t.scalar(1, "b")]
            vals[i] = np.frombuffer(data.tobytes(), dt).reshape(shape)
    for i, x in zip(sg.vector(1, np.int32), inputs):
        vals[int(i)] = x
    for op in sg.tables(3):
        code = codes[op.scalar(0, "I")]
        ins = [vals[i] for i in op.vector(1, np.int32) if i >= 0]
        out = int(op.vector(2, np.int32)[0])
        opts = op.table(4)
        act = ACT[opts.scalar(0, "b") if opts is not None and code in (0, 9, 18, 41, 42) else 0]
        if code in CMP:
            vals[out] = CMP[code](ins[0], ins[1])
            continue
        if code == 118:   # IF: run the branch the condition picks
            branch = "then" if bool(ins[0]) else "else"
            BRANCHES[branch] += 1
            vals[out] = run_subgraph(model, buf, opts.scalar(0 if branch == "then" else 1, "i"),
                                     ins[1:])[0]
            continue
        if code == 22:    # RESHAPE
            r = ins[0].reshape(tensors[out].vector(0, np.int32))
            if r.dtype == bool:
                vals[out] = r
                continue
        elif code == 9:   # FULLY_CONNECTED
            r = ins[0].reshape(-1, ins[1].shape[1]) @ ins[1].T + (ins[2] if len(ins) > 2 else 0)
        elif code == 40:  # MEAN
            keep = bool(opts.scalar(0, "b")) if opts is not None else False
            r = ins[0].mean(axis=tuple(int(a) for a in np.atleast_1d(ins[1])), keepdims=keep)
        elif code == 0:
            r = ins[0] + ins[1]
        elif code == 41:
            r = ins[0] - ins[1]
        elif code == 18:
            r = ins[0] * ins[1]
        elif code == 42:
            r = ins[0] / ins[1]
        elif code == 76:  # RSQRT
            r = 1 / np.sqrt(ins[0])
        elif code == 14:  # LOGISTIC
            r = 1 / (1 + np.exp(-ins[0]))
        elif code == 19:
            r = np.maximum(ins[0], 0)
        elif code == 25:  # SOFTMAX over the last axis (beta)
            beta = opts.scalar(0, "f") if opts is not None else 0.0
            e = np.exp(beta * (ins[0] - ins[0].max(axis=-1, keepdims=True)))
            r = e / e.sum(axis=-1, keepdims=True)
        else:
            raise ValueError(f"operator {code} not in the numpy reference")
        vals[out] = act(r).astype(np.float32)
    return [vals[int(i)] for i in sg.vector(2, np.int32)]


def run_tflite(path, x):
    buf = open(path, "rb").read()
    model = Table(buf, struct.unpack_from("<I", buf, 0)[0])
    return run_subgraph(model, buf, 0, [x])[0]


def tmrun(tmrun_bin, model, x, tmp):
    fin, fout = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
    np.save(fin, x)
    subprocess.run([tmrun_bin, model, "-i", fin, "-o", fout], check=True, stdout=subprocess.DEVNULL)
    return np.load(fout)


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    tmrun_bin, tfl_dir, bin_dir, calib_dir, models = (sys.argv[1], sys.argv[2], sys.argv[3],
                                                      sys.argv[4], sys.argv[5:])
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            try:
                calib = np.load(os.path.join(calib_dir, m + ".npy")).astype(np.float32)
                rng = np.random.default_rng(1234)
                calib = np.concatenate([calib, calib + rng.normal(0, 2 * calib.std(), calib.shape)
                                        .astype(np.float32)])
                worst, ref = 0.0, 0.0
                for x in calib:
                    want = run_tflite(os.path.join(tfl_dir, m + ".tflite"), x[None])
                    got = tmrun(tmrun_bin, os.path.join(bin_dir, m + ".float.bin"), x[None], tmp)
                    worst = max(worst, float(np.abs(got.ravel() - want.ravel()).max()))
                    ref = max(ref, float(np.abs(want).max()))
            except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
                print(f"FAIL {m}: {e}")
                failed += 1
                continue
            ok = worst <= TOL * max(ref, FLOOR)
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {m}: {len(calib)} samples, max_abs {worst:.3e} "
                  f"(numpy output max {ref:.4g})")
    if BRANCHES["then"] + BRANCHES["else"]:
        print(f"IF branches taken: then {BRANCHES['then']}, else {BRANCHES['else']}")
    print(f"tflite-vs-numpy: {len(models) - failed} of {len(models)} models agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
