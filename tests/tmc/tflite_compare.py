#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tflite_compare.py TMRUN ONNX_BIN_DIR TFLITE_BIN_DIR CALIB_DIR MODEL...

The ONNX and TFLite forms of one openWakeWord model, each compiled by tmc to
model.bin, must give the same outputs through tmrun: on every calibration
sample (in-distribution inputs made by `make models`) and on as many
perturbed copies (plus seeded normal noise of twice the samples' standard
deviation, which drives the classifiers' scores across [0, 1] where the
in-distribution inputs leave them near 0), the largest absolute
difference must be <= 1e-4 * max(max |ONNX output|, 1e-3), the rule
tests/models/ort_compare.js applies against ONNX Runtime. Prints one line
per model and exits non-zero if any model fails or cannot be run.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOL, FLOOR = 1e-4, 1e-3


def run(tmrun, model, x, tmp):
    fin, fout = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
    np.save(fin, x)
    subprocess.run([tmrun, model, "-i", fin, "-o", fout], check=True,
                   stdout=subprocess.DEVNULL)
    return np.load(fout)


def compare(tmrun, onnx_bin, tfl_bin, calib, tmp):
    worst, ref_max, lo, hi = 0.0, 0.0, np.inf, -np.inf
    for x in calib:
        a = run(tmrun, onnx_bin, x[None], tmp)
        b = run(tmrun, tfl_bin, x[None], tmp)
        if a.size != b.size:
            raise ValueError(f"output sizes differ: ONNX {a.shape}, TFLite {b.shape}")
        worst = max(worst, float(np.abs(a.ravel() - b.ravel()).max()))
        ref_max = max(ref_max, float(np.abs(a).max()))
        lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return worst, ref_max, lo, hi


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    tmrun, onnx_dir, tfl_dir, calib_dir, models = (sys.argv[1], sys.argv[2], sys.argv[3],
                                                   sys.argv[4], sys.argv[5:])
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            try:
                calib = np.load(os.path.join(calib_dir, m + ".npy")).astype(np.float32)
                rng = np.random.default_rng(1234)
                noisy = calib + rng.normal(0, 2 * calib.std(), calib.shape).astype(np.float32)
                calib = np.concatenate([calib, noisy])
                worst, ref, lo, hi = compare(tmrun, os.path.join(onnx_dir, m + ".float.bin"),
                                     os.path.join(tfl_dir, m + ".float.bin"), calib, tmp)
            except (OSError, ValueError, subprocess.CalledProcessError) as e:
                print(f"FAIL {m}: {e}")
                failed += 1
                continue
            ok = worst <= TOL * max(ref, FLOOR)
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {m}: {len(calib)} samples, max_abs {worst:.3e}, "
                  f"rel {worst / max(ref, 1e-30):.3e} (ONNX outputs in [{lo:.4g}, {hi:.4g}])")
    print(f"tflite-vs-onnx: {len(models) - failed} of {len(models)} models agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
