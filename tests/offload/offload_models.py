#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The compiled models on the simulated TMA, through tmrun.

  offload_models.py check TMRUN MODEL.bin...
      every model: outputs on --device sim byte-identical to --device cpu,
      and again with each injected device fault (TM_SIM_FAULT=dma|hang|status),
      where tmrun must warn on stderr and still exit 0. Prints ok/not ok lines.
  offload_models.py bench TMRUN CLOCK_MHZ MODEL.bin...
      a markdown table per model: device layers, device cycles and time at
      CLOCK_MHZ, CPU time of the same layers, speedup, MAC utilisation.
"""
import json
import os
import subprocess
import sys
import tempfile


def tmrun(exe, model, device, extra=(), env=None):
    cmd = [exe, model, "--device", device] + list(extra)
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, env=e, timeout=1800)


def output_bytes(exe, model, device, env=None):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "y.npy")
        r = tmrun(exe, model, device, ["-o", out], env)
        data = open(out, "rb").read() if r.returncode == 0 else None
        return r, data


def check(exe, models):
    failed = 0
    for m in models:
        name = os.path.basename(m)
        _, ref = output_bytes(exe, m, "cpu")
        n_dev = sum(l["placement"] == "device" for l in layers(exe, m, "sim")["layers"])
        cases = [("", {})]
        if n_dev:  # a model without device layers has no job to fail
            cases += [(f, {"TM_SIM_FAULT": f}) for f in ("dma", "hang", "status")]
        for fault, env in cases:
            r, got = output_bytes(exe, m, "sim", env)
            ok = ref is not None and r.returncode == 0 and got == ref
            if fault:
                ok = ok and b"re-run on the CPU" in r.stderr
            label = f"offload_{name}" + (f"_fault_{fault}" if fault else "_identical")
            print(("ok - " if ok else "not ok - ") + label)
            if not ok:
                failed += 1
                sys.stderr.write(r.stderr.decode(errors="replace"))
    return 1 if failed else 0


def layers(exe, model, device, extra=()):
    r = tmrun(exe, model, device, ["--profile", "--json"] + list(extra))
    if r.returncode:
        raise SystemExit(f"tmrun {model} --device {device}: {r.stderr.decode()}")
    return json.loads(r.stdout)


def bench(exe, mhz, models):
    print(f"| model | device layers | device MACs | device cycles | device time @ {mhz:g} MHz "
          "| CPU time of those layers | speedup | MAC utilisation |")
    print("|---|---|---|---|---|---|---|---|")
    for m in models:
        # CPU: per-layer times of the last of 20 runs (steady state).
        cpu = layers(exe, m, "cpu", ["--repeat", "20"])["layers"]
        dev = layers(exe, m, "sim")["layers"]
        idx = [l["index"] for l in dev if l["placement"] == "device"]
        cycles = sum(dev[i]["cycles"] for i in idx)
        macs = sum(dev[i]["macs"] for i in idx)
        # cycles x peak per layer = macs / util; the model's utilisation is their ratio.
        cap = sum(dev[i]["macs"] / dev[i]["mac_util"] for i in idx if dev[i]["mac_util"] > 0)
        cpu_ns = sum(cpu[i]["ns"] for i in idx)
        dev_us = cycles / mhz
        speed = (cpu_ns / 1e3) / dev_us if dev_us else 0
        util = 100.0 * macs / cap if cap else 0
        print(f"| {os.path.basename(m)} | {len(idx)}/{len(dev)} | {macs} | {cycles} | "
              f"{dev_us:.1f} us | {cpu_ns / 1e3:.1f} us | {speed:.2f}x | {util:.1f}% |")
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3:])
    if len(sys.argv) >= 4 and sys.argv[1] == "bench":
        return bench(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
    sys.stderr.write(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main())
