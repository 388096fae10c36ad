#!/bin/sh
# variants-check.sh BUILD TEST...: the op-level tests once per CPU kernel
# variant this machine runs (TM_CPU=ref, avx2, ...), recorded as
# <variant>/<prog>/<case>, so the op glue's use of every variant is checked.
set -u
build=$1; shift
status=0
for v in $("$build/tests/test_kernels_fast" --variants); do
	for prog in "$@"; do
		log=$(mktemp)
		TM_CPU=$v "$build/tests/$prog" >"$log" 2>&1
		rc=$?
		sed -n -e "s|^ok - \(.*\)|PASS cpu-$v/$prog/\1|p" \
		       -e "s|^not ok - \(.*\)|FAIL cpu-$v/$prog/\1|p" "$log" >>build/results.txt
		if [ $rc -ne 0 ]; then
			status=1
			grep -q '^not ok - ' "$log" || echo "FAIL cpu-$v/$prog (exit $rc)" >>build/results.txt
			echo "--- TM_CPU=$v $prog failed (exit $rc):"; tail -n 20 "$log"
		else
			printf 'TM_CPU=%s %s: %s cases ok\n' "$v" "$prog" "$(grep -c '^ok - ' "$log")"
		fi
		rm -f "$log"
	done
done
exit $status
