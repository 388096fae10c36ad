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
# modules.list: what tmaccel needs, loaded at boot. vgem.list: what vgem
# adds (fences userspace signals, for the in-syncobj selftest), loaded only
# around the selftests so tmaccel keeps renderD128.
mods() {
	for dep in "$@"; do
		modprobe -S "$KVER" --show-depends "$dep" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}
mods $(modinfo -F depends driver/tmaccel.ko | tr ',' ' ') >"$root/modules.paths"
mods vgem | grep -vxF -f "$root/modules.paths" >"$root/vgem.paths" || true
for list in modules vgem; do
	: >"$root/$list.list"
	while read -r path; do
		cp "$path" "$root/modules/"
		basename "$path" >>"$root/$list.list"
	done <"$root/$list.paths"
	rm "$root/$list.paths"
done
cp driver/tmaccel.ko tests/driver/platform/tma_pdev.ko "$B/driver/tma_test" \
	"$B/driver/tma_limits" "$B/driver/tma_burst" "$root/"
cp "$here/guest-init.sh" "$root/init"
"$here/mk-tmrun.sh" "$B" "$root"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$B/driver/initramfs.cpio.gz"
