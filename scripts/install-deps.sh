#!/bin/sh
# Installs the Debian packages kmm needs to build, test and benchmark.
# Safe to run again: packages already present are skipped.
set -e
PKGS="build-essential cmake pkg-config libcmocka-dev clang clang-format-14 libclang-rt-14-dev valgrind \
libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev liburcu-dev chromium tmux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# A mirror in the middle of a sync fails the update now and then: try again, then go on with
# the package lists there are.
for try in 1 2 3; do
	$SUDO apt-get update -qq && break
	echo "install-deps: apt-get update failed (try $try of 3)" >&2
	sleep 10
done
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
