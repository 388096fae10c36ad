#!/bin/sh
# run-qemu.sh BUILD KVER: boot Debian's kernel under QEMU (TCG) with tmsim as
# the TMA behind ivshmem-doorbell, run the guest tests (guest-init.sh) and
# record every selftest case and guest check in build/results.txt.
set -u
B=$1
KVER=$2
here=$(dirname "$0")
tag=tma-$$-$(date +%s)
ram=/dev/shm/$tag-ram
plain=/dev/shm/$tag-plain
sock=/tmp/$tag.sock
# A second tmsim whose ID register reads 'TMA0': probe must refuse it.
badram=/dev/shm/$tag-badram
badsock=/tmp/$tag-bad.sock
log=$B/driver/qemu.log
simlog=$B/driver/tmsim.log
badlog=$B/driver/tmsim-badid.log
results=build/results.txt
mkdir -p build

cleanup() {
	for p in ${simpid:-} ${badpid:-}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -f "$ram" "$plain" "$sock" "$badram" "$badsock"
}
trap cleanup EXIT INT TERM

# start_tmsim SOCKET LOG ARGS...: a tmsim in the background, up when its socket is.
start_tmsim() {
	s=$1 l=$2
	shift 2
	"$B/bin/tmsim" --socket "$s" --dtb "$B/dts/tma-sim.dtb" \
		${TMSIM_ENGINE:+--engine $TMSIM_ENGINE} "$@" 2>"$l" &
	started=$!
	i=0
	while [ ! -S "$s" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$s" ] && return 0
	echo "tmsim did not start:"; cat "$l"; echo "FAIL driver/qemu/tmsim-start" >>$results
	exit 1
}
start_tmsim "$sock" "$simlog" --ram "$ram" --ram-size 512M
simpid=$started
start_tmsim "$badsock" "$badlog" --ram "$badram" --ram-size 1M --id 0x544d4130
badpid=$started

start=$(date +%s)
timeout 240 qemu-system-x86_64 -machine q35,memory-backend=ram0 -accel tcg -m 512M -smp 1 \
	-object memory-backend-file,id=ram0,size=512M,mem-path="$ram",share=on \
	-chardev socket,path="$sock",id=ivs -device ivshmem-doorbell,chardev=ivs,vectors=1 \
	-object memory-backend-file,id=plain,size=64K,mem-path="$plain",share=on \
	-device ivshmem-plain,memdev=plain \
	-chardev socket,path="$badsock",id=ivsbad -device ivshmem-doorbell,chardev=ivsbad,vectors=1 \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$B/driver/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1" -nographic -no-reboot \
	</dev/null >"$log" 2>&1
rc=$?
echo "qemu: exit $rc after $(( $(date +%s) - start )) s (log: $log)"

tr -d '\r' <"$log" | sed -n '/TMA-SELFTEST-BEGIN/,/TMA-SELFTEST-END/p' >"$B/driver/ktap.txt"
sed -n -e 's/^ok [0-9]* \(.*\)/PASS driver\/kselftest\/\1/p' \
       -e 's/^not ok [0-9]* \(.*\)/FAIL driver\/kselftest\/\1/p' "$B/driver/ktap.txt" \
	| sed 's/ # .*//' >"$B/driver/results.part"
tr -d '\r' <"$log" | sed -n 's/^TMA-RESULT \([^ ]*\) 0$/PASS driver\/guest\/\1/p; s/^TMA-RESULT \([^ ]*\) [1-9][0-9]*$/FAIL driver\/guest\/\1/p' \
	>>"$B/driver/results.part"
grep -q 'TMA-DONE' "$log" || echo "FAIL driver/guest/completed (qemu exit $rc)" >>"$B/driver/results.part"

# The guest powered off with jobs on a hung device: tmaccel's .shutdown must
# have left it reset (CTRL.ENABLE 0) with interrupts masked, as tmsim saw it
# when the guest went away, and the shutdown must not have oopsed.
i=0
while ! grep -q 'guest 1 gone' "$simlog" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
gone=$(grep 'guest 1 gone' "$simlog" | tail -n 1)
echo "${gone:-tmsim never saw the guest go}"
set -- $(echo "$gone" | sed -n 's/.* CTRL \(0x[0-9a-f]*\|0\) IRQ_MASK \(0x[0-9a-f]*\|0\) .*/\1 \2/p')
if [ $# -eq 2 ] && [ $(($1 & 1)) -eq 0 ] && [ $(($2)) -eq 0 ] &&
   ! tr -d '\r' <"$log" | sed -n '/^TMA-DONE/,$p' | grep -qE 'WARNING|BUG|Oops|Call Trace'; then
	echo "PASS driver/guest/shutdown-quiesces" >>"$B/driver/results.part"
else
	echo "FAIL driver/guest/shutdown-quiesces" >>"$B/driver/results.part"
fi
cat "$B/driver/results.part" >>$results
grep '^FAIL' "$B/driver/results.part" && { echo "--- guest log tail:"; tail -n 60 "$log"; }
pass=$(grep -c '^PASS' "$B/driver/results.part")
fail=$(grep -c '^FAIL' "$B/driver/results.part")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
