#!/bin/bash
# Prepare the real-kernel test bench: QEMU, busybox and the newest Debian 6.1 kernel on offer.
#
#   tools/kernel-test/setup.sh           the x86_64 kernel (amd64 flavour)
#   tools/kernel-test/setup.sh i386      the 32-bit kernel (686 flavour) for the x86_32 leg
#
# The host packages (qemu-system-x86, busybox-static, cpio, xz-utils, make, gcc-12) are installed with
# apt-get, which needs root; an already-installed package costs nothing. The kernel itself is never
# installed on the host: its image, headers and kbuild packages are fetched with `apt-get download`
# and unpacked with `dpkg-deb -x` into a cache directory, where `run` finds them.
#
# Which kernel: Debian keeps only the newest build of each package in its archives, so a pinned
# build stops being downloadable within weeks. Each run therefore picks the newest bookworm 6.1
# kernel the configured archives offer for the flavour (security suite and point release alike),
# whose linux-headers-<abi>-<flavour>, linux-headers-<abi>-common and linux-kbuild-6.1 exist at
# that very version; an ABI missing one of them, or whose download fails, gives way to the
# next-newest. KMM_KERNEL_ABI/KMM_KERNEL_PKGVER (KMM_KERNEL32_ABI/KMM_KERNEL32_PKGVER for i386)
# narrow the choice to one ABI, one version or both.
#
# The archive indexes live in $CACHE/apt/, apt's lists for amd64 and i386 together, apart from the
# host's: i386 is named with apt's Architectures option for those calls only, not added to dpkg, so
# an i386 index that fails to download (this mirror's security one has failed its hash check)
# never makes the host's plain `apt-get update` fail, and the host's update never drops the i386
# lists. They are refreshed when older than an hour or when a download fails.
#
#   $CACHE/<flavour>_<version>/     one kernel, e.g. 6.1.0-57-amd64_6.1.192-3 or 6.1.0-57-686_6.1.192-3:
#     root/            the unpacked packages (boot/, usr/src/linux-headers-*, usr/lib/linux-kbuild-*)
#     headers          symlink to the flavour's headers tree, the KDIR for `make M=`
#     vmlinux          uncompressed kernel for QEMU's PVH entry (amd64 only; absent: use vmlinuz)
#     vmlinuz          the compressed bzImage
#     config           the kernel's .config
#     busybox          the guest's userspace (i386 only: busybox-static:i386)
#     suite            the archive suite it came from
#     .complete        "<flavour> <version>", written last; its presence makes a second run a no-op
#   $CACHE/current-amd64, current-686   symlinks to the kernel the last setup chose, which run boots
#
# A new version lands in a new folder, so no manual clean is needed; older folders of the same
# flavour are removed once a newer one is ready.
#
# Exit status: 0 ready, 1 no usable kernel (or another failure), 2 usage, 3 no QEMU and no way to
# install it (not root, or apt cannot install it): the one case run may skip under CI.
#
# Usage: tools/kernel-test/setup.sh [i386]   (env: KMM_KERNEL_CACHE, default ~/.cache/kmm-kernel)
set -euo pipefail
arch=${1:-amd64}
case $arch in
amd64)
	flavour=amd64
	want_abi=${KMM_KERNEL_ABI:-}
	want_ver=${KMM_KERNEL_PKGVER:-}
	;;
i386)
	# kmm's x86_32 profile models 2-level paging (1024 pkmap slots in one 4 MiB page table,
	# 32-bit physical addresses): the non-PAE 686 flavour, not 686-pae.
	flavour=686
	want_abi=${KMM_KERNEL32_ABI:-}
	want_ver=${KMM_KERNEL32_PKGVER:-}
	;;
*)
	echo "usage: $0 [i386]" >&2
	exit 2
	;;
esac
CACHE=${KMM_KERNEL_CACHE:-${HOME:-/root}/.cache/kmm-kernel}

t0=$(date +%s.%N)
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "kernel-test setup: $*"; }

host_pkgs="qemu-system-x86 busybox-static cpio xz-utils make gcc-12 libc6-dev"
missing=""
for p in $host_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
# Without QEMU nothing can run here at all, which run reports apart from every other failure.
no_host_pkgs() {
	case "$missing " in
	*" qemu-system-x86 "*) exit 3 ;;
	esac
	exit 1
}
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "need root to install:$missing" >&2
		no_host_pkgs
	fi
	say "installing:$missing"
	# a mirror in the middle of a sync fails the update now and then: retry, then go on
	for try in 1 2 3; do
		apt-get update -qq && break
		say "apt-get update failed (try $try of 3)"
		sleep 10
	done
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null ||
		{ say "cannot install:$missing" >&2; no_host_pkgs; }
fi
say "host packages ready ($(elapsed) s)"

apt_dir=$CACHE/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
# A binary package cache of those lists (Docker images turn it off for the host's) saves each
# query a full parse of ~40 MB of lists: 2.5 s a call.
aptopt=(-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=
	-o APT::Architectures::=amd64 -o APT::Architectures::=i386
	-o APT::Sandbox::User=root)
refreshed=0
refresh() {
	refreshed=1
	# One index that fails (a mirror mid-sync, the i386 security index's hash) leaves the others
	# usable, and apt keeps the old copy of a list it could not fetch: report the first problem and
	# choose among what the lists hold. apt exits 0 on a failed fetch, hence the look at its log.
	timeout 180 apt-get "${aptopt[@]}" update -qq >/dev/null 2>"$apt_dir/update.log" ||
		echo "E: apt-get update exited with $?" >>"$apt_dir/update.log"
	grep -q -E '^(E|W):' "$apt_dir/update.log" &&
		say "apt-get update: $(grep -m1 -E '^(E|W):' "$apt_dir/update.log")"
	touch "$apt_dir/updated"
}

# candidates: one line "ABI VERSION SUITE MISSING" per linux-image-<abi>-<flavour>-unsigned build
# in the lists, newest version first; MISSING is "-" or the companion packages absent at VERSION.
# One madison call for every name: each apt-cache call parses all the lists again.
candidates() {
	local abis a
	local pkgs=(linux-kbuild-6.1:amd64)
	abis=$(apt-cache "${aptopt[@]}" pkgnames linux-image-6.1.0- 2>/dev/null |
		sed -nE "s/^linux-image-(6\.1\.0-[0-9]+)-$flavour-unsigned\$/\1/p")
	[ -n "$abis" ] || return 0
	for a in $abis; do
		pkgs+=("linux-image-$a-$flavour-unsigned:$arch" "linux-headers-$a-$flavour:$arch"
			"linux-headers-$a-common")
	done
	apt-cache "${aptopt[@]}" madison "${pkgs[@]}" 2>/dev/null |
		awk -F' *[|] *' -v flavour="$flavour" '
		{
			name = $1
			gsub(/^ +| +$/, "", name)
			sub(/:[a-z0-9]+$/, "", name)
			split($3, src, " ")
			suite = src[2]
			sub(/\/.*/, "", suite)
			have[name " " $2] = 1
			if (name ~ /^linux-image-/ && !((name " " $2) in img)) {
				img[name " " $2] = 1
				abi = substr(name, 13, length(name) - 12 - length(flavour) - 10)
				n++
				cabi[n] = abi
				cver[n] = $2
				csuite[n] = suite
			}
		}
		END {
			for (i = 1; i <= n; i++) {
				miss = ""
				need[1] = "linux-headers-" cabi[i] "-" flavour
				need[2] = "linux-headers-" cabi[i] "-common"
				need[3] = "linux-kbuild-6.1"
				for (j = 1; j <= 3; j++)
					if (!((need[j] " " cver[i]) in have))
						miss = miss "," need[j]
				print cabi[i], cver[i], csuite[i], miss == "" ? "-" : substr(miss, 2)
			}
		}' | sort -k2,2rV -k1,1rV
}

# choose: the newest candidate that the overrides allow, has its companions and is cached or
# downloads; sets abi, ver, suite, dest (the debs in $dest.tmp/debs when downloaded). A download
# that fails on lists not refreshed in this run returns 1 at once, so the caller refreshes them
# before settling for an older build.
choose() {
	local a v s miss q=":$arch" pkgs
	while read -r -u 3 a v s miss; do
		[ -n "$want_abi" ] && [ "$a" != "$want_abi" ] && continue
		[ -n "$want_ver" ] && [ "$v" != "$want_ver" ] && continue
		if [ "$miss" != - ]; then
			# once, though a retry on refreshed lists passes here again
			[[ $said == *" $a=$v "* ]] ||
				say "skipping $a-$flavour ($v, $s): no ${miss//,/, } at $v"
			said="$said $a=$v "
			continue
		fi
		abi=$a ver=$v suite=$s dest=$CACHE/$a-${flavour}_$v
		[ -f "$dest/.complete" ] && return 0
		pkgs=("linux-image-$abi-$flavour-unsigned$q=$ver" "linux-headers-$abi-$flavour$q=$ver"
			"linux-headers-$abi-common=$ver" "linux-kbuild-6.1:amd64=$ver")
		# The guest's userspace on the i386 leg; any version will do.
		[ "$arch" = i386 ] && pkgs+=(busybox-static:i386)
		rm -rf "$dest.tmp"
		mkdir -p "$dest.tmp/debs" "$dest.tmp/root"
		# apt-get download writes into the current directory; a cache under /root is out of
		# the _apt user's reach, hence the sandbox user root (aptopt).
		if (cd "$dest.tmp/debs" && apt-get "${aptopt[@]}" download -q "${pkgs[@]}") \
			>/dev/null 2>"$apt_dir/download.log"; then
			return 0
		fi
		rm -rf "$dest.tmp"
		download_failed=1
		say "download of $a-$flavour ($v, $s) failed: $(grep -m1 -E '^(E|Err):' \
			"$apt_dir/download.log" || echo "see $apt_dir/download.log")"
		[ $refreshed = 0 ] && return 1
	done 3< <(candidates)
	dest=""
	return 1
}

what=""
[ -n "$want_abi" ] && what="$what ABI $want_abi"
[ -n "$want_ver" ] && what="$what version $want_ver"
abi="" ver="" suite="" dest="" said="" download_failed=0
if [ -n "$want_abi" ] && [ -n "$want_ver" ] &&
	[ -f "$CACHE/$want_abi-${flavour}_$want_ver/.complete" ]; then
	# Both overrides given and already fetched: no archive needed.
	abi=$want_abi ver=$want_ver dest=$CACHE/$want_abi-${flavour}_$want_ver
	suite=$(cat "$dest/suite" 2>/dev/null || echo "the cache")
else
	[ -n "$(find "$apt_dir/updated" -mmin -60 2>/dev/null)" ] || refresh
	choose || { [ $refreshed = 0 ] && refresh && choose; } || {
		if [ $download_failed = 1 ]; then
			say "no usable 6.1 $flavour kernel${what:+ with$what} could be downloaded" \
				"(see above)" >&2
		else
			say "no usable 6.1 $flavour kernel${what:+ with$what} in the configured archives;" \
				"newest on offer (ABI, version, suite, missing companions):" >&2
			candidates | head -n 5 | sed 's/^/    /' >&2
		fi
		exit 1
	}
fi
say "chose $abi-$flavour ($ver) from $suite${what:+ (override:$what)}"
FLAVOUR=$abi-$flavour
DEST=$dest

if [ -f "$DEST/.complete" ]; then
	say "kernel $FLAVOUR ($ver) already in $DEST"
else
	say "downloaded $(ls "$DEST.tmp/debs" | wc -l) packages ($(elapsed) s)"
	for deb in "$DEST.tmp/debs"/*.deb; do
		dpkg-deb -x "$deb" "$DEST.tmp/root"
	done
	rm -rf "$DEST.tmp/debs"
	say "unpacked ($(elapsed) s)"

	# The flavour tree's Makefiles name the -common tree by its installed absolute path; point them
	# at the unpacked copy. The scripts/tools symlinks are relative (../../lib/linux-kbuild-6.1)
	# and already work.
	root=$DEST.tmp/root
	grep -rlZ --include='Makefile*' "/usr/src/linux-headers-$abi-common" \
		"$root/usr/src/linux-headers-$FLAVOUR" |
		xargs -0 -r sed -i \
			"s#/usr/src/linux-headers-$abi-common#$DEST/root/usr/src/linux-headers-$abi-common#g"

	cp "$root/boot/config-$FLAVOUR" "$DEST.tmp/config"
	vmlinuz=$root/boot/vmlinuz-$FLAVOUR
	ln -s "root/boot/vmlinuz-$FLAVOUR" "$DEST.tmp/vmlinuz"
	ln -s "root/usr/src/linux-headers-$FLAVOUR" "$DEST.tmp/headers"
	[ "$arch" = i386 ] && ln -s root/bin/busybox "$DEST.tmp/busybox"

	# QEMU boots an ELF vmlinux through its PVH note far faster than a bzImage under TCG. The
	# bzImage's payload is the xz stream followed by a 4-byte little-endian uncompressed size that
	# xz rejects, so cut exactly payload_length - 4 bytes. Offsets come from the boot protocol
	# header: setup_sects at 0x1f1, payload_offset/payload_length at 0x248/0x24c (relative to the
	# protected-mode code after the setup).
	u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
	u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
	setup_sects=$(u8 "$vmlinuz" $((0x1f1)))
	[ "$setup_sects" = 0 ] && setup_sects=4
	poff=$(u32 "$vmlinuz" $((0x248)))
	plen=$(u32 "$vmlinuz" $((0x24c)))
	start=$(((setup_sects + 1) * 512 + poff))
	if [ "$arch" = i386 ]; then
		say "the 686 kernel has no PVH entry: run boots its bzImage"
	elif dd if="$vmlinuz" bs=4096 iflag=skip_bytes,count_bytes skip=$start count=$((plen - 4)) \
		status=none | xz -dc >"$DEST.tmp/vmlinux" 2>/dev/null &&
		head -c 4 "$DEST.tmp/vmlinux" | grep -q ELF; then
		say "extracted vmlinux ($(du -m "$DEST.tmp/vmlinux" | cut -f1) MiB, $(elapsed) s)"
	else
		rm -f "$DEST.tmp/vmlinux"
		say "could not extract vmlinux; run will boot the bzImage (slower)"
	fi

	echo "$suite" >"$DEST.tmp/suite"
	echo "$FLAVOUR $ver" >"$DEST.tmp/.complete"
	# The sed above already wrote the final path, so the move must land exactly at $DEST.
	rm -rf "$DEST"
	mv "$DEST.tmp" "$DEST"
	say "kernel $FLAVOUR ($ver) ready in $DEST ($(elapsed) s total)"
fi

# run boots what this run chose; replace the link in one rename so a reader never finds it missing.
ln -sfn "$(basename "$DEST")" "$CACHE/current-$flavour.new"
mv -T "$CACHE/current-$flavour.new" "$CACHE/current-$flavour"

# Older builds of the same flavour are dead weight once a newer one is ready (a folder of the
# layout before versioned names, $CACHE/<abi>/ or <abi>-686/, included). A newer one stays when an
# override chose an older build: the next plain run wants it back.
for d in "$CACHE"/*/; do
	d=${d%/}
	[ -L "$d" ] || [ "$d" = "$DEST" ] && continue
	[ -f "$d/.complete" ] && read -r f v _ <"$d/.complete" || continue
	[[ $f =~ ^6\.1\.0-[0-9]+-$flavour$ ]] || continue
	dpkg --compare-versions "$v" lt "$ver" || continue
	say "removing the older $f ($v) from $CACHE"
	rm -rf "$d"
done
