#!/bin/sh
# aarch64-check.sh BUILD_A64 HOST_TMRUN MODELS_DIR TEST...: the AArch64 cross
# build under qemu-user. Runs each unit-test program (recorded per case as
# aarch64/<prog>/<case>), then, if `make models` has produced them, every
# int8 openWakeWord model through the AArch64 tmrun (NEON/dotprod kernels)
# and the host tmrun: int8 arithmetic is bit-exact on both, so the outputs
# must be identical.
set -u
a64=$1; host_tmrun=$2; models=$3; shift 3
QEMU="qemu-aarch64-static -L /usr/aarch64-linux-gnu"
status=0

for prog in "$@"; do
	name=$(basename "$prog")
	log=$(mktemp)
	$QEMU "$a64/tests/$name" >"$log" 2>&1
	rc=$?
	sed -n -e "s|^ok - \(.*\)|PASS aarch64/$name/\1|p" \
	       -e "s|^not ok - \(.*\)|FAIL aarch64/$name/\1|p" "$log" >>build/results.txt
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok - ' "$log" || echo "FAIL aarch64/$name (exit $rc)" >>build/results.txt
		echo "--- aarch64 $name failed (exit $rc):"; tail -n 20 "$log"
	else
		printf 'aarch64 %s: %s cases ok\n' "$name" "$(grep -c '^ok - ' "$log")"
	fi
	rm -f "$log"
done

# A real model: the JSON outputs (values printed as decimal) must agree exactly.
for m in "$models"/*.int8.bin; do
	[ -f "$m" ] || { echo "aarch64: no int8 models in $models (run make models)"; break; }
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
