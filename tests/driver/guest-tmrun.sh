#!/bin/sh
# guest-tmrun.sh (in the guest, run by guest-init.sh): every model of
# /models/list through `tmrun --device drm`, output compared byte for byte
# with the host CPU path's (mk-tmrun.sh), at least one layer on the device
# and no CPU re-run. Then the device-fault fallbacks: a bus error on the
# arena and a hang (the driver resets the device), each re-run on the CPU
# with the same bytes and tmrun's warning. Prints TMA-RESULT and TMA-PERF
# lines for run-qemu.sh.
result() { echo "TMA-RESULT $1 $2"; }

# run NAME OUT [tmrun args...]: tmrun --device drm on /models/NAME.bin.
run() {
	name=$1 out=$2
	shift 2
	tmrun "/models/$name.bin" --device drm --profile -o "$out" "$@" \
		>"/tmp/$name.log" 2>"/tmp/$name.err"
}

# same NAME OUT: OUT equals the host's CPU output and tmrun exited 0.
same() {
	if ! cmp "$2" "/models/$1.cpu.npy"; then
		echo "$1: output differs from the host CPU path"
		return 1
	fi
}

on_device() {
	if ! grep -q 'device drm runs it' "/tmp/$1.log"; then
		echo "$1: no layer ran on the device"; cat "/tmp/$1.log"
		return 1
	fi
}

for name in $(cat /models/list); do
	ok=1
	if run "$name" "/tmp/$name.npy" --repeat 5; then
		same "$name" "/tmp/$name.npy" && on_device "$name" && ok=0
		if grep -q warning "/tmp/$name.err"; then
			echo "$name: a device job failed:"; cat "/tmp/$name.err"; ok=1
		fi
	else
		echo "$name: tmrun failed:"; cat "/tmp/$name.err"
	fi
	sed -n "s/^latency: first run \(.*\), median \(.*\) over.*/TMA-PERF tmrun-$name first \1 median \2/p" \
		"/tmp/$name.log"
	result "tmrun-drm-$name" $ok
done

# The fallbacks, on the first model (fc_int8: its one FC is the first job).
fb=$(head -n 1 /models/list)
for fault in "bus 0" hang; do
	tag=$(echo "$fault" | cut -d' ' -f1)
	ok=1
	# shellcheck disable=SC2086
	if /tma_burst inject $fault && run "$fb" "/tmp/$fb-$tag.npy"; then
		same "$fb" "/tmp/$fb-$tag.npy" && grep -q 're-run on the CPU' "/tmp/$fb.err" && ok=0
		cat "/tmp/$fb.err"
	else
		echo "fault $tag: injection or tmrun failed"; cat "/tmp/$fb.err"
	fi
	result "tmrun-drm-fallback-$tag" $ok
done
