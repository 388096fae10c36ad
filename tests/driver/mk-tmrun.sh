#!/bin/sh
# mk-tmrun.sh BUILD ROOT: add tmrun and models to the guest's initramfs at ROOT.
#
# tmrun is dynamic (libdrm is dlopen()ed, which a static glibc program cannot
# do reliably): it goes in with its loader, libc, libm and libdrm.so.2. The
# models are the compiled int8 openWakeWord models (build/models, from
# `make models`) when present, and always mkmodel's fc_int8. For each, the
# host's CPU path writes the reference output (synthetic input, the same in
# the guest), which guest-tmrun.sh compares byte for byte with
# `tmrun --device drm`.
set -eu
B=$1
root=$2
here=$(dirname "$0")
models_dir=build/models
# The classifiers are small FC stacks; embedding_model is the conv-heavy one.
# melspectrogram has no device layer (docs/perf.md), so it says nothing here.
REAL="embedding_model alexa_v0.1 hey_jarvis_v0.1 hey_mycroft_v0.1 hey_rhasspy_v0.1 \
timer_v0.1 weather_v0.1"

copy_lib() {
	real=$(readlink -f "$1")
	mkdir -p "$root$(dirname "$1")"
	cp "$real" "$root$1"
}

mkdir -p "$root/models" "$root/usr/bin"
cp "$B/bin/tmrun" "$root/usr/bin/tmrun"
for lib in $(ldd "$B/bin/tmrun" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
	copy_lib "$lib"
done
libdrm=$(ldconfig -p | awk '/libdrm\.so\.2 .*x86-64/ { print $NF; exit }')
[ -n "$libdrm" ] || { echo "mk-tmrun.sh: libdrm.so.2 not found (apt-get install libdrm2)"; exit 1; }
copy_lib "$libdrm"
cp "$here/guest-tmrun.sh" "$root/guest-tmrun.sh"

: >"$root/models/list"
add_model() { # name model.bin
	cp "$2" "$root/models/$1.bin"
	"$B/bin/tmrun" "$2" --device cpu -o "$root/models/$1.cpu.npy" >/dev/null 2>&1 || {
		echo "mk-tmrun.sh: host CPU run of $2 failed"; exit 1; }
	echo "$1" >>"$root/models/list"
}
"$B/tests/mkmodel" fc_int8 "$B/driver/fc_int8.bin"
add_model fc_int8 "$B/driver/fc_int8.bin"
n=0
for m in $REAL; do
	[ -f "$models_dir/$m.int8.bin" ] || continue
	add_model "$m" "$models_dir/$m.int8.bin"
	n=$((n + 1))
done
[ $n -gt 0 ] || echo "mk-tmrun.sh: no compiled real models in $models_dir (make models): fc_int8 only"
echo "mk-tmrun.sh: tmrun, $n real models + fc_int8 in the initramfs"
