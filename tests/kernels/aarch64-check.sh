#!/bin/sh
# aarch64-check.sh BUILD_A64 HOST_TMRUN MODELS_DIR TEST...: the AArch64 cross
# build under qemu-user. Runs each unit-test program (recorded per case as
# aarch64/<prog>/<case>), the op tests once more under each AArch64 kernel
# variant (TM_CPU), then, if `make models` has produced them, every int8
# openWakeWord model through the AArch64 tmrun (NEON and dotprod kernels)
# and the host tmrun: int8 arithmetic is bit-exact on both, so the outputs
# must be identical.
set -u
a64=$1; host_tmrun=$2; models=$3; shift 3
QEMU="qemu-aarch64-static -L /usr/aarch64-linux-gnu"
status=0

# run LABEL PROG [VAR=VALUE]: one program under qemu, its cases recorded.
run() {
	label=$1; name=$2; shift 2
	log=$(mktemp)
	env "$@" $QEMU "$a64/tests/$name" >"$log" 2>&1
	rc=$?
	sed -n -e "s|^ok - \(.*\)|PASS $label/$name/\1|p" \
	       -e "s|^not ok - \(.*\)|FAIL $label/$name/\1|p" "$log" >>build/results.txt
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok - ' "$log" || echo "FAIL $label/$name (exit $rc)" >>build/results.txt
		echo "--- $label $name failed (exit $rc):"; tail -n 20 "$log"
	else
		printf '%s %s: %s cases ok\n' "$label" "$name" "$(grep -c '^ok - ' "$log")"
	fi
	rm -f "$log"
}

for prog in "$@"; do
	run aarch64 "$prog"
done
for v in $($QEMU "$a64/tests/test_kernels_fast" --variants); do
	for prog in test_ops_nn test_ops_elementwise; do
		run "aarch64-cpu-$v" "$prog" TM_CPU="$v"
	done
done

# A real model: the JSON outputs (values printed as decimal) must agree exactly.
for m in "$models"/*.int8.bin; do
	if [ ! -f "$m" ]; then
		echo "FAIL aarch64/model (no int8 models in $models: make models)" >>build/results.txt
		echo "--- aarch64: no int8 models in $models (make models)"
		status=1
		break
	fi
	name=aarch64/model/$(basename "$m" .bin)
	want=$("$host_tmrun" "$m" --device cpu --json 2>/dev/null | sed 's/.*"outputs"//')
	for variant in neon dotprod; do
		got=$(TM_CPU=$variant $QEMU "$a64/bin/tmrun" "$m" --device cpu --json 2>/dev/null |
		      sed 's/.*"outputs"//')
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			echo "PASS $name/$variant" >>build/results.txt
		else
			echo "FAIL $name/$variant" >>build/results.txt
			echo "--- $name ($variant): host $want, aarch64 $got"
			status=1
		fi
	done
done
exit $status
