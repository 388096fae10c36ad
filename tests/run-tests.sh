#!/bin/sh
# run-tests.sh PROG...: run test programs and record each case as
# "PASS <variant>/<prog>/<case>" or "FAIL ...". A program that exits non-zero
# without reporting a failure (crash, sanitizer abort) is recorded as a failure
# of the program itself, so nothing can pass by dying early.
# Test programs print "ok - <case>" / "not ok - <case>" lines (TAP-like).
#
# BUILD names the variant (build, build/asan, ...: its last component labels
# the cases). The results go to $TM_RESULTS, by default build/results.txt
# whatever BUILD is: one file for every variant, the one `make check` (and
# tests/record.sh, tests/summary.sh) collect and count.
results=${TM_RESULTS:-build/results.txt}
mkdir -p "$(dirname "$results")"
variant=$(basename "${BUILD:-build}")
status=0
for prog in "$@"; do
	name=$(basename "$prog")
	log=$(mktemp)
	"$prog" >"$log" 2>&1
	rc=$?
	sed -n -e "s|^ok - \(.*\)|PASS $variant/$name/\1|p" \
	       -e "s|^not ok - \(.*\)|FAIL $variant/$name/\1|p" "$log" >>"$results"
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok - ' "$log" || echo "FAIL $variant/$name (exit $rc)" >>"$results"
		echo "--- $name failed (exit $rc):"; tail -n 30 "$log"
	else
		printf '%s: %s cases ok\n' "$name" "$(grep -c '^ok - ' "$log")"
	fi
	rm -f "$log"
done
exit $status
