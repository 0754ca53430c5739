#!/bin/bash
# Prepare the real-kernel test bench: QEMU, busybox and one pinned Debian kernel.
#
# The host packages (qemu-system-x86, busybox-static, cpio, xz-utils, make, gcc-12) are installed with
# apt-get, which needs root; an already-installed package costs nothing. The kernel itself is never
# installed on the host: its image, headers and kbuild packages are fetched with `apt-get download`
# and unpacked with `dpkg-deb -x` into a cache directory, where `run` finds them:
#
#   $CACHE/<abi>/root/           the unpacked packages (boot/, usr/src/linux-headers-*, usr/lib/linux-kbuild-*)
#   $CACHE/<abi>/headers         symlink to the -amd64 headers tree, the KDIR for `make M=`
#   $CACHE/<abi>/vmlinux         uncompressed kernel for QEMU's PVH entry (or absent: use vmlinuz)
#   $CACHE/<abi>/vmlinuz         the compressed bzImage
#   $CACHE/<abi>/config          the kernel's .config
#   $CACHE/<abi>/.complete       written last; its presence makes a second run a no-op
#
# Usage: tools/kernel-test/setup.sh        (env: KMM_KERNEL_CACHE, default ~/.cache/kmm-kernel)
set -euo pipefail

# The one pinned kernel: bookworm's 6.1 series. Both the ABI name and the package version are pinned,
# because linux-kbuild-6.1 is a single package name shared by every 6.1 ABI.
KMM_KERNEL_ABI=${KMM_KERNEL_ABI:-6.1.0-56}
KMM_KERNEL_PKGVER=${KMM_KERNEL_PKGVER:-6.1.192-2}

CACHE=${KMM_KERNEL_CACHE:-${HOME:-/root}/.cache/kmm-kernel}
DEST=$CACHE/$KMM_KERNEL_ABI
FLAVOUR=$KMM_KERNEL_ABI-amd64

t0=$(date +%s.%N)
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "kernel-test setup: $*"; }

host_pkgs="qemu-system-x86 busybox-static cpio xz-utils make gcc-12 libc6-dev"
missing=""
for p in $host_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "need root to install:$missing" >&2
		exit 1
	fi
	say "installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
say "host packages ready ($(elapsed) s)"

if [ -f "$DEST/.complete" ]; then
	say "kernel $FLAVOUR ($KMM_KERNEL_PKGVER) already in $DEST"
	exit 0
fi

rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp/debs" "$DEST.tmp/root"
pkgs="linux-image-$FLAVOUR-unsigned=$KMM_KERNEL_PKGVER
      linux-headers-$FLAVOUR=$KMM_KERNEL_PKGVER
      linux-headers-$KMM_KERNEL_ABI-common=$KMM_KERNEL_PKGVER
      linux-kbuild-6.1=$KMM_KERNEL_PKGVER"
# apt-get download writes into the current directory; a cache under /root is out of the _apt user's reach.
(cd "$DEST.tmp/debs" && apt-get download -q -o APT::Sandbox::User=root $pkgs >/dev/null) || {
	# An apt list older than the pin (or no list at all) is the usual cause: refresh once and retry.
	apt-get update -qq
	(cd "$DEST.tmp/debs" && apt-get download -q -o APT::Sandbox::User=root $pkgs >/dev/null)
} || {
	say "cannot download $FLAVOUR $KMM_KERNEL_PKGVER; apt-cache policy linux-image-amd64 shows what exists" >&2
	exit 1
}
say "downloaded $(ls "$DEST.tmp/debs" | wc -l) packages ($(elapsed) s)"
for deb in "$DEST.tmp/debs"/*.deb; do
	dpkg-deb -x "$deb" "$DEST.tmp/root"
done
rm -rf "$DEST.tmp/debs"
say "unpacked ($(elapsed) s)"

# The flavour tree's Makefiles name the -common tree by its installed absolute path; point them at the
# unpacked copy. The scripts/tools symlinks are relative (../../lib/linux-kbuild-6.1) and already work.
root=$DEST.tmp/root
grep -rlZ --include='Makefile*' "/usr/src/linux-headers-$KMM_KERNEL_ABI-common" \
	"$root/usr/src/linux-headers-$FLAVOUR" |
	xargs -0 -r sed -i "s#/usr/src/linux-headers-$KMM_KERNEL_ABI-common#$DEST/root/usr/src/linux-headers-$KMM_KERNEL_ABI-common#g"

cp "$root/boot/config-$FLAVOUR" "$DEST.tmp/config"
vmlinuz=$root/boot/vmlinuz-$FLAVOUR
ln -s "root/boot/vmlinuz-$FLAVOUR" "$DEST.tmp/vmlinuz"
ln -s "root/usr/src/linux-headers-$FLAVOUR" "$DEST.tmp/headers"

# QEMU boots an ELF vmlinux through its PVH note far faster than a bzImage under TCG. The bzImage's
# payload is the xz stream followed by a 4-byte little-endian uncompressed size that xz rejects, so cut
# exactly payload_length - 4 bytes. Offsets come from the boot protocol header: setup_sects at 0x1f1,
# payload_offset/payload_length at 0x248/0x24c (relative to the protected-mode code after the setup).
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
setup_sects=$(u8 "$vmlinuz" $((0x1f1)))
[ "$setup_sects" = 0 ] && setup_sects=4
poff=$(u32 "$vmlinuz" $((0x248)))
plen=$(u32 "$vmlinuz" $((0x24c)))
start=$(((setup_sects + 1) * 512 + poff))
if dd if="$vmlinuz" bs=4096 iflag=skip_bytes,count_bytes skip=$start count=$((plen - 4)) status=none |
	xz -dc >"$DEST.tmp/vmlinux" 2>/dev/null &&
	head -c 4 "$DEST.tmp/vmlinux" | grep -q ELF; then
	say "extracted vmlinux ($(du -m "$DEST.tmp/vmlinux" | cut -f1) MiB, $(elapsed) s)"
else
	rm -f "$DEST.tmp/vmlinux"
	say "could not extract vmlinux; run will boot the bzImage (slower)"
fi

echo "$FLAVOUR $KMM_KERNEL_PKGVER" >"$DEST.tmp/.complete"
# The sed above already wrote the final path, so the move must land exactly at $DEST.
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
say "kernel $FLAVOUR ($KMM_KERNEL_PKGVER) ready in $DEST ($(elapsed) s total)"
