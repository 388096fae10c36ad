#!/bin/sh
# Print the closing "N passed, N failed" line of make check and fail if any failed.
f=${1:-build/results.txt}
[ -f "$f" ] || { echo "0 passed, 1 failed (no results recorded)"; exit 1; }
pass=$(grep -c '^PASS ' "$f")
fail=$(grep -c '^FAIL ' "$f")
grep '^FAIL ' "$f" | sed 's/^/  /'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
