#!/bin/bash
# Build a small 6.1 kernel with CONFIG_DEBUG_ATOMIC_SLEEP, which Debian's kernel does not enable, so the
# probe can record the might_sleep report ("BUG: sleeping function called from invalid context").
#
# The source is Debian's linux-source-6.1 package of the same version as the amd64 kernel setup.sh
# chose (found through setup.sh's apt lists), configured as tinyconfig + debug.config beside this
# script. The result goes beside that kernel's folder, $CACHE/<flavour>_<version>-debug/, laid out
# like it (headers -> the build tree, vmlinux), so `run --debug` treats both alike. Takes ~3.5
# minutes on 2 cores; optional, not part of the normal run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh" >/dev/null
CACHE=${KMM_KERNEL_CACHE:-${HOME:-/root}/.cache/kmm-kernel}
chosen=$(readlink -f "$CACHE/current-amd64")
read -r flavour KMM_KERNEL_PKGVER <"$chosen/.complete"
KMM_KERNEL_ABI=${flavour%-amd64}
DEST=$chosen-debug
t0=$(date +%s)
say() { echo "kernel-test debug-kernel: $* ($(($(date +%s) - t0)) s)"; }

if [ -f "$DEST/.complete" ]; then
	say "already built in $DEST"
	exit 0
fi
missing=""
for p in flex bison libelf-dev bc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -n "$missing" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null

rm -rf "$DEST"
mkdir -p "$DEST/deb"
(cd "$DEST/deb" && apt-get download -q -o APT::Sandbox::User=root \
	-o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache" \
	"linux-source-6.1=$KMM_KERNEL_PKGVER" >/dev/null)
dpkg-deb --fsys-tarfile "$DEST"/deb/*.deb | tar -xO ./usr/src/linux-source-6.1.tar.xz | tar -C "$DEST" -xJf -
rm -rf "$DEST/deb"
mv "$DEST/linux-source-6.1" "$DEST/src"
say "source unpacked"

cd "$DEST/src"
make -s tinyconfig >/dev/null
./scripts/kconfig/merge_config.sh -m .config "$here/debug.config" >/dev/null 2>&1
make -s olddefconfig
grep -q '^CONFIG_DEBUG_ATOMIC_SLEEP=y' .config || { echo "debug.config did not take" >&2; exit 1; }
make -s -j"$(nproc)" vmlinux modules >"$DEST/build.log" 2>&1 || { tail -n 30 "$DEST/build.log"; exit 1; }
ln -s src "$DEST/headers"
ln -s src/vmlinux "$DEST/vmlinux"
cp .config "$DEST/config"
echo "$KMM_KERNEL_ABI-debug tinyconfig+debug.config from linux-source-6.1 $KMM_KERNEL_PKGVER" >"$DEST/.complete"
say "built $DEST/vmlinux"
