#!/bin/sh
# run-fuzz.sh FUZZER SEEDGEN SECONDS: fuzz for a bounded time from a fresh,
# writer-made seed corpus. Fails if libFuzzer finds a crash, leak or timeout
# (the reproducer is left next to the fuzzer as crash-*, leak-*, timeout-*).
set -eu
fuzzer=$1 seeds=$2 secs=$3
out=$(dirname "$fuzzer")
corpus=$out/corpus-$(basename "$fuzzer")
log=$out/$(basename "$fuzzer").log
rm -rf "$corpus"
mkdir -p "$corpus"
"$seeds" "$corpus"
rc=0
"$fuzzer" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$out/" "$corpus" >"$log" 2>&1 || rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)|ERROR|SUMMARY' "$log" || true
[ $rc -eq 0 ] || { tail -n 40 "$log"; exit 1; }
