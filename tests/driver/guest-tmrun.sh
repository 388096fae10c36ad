#!/bin/sh
# guest-tmrun.sh (in the guest, run by guest-init.sh): every model of
# /models/list through `tmrun --device drm`, output compared byte for byte
# with the host CPU path's (mk-tmrun.sh), at least one layer on the device
# and no CPU re-run. Then the device-fault fallbacks: a bus error on the
# arena and a hang (the driver resets the device), each re-run on the CPU
# with the same bytes and tmrun's warning. Prints TMA-RESULT and TMA-PERF
# lines for run-qemu.sh.
#
# usage: guest-tmrun.sh [MODULE_ARGS]: tmaccel is reloaded with its default
# timeout for the models (under the RTL engine tmsim refreshes PROGRESS once
# per 200k-cycle slice, about a second of wall time on a loaded host: more
# than guest-init.sh's short hang-test timeout) and with MODULE_ARGS after.
result() { echo "TMA-RESULT $1 $2"; }

reload() {
	rmmod tmaccel && insmod /tmaccel.ko "$@" || return 1
	i=0
	while [ ! -e /dev/dri/renderD128 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
after=$*
reload

# run NAME OUT [tmrun args...]: tmrun --device drm on /models/NAME.bin.
run() {
	name=$1 out=$2
	shift 2
	tmrun "/models/$name.bin" --device drm -o "$out" "$@" \
		>"/tmp/$name.log" 2>"/tmp/$name.err"
}

# same NAME OUT: OUT equals the host's CPU output. If not, say whether the
# guest's own CPU path agrees with the host (then the device path is wrong).
same() {
	cmp "$2" "/models/$1.cpu.npy" && return 0
	tmrun "/models/$1.bin" --device cpu -o "/tmp/$1.guestcpu.npy" >/dev/null 2>&1
	if cmp -s "/tmp/$1.guestcpu.npy" "/models/$1.cpu.npy"; then
		echo "$1: drm output differs from the CPU path's (guest and host CPU agree)"
	else
		echo "$1: drm output differs from the host CPU path; so does the guest's CPU path"
	fi
	return 1
}

on_device() {
	if ! grep -q 'device drm runs it' "/tmp/$1.log"; then
		echo "$1: no layer ran on the device"; cat "/tmp/$1.log"
		return 1
	fi
}

# Each model twice: profiled (one job per device layer: placement checked,
# device vs CPU layer time reported) and as deployed (one job per segment,
# 5 runs: the latency reported). Both outputs must be the host's.
for name in $(cat /models/list); do
	ok=1
	if run "$name" "/tmp/$name.npy" --profile; then
		same "$name" "/tmp/$name.npy" && on_device "$name" && ok=0
		awk -v n="$name" '/^ *[0-9]+ / { if (/device drm runs it/) d += $(NF - 3); else c += $(NF - 3) }
			END { printf "TMA-PERF profile-%s device-layers-us %.0f cpu-layers-us %.0f\n", n, d, c }' \
			"/tmp/$name.log"
		grep -q warning "/tmp/$name.err" && ok=1
	fi
	cp "/tmp/$name.err" "/tmp/$name.err1"
	if [ $ok -eq 0 ] && run "$name" "/tmp/$name.rep.npy" --repeat 5; then
		same "$name" "/tmp/$name.rep.npy" || ok=1
		grep -q warning "/tmp/$name.err" && ok=1
		sed -n "s/^latency: first run \(.*\), median \(.*\) over.*/TMA-PERF tmrun-$name first \1 median \2/p" \
			"/tmp/$name.log"
	else
		ok=1
	fi
	[ $ok -eq 0 ] || { echo "$name: tmrun failed or a device job failed:"; cat "/tmp/$name.err1" "/tmp/$name.err"; }
	result "tmrun-drm-$name" $ok
done

# --device auto picks the driver when its node exists.
tmrun /models/fc_int8.bin >/tmp/auto.log 2>&1 && grep -q '; device drm$' /tmp/auto.log
ok=$?
[ $ok -eq 0 ] || cat /tmp/auto.log
result tmrun-auto-picks-drm $ok

# Buffers beyond the BO limit (lowered here to 64 KiB) are host memory: the
# jobs naming them are re-run on the CPU, with the same bytes.
big=embedding_model
grep -qx $big /models/list || big=fc_int8
ok=1
if TM_DRM_MAX_BO=65536 run $big /tmp/$big-big.npy; then
	same $big /tmp/$big-big.npy && grep -q 'BO limit.*re-run on the CPU' /tmp/$big.err && ok=0
	head -n 2 /tmp/$big.err
fi
result tmrun-drm-beyond-bo-limit $ok

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

# shellcheck disable=SC2086
reload $after
result tmrun-module-reload $?
