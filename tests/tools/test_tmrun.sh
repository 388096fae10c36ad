#!/bin/sh
# test_tmrun.sh TMRUN MKMODEL: tmrun end to end. Models come from mkmodel;
# expected outputs are computed here with numpy (and tests/golden/tflite_ref.py
# for int8), independently of the C code. Checks exit codes 0-4, messages, the
# text and JSON reports, and that corrupt models and inputs never crash.
# Prints "ok - <case>" / "not ok - <case>"; exits 1 if any case failed.
set -u
TMRUN=$1
MKMODEL=$2
PY=${PYTHON:-/usr/bin/python3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# A sanitizer report must not pass for a usage error (ASan's default exit is 1).
# allocator_may_return_null: a failed huge allocation returns NULL, as libc's
# malloc does, instead of aborting (the huge-arena case checks tmrun's handling).
export ASAN_OPTIONS=exitcode=99:allocator_may_return_null=1
export UBSAN_OPTIONS=exitcode=99:print_stacktrace=1
failed=0

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; failed=1; }

# expect NAME CODE PATTERN ARGS...: tmrun ARGS exits CODE and stderr matches PATTERN.
expect() {
	name=$1 code=$2 pat=$3
	shift 3
	"$TMRUN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$code" ] && grep -q -- "$pat" "$T/err"; then
		ok "$name"
	else
		nok "$name"
		echo "  exit $rc (want $code), stderr:" >&2
		sed 's/^/    /' "$T/err" >&2
	fi
}

for m in relu mlp fc_int8 add2 bad_shape int4_id huge; do
	"$MKMODEL" $m "$T/$m.bin" || { echo "not ok - mkmodel $m"; exit 1; }
done

# Inputs for the models, saved by numpy itself (v1 headers), plus bad ones.
"$PY" - "$T" <<'EOF' || { echo "not ok - numpy inputs"; exit 1; }
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)
np.save(d + '/x8.npy', rng.uniform(-2, 2, (1, 8)).astype('<f4'))
np.save(d + '/x16.npy', rng.uniform(-1, 1, (1, 16)).astype('<f4'))
np.save(d + '/q8.npy', rng.integers(-128, 128, (1, 8)).astype('i1'))
np.save(d + '/a4.npy', rng.uniform(-5, 5, (1, 4)).astype('<f4'))
np.save(d + '/b4.npy', rng.uniform(-5, 5, (1, 4)).astype('<f4'))
np.save(d + '/x8_f64.npy', np.zeros((1, 8)))
np.save(d + '/x9.npy', np.zeros((1, 9), '<f4'))
np.save(d + '/x8_flat.npy', np.zeros((8,), '<f4'))
np.save(d + '/x8_fortran.npy', np.asfortranarray(np.zeros((2, 4), '<f4')))
np.save(d + '/x8_i1.npy', np.zeros((1, 8), 'i1'))
open(d + '/garbage.npy', 'wb').write(b'\x93NUMPY\x01\x00\xff\x00{garbage')
EOF

# ---- usage errors: 1 ------------------------------------------------------
expect usage_no_args 1 "no model given"
expect usage_unknown_option 1 "unknown option" "$T/relu.bin" --bogus
expect usage_repeat_zero 1 "repeat" "$T/relu.bin" --repeat 0
expect usage_repeat_text 1 "repeat" "$T/relu.bin" --repeat 3x
expect usage_bad_device 1 "device" "$T/relu.bin" --device gpu
expect usage_missing_arg 1 "needs an argument" "$T/relu.bin" -i
expect usage_two_models 1 "more than one model" "$T/relu.bin" "$T/mlp.bin"
expect usage_too_many_o 1 "1 outputs, 2 -o" "$T/relu.bin" -o "$T/a.npy" -o "$T/b.npy"
if "$TMRUN" --help | grep -q "4 device failure"; then ok help_lists_exit_codes; else nok help_lists_exit_codes; fi

# ---- bad models: 2 --------------------------------------------------------
: >"$T/empty.bin"
head -c 4096 /dev/urandom >"$T/random.bin"
size=$(wc -c <"$T/relu.bin")
head -c $((size / 2)) "$T/relu.bin" >"$T/half.bin"
expect model_missing 2 "No such file" "$T/nonexistent.bin"
expect model_empty 2 "empty.bin" "$T/empty.bin"
expect model_random 2 "random.bin" "$T/random.bin"
expect model_truncated 2 "half.bin" "$T/half.bin"
expect model_not_runnable 2 "model cannot run: op 0 (RELU 'shrink')" "$T/bad_shape.bin"
# (auto: the absent devices tried first must not leave their message behind)
expect model_huge_arena 2 "model cannot run: cannot allocate the 8796093022208-byte arena" \
	"$T/huge.bin"
# The path once appeared twice ("tmrun: f: f: No such file"): exactly once now.
"$TMRUN" "$T/nonexistent.bin" 2>"$T/err" >/dev/null
if [ "$(grep -o "nonexistent.bin" "$T/err" | wc -l)" -eq 1 ]; then
	ok model_path_named_once
else
	nok model_path_named_once
	sed 's/^/    /' "$T/err" >&2
fi
expect model_format_error_names_path 2 "tmrun: $T/random.bin: " "$T/random.bin"

# ---- devices: 4 -----------------------------------------------------------
# The simulator is built beside libtm; point the lookup at nothing to lose it.
export TM_SIMLIB="$T/none/libtmsim.so"
expect device_sim_absent 4 "device 'sim' not available" "$T/relu.bin" --device sim
unset TM_SIMLIB
expect device_drm_absent 4 "device 'drm' not available" "$T/relu.bin" --device drm

# ---- bad inputs: 3 --------------------------------------------------------
expect input_missing 3 "No such file" "$T/relu.bin" -i "$T/none.npy"
expect input_garbage 3 "garbage.npy" "$T/relu.bin" -i "$T/garbage.npy"
expect input_float64 3 "dtype '<f8' not supported" "$T/relu.bin" -i "$T/x8_f64.npy"
expect input_dtype 3 "holds int8, the model wants float32" "$T/relu.bin" -i "$T/x8_i1.npy"
expect input_shape 3 "has shape (1, 9), the model wants (1, 8)" "$T/relu.bin" -i "$T/x9.npy"
expect input_rank 3 "has shape (8), the model wants (1, 8)" "$T/relu.bin" -i "$T/x8_flat.npy"
expect input_fortran 3 "Fortran" "$T/relu.bin" -i "$T/x8_fortran.npy"
expect input_count 3 "2 inputs, 1 given" "$T/add2.bin" -i "$T/a4.npy"
expect output_unwritable 3 "/nonexistent/dir/y.npy" "$T/relu.bin" -i "$T/x8.npy" -o /nonexistent/dir/y.npy

# ---- runs: 0, outputs checked against numpy -------------------------------
# check NAME PYTHON-EXPR-OK ARGS...: tmrun ARGS exits 0 and the Python check
# (given d, the temp dir, np, out = stdout text) passes.
check() {
	name=$1 code=$2
	shift 2
	"$TMRUN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		nok "$name"
		echo "  exit $rc, stderr:" >&2
		sed 's/^/    /' "$T/err" >&2
		return
	fi
	if "$PY" - "$T" "$ROOT/tests/golden" <<EOF; then ok "$name"; else nok "$name"; fi
import sys, json, numpy as np
d = sys.argv[1]
sys.path.insert(0, sys.argv[2])
out = open(d + '/out').read()
err = open(d + '/err').read()
$code
EOF
}

check run_relu_exact '
x = np.load(d + "/x8.npy"); y = np.load(d + "/y.npy")
assert y.dtype == np.float32 and y.shape == (1, 8)
assert np.array_equal(y, np.maximum(x, 0)), (x, y)
' "$T/relu.bin" -i "$T/x8.npy" -o "$T/y.npy"

check run_add2_exact '
a = np.load(d + "/a4.npy"); b = np.load(d + "/b4.npy"); y = np.load(d + "/y.npy")
assert np.array_equal(y, a + b), (a + b, y)
' "$T/add2.bin" -i "$T/a4.npy" -i "$T/b4.npy" -o "$T/y.npy"

MLP_REF='
o = np.arange(10)[:, None]; i = np.arange(16)[None, :]
W = (((o * 7 + i * 3) % 11) - 5).astype(np.float64) / 8
b = np.arange(10) / 4 - 1
c = 0.5 - np.arange(10) / 10
x = np.load(d + "/x16.npy").astype(np.float64)
ref = np.maximum(x @ W.T + b, 0) + c
'
check run_mlp_text "$MLP_REF"'
y = np.load(d + "/s.npy")
assert y.shape == (1, 10) and np.allclose(y, ref, rtol=1e-5, atol=1e-6), (ref, y)
top = list(np.argsort(-ref[0], kind="stable")[:5])
lines = out.split("top-5:")[1].strip().splitlines()[:5]
assert [int(l.split()[1].rstrip(":")) for l in lines] == top, (lines, top)
assert "arena: 192 bytes" in out, out
assert "median" in out and "over 4 runs" in out, out
for op in ("FULLY_CONNECTED", "RELU", "ADD"):
    assert op in out, out
assert "no accelerator present" in out, out
' "$T/mlp.bin" -i "$T/x16.npy" -o "$T/s.npy" --repeat 5 --profile

check run_mlp_json "$MLP_REF"'
j = json.loads(out)
assert j["device"] == "cpu" and j["arena_bytes"] == 192 and not j["synthetic_input"], j
assert j["latency_ns"]["runs"] == 3, j
o0 = j["outputs"][0]
assert o0["name"] == "scores" and o0["shape"] == [1, 10], o0
assert o0["top"][0]["class"] == int(np.argmax(ref)), (o0, ref)
assert np.allclose(o0["values"], ref[0], rtol=1e-5, atol=1e-6), o0
assert [l["op"] for l in j["layers"]] == ["FULLY_CONNECTED", "RELU", "ADD"], j["layers"]
assert j["layers"][0]["inputs"] == [[1, 16], [10, 16], [10]], j["layers"][0]
assert j["layers"][0]["placement"] == "cpu" and j["layers"][0]["macs"] == 160, j["layers"][0]
' "$T/mlp.bin" -i "$T/x16.npy" --repeat 3 --profile --json --device cpu

check run_fc_int8_exact '
from tflite_ref import conv_multiplier, requantize_int8, activation_range_int8
x = np.load(d + "/q8.npy").astype(np.int64)
o = np.arange(4)[:, None]; i = np.arange(8)[None, :]
W = ((o * 7 + i * 3) % 51) - 25
bias = 100 * np.arange(4) - 150
acc = (x + 3) @ W.T
qf, sh = conv_multiplier(0.05, 0.02, 0.1, float_product=True)
lo, hi = activation_range_int8("relu", 0.1, 2)
ref = requantize_int8(acc, bias, qf, sh, 2, lo, hi)
y = np.load(d + "/y.npy")
assert y.dtype == np.int8 and np.array_equal(y, ref), (ref, y)
' "$T/fc_int8.bin" -i "$T/q8.npy" -o "$T/y.npy"

# Float data for the int8 input is quantized (scale 0.05, zero point -3): the
# floats chosen here land on the int8 values of q8.npy, so the output must
# equal the int8 run's.
cp "$T/y.npy" "$T/y_q8.npy"
"$PY" - "$T" <<'EOF'
import sys, numpy as np
d = sys.argv[1]
q = np.load(d + '/q8.npy').astype(np.float64)
np.save(d + '/f8.npy', ((q + 3) * 0.05).astype('<f4'))
EOF
check run_fc_int8_float_input '
assert "quantizing float32 data to int8" in err, err
assert np.array_equal(np.load(d + "/y.npy"), np.load(d + "/y_q8.npy"))
' "$T/fc_int8.bin" -i "$T/f8.npy" -o "$T/y.npy"

check run_synthetic_deterministic '
assert "synthetic" in err, err
assert np.load(d + "/y.npy").shape == (1, 8)
' "$T/relu.bin" -o "$T/y.npy"
cp "$T/y.npy" "$T/y1.npy"
"$TMRUN" "$T/relu.bin" -o "$T/y.npy" 2>/dev/null >/dev/null
if cmp -s "$T/y.npy" "$T/y1.npy"; then ok synthetic_same_twice; else nok synthetic_same_twice; fi

# int4 output: the synthetic input bytes (the LCG of tmrun.c's synth_input,
# here) must come back as both sign-extended nibbles, low one first.
check run_int4_nibbles '
s, want = 0x9e3779b9, []
for _ in range(3):
    s = (s * 1664525 + 1013904223) & 0xffffffff
    for nib in ((s >> 24) & 15, s >> 28):
        want.append(nib - 16 if nib >= 8 else nib)
got = json.loads(out)["outputs"][0]["values"]
assert got == want, (got, want)
' "$T/int4_id.bin" --json

# ---- corrupt models never crash: every exit is 0 or 2 ---------------------
"$PY" - "$T" <<'EOF'
import sys, random
d = sys.argv[1]
src = open(d + '/mlp.bin', 'rb').read()
rnd = random.Random(11)
for k in range(48):
    b = bytearray(src)
    pos = rnd.randrange(len(b))
    b[pos] ^= 1 << rnd.randrange(8)
    open('%s/flip%02d.bin' % (d, k), 'wb').write(b)
for k in range(48):
    open('%s/cut%02d.bin' % (d, k), 'wb').write(src[:rnd.randrange(len(src))])
EOF
bad=0
for f in "$T"/flip*.bin "$T"/cut*.bin; do
	"$TMRUN" "$f" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
		bad=1
		echo "  $(basename "$f"): exit $rc" >&2
		head -n 5 "$T/err" >&2
	fi
done
if [ $bad -eq 0 ]; then ok corrupt_models_clean_exit; else nok corrupt_models_clean_exit; fi

exit $failed
