#!/bin/bash
# Fetch the kernel's own sources from Debian's linux-source-6.1 and unpack the parts kmm's tests
# compile unchanged (test modules, KUnit suites, samples). Nothing here is ever committed: the
# package is downloaded with `apt-get download` (no install, no root needed past apt's lists)
# and unpacked into a cache keyed by its version, as tools/kernel-test/setup.sh caches kernels.
#
#   tests/linux-sources/fetch.sh            prints the path of the unpacked tree
#   tests/linux-sources/fetch.sh PATH...    also makes sure those paths are unpacked (files or
#                                           folders relative to the kernel tree's top)
#
# The default set (lib/, mm/, samples/, include/ are not unpacked whole: only DEFAULT_PATHS and
# any PATH asked for) keeps the unpacked tree small. Env: KMM_LINUX_SOURCE_CACHE (default
# ~/.cache/kmm-linux-source). Prints the tree's path on stdout, progress on stderr.
set -euo pipefail

CACHE=${KMM_LINUX_SOURCE_CACHE:-${HOME:-/root}/.cache/kmm-linux-source}
DEFAULT_PATHS="lib samples mm/kasan mm/kfence drivers/misc/dummy-irq.c"
say() { echo "linux-sources: $*" >&2; }

version=$(apt-cache policy linux-source-6.1 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	[ "$(id -u)" = 0 ] && apt-get update -qq >&2 || true
	version=$(apt-cache policy linux-source-6.1 2>/dev/null | awk '/Candidate:/ { print $2 }')
fi
# Offline, or no archive offers the package: use the newest tree already unpacked.
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	tree=$(ls -d "$CACHE"/*/linux-source-6.1 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$tree" ]; then
		say "no archive offers linux-source-6.1 and nothing is cached in $CACHE"
		exit 1
	fi
	echo "$tree"
	exit 0
fi

dest=$CACHE/$version
tarball=$dest/linux-source-6.1.tar.xz
tree=$dest/linux-source-6.1
mkdir -p "$dest"
if [ ! -f "$tarball" ]; then
	say "downloading linux-source-6.1 $version"
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt downloads as _apt where it can
	(cd "$tmp" && apt-get download -qq "linux-source-6.1=$version" >&2)
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.1_*.deb |
		tar -xO ./usr/src/linux-source-6.1.tar.xz >"$tarball.part"
	mv "$tarball.part" "$tarball"
	rm -rf "$tmp"
	# Older versions go: the cache holds one kernel tree.
	for old in "$CACHE"/*; do
		[ "$old" = "$dest" ] || rm -rf "$old"
	done
fi

want=""
for p in $DEFAULT_PATHS "$@"; do
	[ -e "$tree/$p" ] || want="$want linux-source-6.1/$p"
done
if [ -n "$want" ]; then
	say "unpacking:$want"
	# shellcheck disable=SC2086
	tar -xJf "$tarball" -C "$dest" $want >&2
fi
echo "$tree"
