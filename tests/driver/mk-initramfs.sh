#!/bin/sh
# mk-initramfs.sh BUILD KVER: the guest's initramfs: busybox-static, the
# modules tmaccel needs (resolved with Debian's modules.dep, insmod order),
# tmaccel.ko, the static selftests, tmrun with models (mk-tmrun.sh) and
# guest-init.sh as /init.
set -eu
B=$1
KVER=$2
here=$(dirname "$0")
root=$B/driver/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
ln -sf bin "$root/sbin"
: >"$root/modules.list"
for dep in $(modinfo -F depends driver/tmaccel.ko | tr ',' ' '); do
	modprobe -S "$KVER" --show-depends "$dep" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r path; do
	cp "$path" "$root/modules/"
	basename "$path" >>"$root/modules.list"
done
cp driver/tmaccel.ko "$B/driver/tma_test" "$B/driver/tma_burst" "$root/"
cp "$here/guest-init.sh" "$root/init"
"$here/mk-tmrun.sh" "$B" "$root"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$B/driver/initramfs.cpio.gz"
