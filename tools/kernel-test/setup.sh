#!/bin/bash
# Prepare the real-kernel test bench: QEMU, busybox and one pinned Debian kernel.
#
#   tools/kernel-test/setup.sh           the x86_64 kernel (amd64 flavour)
#   tools/kernel-test/setup.sh i386      the 32-bit kernel (686 flavour) for the x86_32 leg
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
# The i386 leg lives in $CACHE/<abi32>-686/ with the same names (headers is the -686 tree), plus
# busybox (busybox-static:i386, the guest's userspace) and no vmlinux: the 686 kernel has no
# PVH entry, so QEMU boots its bzImage. i386 packages are fetched with apt's Architectures option
# for that one call, leaving dpkg's architectures alone; nothing is ever installed.
#
# Usage: tools/kernel-test/setup.sh [i386]   (env: KMM_KERNEL_CACHE, default ~/.cache/kmm-kernel)
set -euo pipefail
arch=${1:-amd64}

# The one pinned kernel: bookworm's 6.1 series. Both the ABI name and the package version are pinned,
# because linux-kbuild-6.1 is a single package name shared by every 6.1 ABI.
KMM_KERNEL_ABI=${KMM_KERNEL_ABI:-6.1.0-56}
KMM_KERNEL_PKGVER=${KMM_KERNEL_PKGVER:-6.1.192-2}
# The 32-bit kernel: the same 6.1 series, non-PAE 686 flavour (kmm's x86_32 profile models 2-level
# paging: 1024 pkmap slots in one 4 MiB page table, 32-bit physical addresses). Pinned apart from
# the amd64 one because the security archive's i386 index is not always in step with its amd64
# one (on this project's mirror 6.1.0-56 was never published for i386, and the i386 index fails
# its hash check), so this is bookworm's point-release i386 kernel, fetched through a signed index.
KMM_KERNEL32_ABI=${KMM_KERNEL32_ABI:-6.1.0-50}
KMM_KERNEL32_PKGVER=${KMM_KERNEL32_PKGVER:-6.1.176-1}

CACHE=${KMM_KERNEL_CACHE:-${HOME:-/root}/.cache/kmm-kernel}
case $arch in
amd64)
	ABI=$KMM_KERNEL_ABI
	PKGVER=$KMM_KERNEL_PKGVER
	FLAVOUR=$ABI-amd64
	DEST=$CACHE/$ABI
	pkgs="linux-image-$FLAVOUR-unsigned=$PKGVER linux-headers-$FLAVOUR=$PKGVER"
	;;
i386)
	ABI=$KMM_KERNEL32_ABI
	PKGVER=$KMM_KERNEL32_PKGVER
	FLAVOUR=$ABI-686
	DEST=$CACHE/$FLAVOUR
	pkgs="linux-image-$FLAVOUR-unsigned:i386=$PKGVER linux-headers-$FLAVOUR:i386=$PKGVER
	      busybox-static:i386"
	;;
*)
	echo "usage: $0 [i386]" >&2
	exit 2
	;;
esac
# The -common headers and the kbuild host tools (amd64 programs: fixdep, modpost) of the same
# version; linux-kbuild-6.1 is one package name shared by every 6.1 ABI.
pkgs="$pkgs linux-headers-$ABI-common=$PKGVER linux-kbuild-6.1:amd64=$PKGVER"

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
	# a mirror in the middle of a sync fails the update now and then: retry, then go on
	for try in 1 2 3; do
		apt-get update -qq && break
		say "apt-get update failed (try $try of 3)"
		sleep 10
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
say "host packages ready ($(elapsed) s)"

if [ -f "$DEST/.complete" ]; then
	say "kernel $FLAVOUR ($PKGVER) already in $DEST"
	exit 0
fi

rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp/debs" "$DEST.tmp/root"
# i386 packages come through apt options, not `dpkg --add-architecture`: the host's own apt stays
# amd64-only, so an i386 index that fails to download (as this mirror's security one does) never
# makes a plain `apt-get update` fail. A plain update drops the i386 lists again, so the i386
# download always refreshes them first. An index that fails is only ignored: what matters is
# whether the pin is found.
apt=(apt-get)
if [ "$arch" = i386 ]; then
	apt+=(-o APT::Architectures::=amd64 -o APT::Architectures::=i386)
	"${apt[@]}" update -qq >/dev/null 2>&1 || true
fi
# apt-get download writes into the current directory; a cache under /root is out of the _apt user's reach.
(cd "$DEST.tmp/debs" && "${apt[@]}" download -q -o APT::Sandbox::User=root $pkgs >/dev/null) || {
	# An apt list older than the pin (or no list at all) is the usual cause: refresh once and retry.
	"${apt[@]}" update -qq || true
	(cd "$DEST.tmp/debs" && "${apt[@]}" download -q -o APT::Sandbox::User=root $pkgs >/dev/null)
} || {
	meta=linux-image-${FLAVOUR#"$ABI"-}
	[ "$arch" = i386 ] && meta=$meta:i386
	say "cannot download $FLAVOUR $PKGVER; ${apt[*]/apt-get/apt-cache} policy $meta shows what exists" >&2
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
grep -rlZ --include='Makefile*' "/usr/src/linux-headers-$ABI-common" \
	"$root/usr/src/linux-headers-$FLAVOUR" |
	xargs -0 -r sed -i "s#/usr/src/linux-headers-$ABI-common#$DEST/root/usr/src/linux-headers-$ABI-common#g"

cp "$root/boot/config-$FLAVOUR" "$DEST.tmp/config"
vmlinuz=$root/boot/vmlinuz-$FLAVOUR
ln -s "root/boot/vmlinuz-$FLAVOUR" "$DEST.tmp/vmlinuz"
ln -s "root/usr/src/linux-headers-$FLAVOUR" "$DEST.tmp/headers"
[ "$arch" = i386 ] && ln -s root/bin/busybox "$DEST.tmp/busybox"

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
if [ "$arch" = i386 ]; then
	say "the 686 kernel has no PVH entry: run boots its bzImage"
elif dd if="$vmlinuz" bs=4096 iflag=skip_bytes,count_bytes skip=$start count=$((plen - 4)) status=none |
	xz -dc >"$DEST.tmp/vmlinux" 2>/dev/null &&
	head -c 4 "$DEST.tmp/vmlinux" | grep -q ELF; then
	say "extracted vmlinux ($(du -m "$DEST.tmp/vmlinux" | cut -f1) MiB, $(elapsed) s)"
else
	rm -f "$DEST.tmp/vmlinux"
	say "could not extract vmlinux; run will boot the bzImage (slower)"
fi

echo "$FLAVOUR $PKGVER" >"$DEST.tmp/.complete"
# The sed above already wrote the final path, so the move must land exactly at $DEST.
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
say "kernel $FLAVOUR ($PKGVER) ready in $DEST ($(elapsed) s total)"
