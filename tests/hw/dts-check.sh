#!/bin/sh
# dts-check.sh OUTDIR: validate the TMA binding with dt-schema, compile every
# example board with dtc and validate it against the binding. Any output of
# the tools is a failure (dt-validate exits 0 on violations), and a board
# with an unknown property must be caught, so the check can fail.
set -u
out=$1
mkdir -p "$out"
fail=0
quiet() { # quiet NAME CMD...: run CMD, fail if it errs or prints anything
	name=$1; shift
	if ! "$@" >"$out/log" 2>&1 || [ -s "$out/log" ]; then
		echo "dts-check: $name:"; cat "$out/log"; fail=1
	fi
}
quiet binding dt-doc-validate -u dts/bindings dts/bindings/npu/tmaccel,tma.yaml
dt-mk-schema -j dts/bindings >"$out/schema.json" 2>"$out/log" || { cat "$out/log"; exit 1; }
for f in dts/examples/*.dts; do
	b=$out/$(basename "$f" .dts).dtb
	quiet "dtc $f" dtc -q -I dts -O dtb -o "$b" "$f"
	quiet "validate $f" dt-validate -s "$out/schema.json" "$b"
done
sed 's/tmaccel,depthwise;/tmaccel,bogus;/' dts/examples/tma-sim.dts >"$out/bogus.dts"
dtc -q -I dts -O dtb -o "$out/bogus.dtb" "$out/bogus.dts"
if ! dt-validate -s "$out/schema.json" "$out/bogus.dtb" 2>&1 | grep -q "tmaccel,bogus"; then
	echo "dts-check: an unknown property was not reported"; fail=1
fi
exit $fail
