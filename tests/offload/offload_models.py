#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The compiled models on the simulated TMA, through tmrun.

  offload_models.py check TMRUN MODEL.bin...
      every model, with every layer the device can run placed on it
      (TM_OFFLOAD=all: the cost model would keep most of them on this host's
      CPU): outputs on the rtl engine (TM_SIM_ENGINE=rtl) and on the C model
      (TM_SIM_ENGINE=model) byte-identical to --device cpu, and again on the
      rtl engine with each injected device fault (TM_SIM_FAULT=dma|hang|status),
      where tmrun must warn on stderr and still exit 0. Then the default
      placement (cost model) once more against the CPU; and `tmc inspect`
      (tmc beside TMRUN) shows the placements and reasons tmrun reports, for
      both policies. Prints ok/not ok lines.
  offload_models.py bench TMRUN CLOCK_MHZ MODEL.bin...
      a markdown table, one row per model file (int8, int4, int8+2:4
      variants): device layers, device cycles (rtl engine) and time at
      CLOCK_MHZ, CPU time of the same layers (per layer the median of 5
      processes' last of 10 runs), speedup, MAC utilisation, and how many
      layers the cost model places on the device with this host's kernels
      and with the reference kernels (TM_CPU=ref).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

FORCE = {"TM_OFFLOAD": "all"}
RTL = {"TM_SIM_ENGINE": "rtl"}
MODEL = {"TM_SIM_ENGINE": "model"}


def tmrun(exe, model, device, extra=(), env=None):
    cmd = [exe, model, "--device", device] + list(extra)
    e = dict(os.environ)
    for k in ("TM_OFFLOAD", "TM_SIM_ENGINE", "TM_SIM_FAULT"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, env=e, timeout=1800)


def output_bytes(exe, model, device, env=None):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "y.npy")
        r = tmrun(exe, model, device, ["-o", out], env)
        data = open(out, "rb").read() if r.returncode == 0 else None
        return r, data


def layers(exe, model, device, extra=(), env=None):
    r = tmrun(exe, model, device, ["--profile", "--json"] + list(extra), env)
    if r.returncode:
        raise SystemExit(f"tmrun {model} --device {device}: {r.stderr.decode()}")
    return json.loads(r.stdout)


def n_device(ls):
    return sum(l["placement"] == "device" for l in ls["layers"])


def inspect_agrees(exe, model, env):
    """tmc inspect's placement lines equal tmrun --profile's placements and reasons."""
    tmc = os.path.join(os.path.dirname(exe), "tmc")
    e = dict(os.environ, **env)
    r = subprocess.run([tmc, "inspect", model], capture_output=True, env=e, timeout=600)
    text = r.stdout.decode(errors="replace")
    if r.returncode or "placement on device sim:" not in text:
        return False
    rows = text.split("placement on device sim:\n", 1)[1].splitlines()[1:]
    got = [tuple(l.split(None, 3)[2:4]) for l in rows if l.strip()[:1].isdigit()]
    want = [(l["placement"], l["reason"]) for l in layers(exe, model, "sim", env=env)["layers"]]
    return got == want


def check(exe, models):
    failed = 0
    for m in models:
        name = os.path.basename(m)
        for label, env in (("inspect_cost", MODEL), ("inspect_all", dict(FORCE, **MODEL))):
            ok = inspect_agrees(exe, m, env)
            print(("ok - " if ok else "not ok - ") + f"offload_{name}_{label}")
            failed += not ok
    for m in models:
        name = os.path.basename(m)
        _, ref = output_bytes(exe, m, "cpu")
        n_dev = n_device(layers(exe, m, "sim", env=dict(FORCE, **MODEL)))
        cases = [("identical_rtl", dict(FORCE, **RTL)), ("identical_model", dict(FORCE, **MODEL)),
                 ("default_placement", MODEL)]
        if n_dev:  # a model without device layers has no job to fail
            cases += [("fault_" + f, dict(FORCE, TM_SIM_FAULT=f, **RTL))
                      for f in ("dma", "hang", "status")]
        for label, env in cases:
            r, got = output_bytes(exe, m, "sim", env)
            ok = ref is not None and r.returncode == 0 and got == ref
            if "TM_SIM_FAULT" in env:
                ok = ok and b"re-run on the CPU" in r.stderr
            print(("ok - " if ok else "not ok - ") + f"offload_{name}_{label}")
            if not ok:
                failed += 1
                sys.stderr.write(r.stderr.decode(errors="replace"))
    return 1 if failed else 0


def variant(path):
    base = os.path.basename(path)
    for suffix, label in ((".int8_24.bin", "int8 + 2:4"), (".int4.bin", "int4"),
                          (".int8.bin", "int8")):
        if base.endswith(suffix):
            return base[: -len(suffix)], label
    return base, "?"


def bench(exe, mhz, models):
    print(f"| model | weights | device layers | device MACs | device cycles | "
          f"device time @ {mhz:g} MHz | CPU time of those layers | speedup | MAC utilisation "
          "| cost model: device layers (this CPU / TM_CPU=ref) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    order = {"int8": 0, "int4": 1, "int8 + 2:4": 2}
    rows = sorted(models, key=lambda p: (variant(p)[0], order.get(variant(p)[1], 9)))
    for m in rows:
        name, kind = variant(m)
        # CPU: per layer, the median over 5 processes of the last of 10 runs.
        runs = [layers(exe, m, "cpu", ["--repeat", "10"])["layers"] for _ in range(5)]
        cpu = [{"ns": statistics.median(r[i]["ns"] for r in runs)} for i in range(len(runs[0]))]
        dev = layers(exe, m, "sim", env=dict(FORCE, **RTL))["layers"]
        chosen = n_device(layers(exe, m, "sim", env=MODEL))
        chosen_ref = n_device(layers(exe, m, "sim", env=dict(MODEL, TM_CPU="ref")))
        idx = [l["index"] for l in dev if l["placement"] == "device"]
        cycles = sum(dev[i]["cycles"] for i in idx)
        macs = sum(dev[i]["macs"] for i in idx)
        # cycles x peak per layer = macs / util; the model's utilisation is their ratio.
        cap = sum(dev[i]["macs"] / dev[i]["mac_util"] for i in idx if dev[i]["mac_util"] > 0)
        cpu_ns = sum(cpu[i]["ns"] for i in idx)
        dev_us = cycles / mhz
        speed = f"{(cpu_ns / 1e3) / dev_us:.2f}x" if dev_us else "-"
        util = f"{100.0 * macs / cap:.1f}%" if cap else "-"
        print(f"| {name} | {kind} | {len(idx)}/{len(dev)} | {macs} | {cycles} | "
              f"{dev_us:.1f} us | {cpu_ns / 1e3:.1f} us | {speed} | {util} | "
              f"{chosen} / {chosen_ref} |")
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
