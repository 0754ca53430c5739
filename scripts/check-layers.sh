#!/bin/bash
# Calls go down the layers: no file of src/ calls a function defined in a layer above its own.
# The order, bottom to top, is src/README.md's; a lower layer reaches a higher one only through
# a hook the higher one registers (a function pointer), which this check cannot see and allows.
#
# Usage: scripts/check-layers.sh OBJECT_DIR   (the kmm_objects folder of a build, for example
#        build/src/CMakeFiles/kmm_objects.dir). Prints each upward call; exits 1 if there is one.
set -euo pipefail
objdir=${1:?usage: $0 OBJECT_DIR}
LAYERS="arch machine kernel lib mm drivers/base kernel/dma fs user"

# One nm over every object, each line prefixed with its file; awk gives each file its layer
# (the longest folder of LAYERS that holds it) and flags every use of a function defined in a
# higher layer.
srcdir=$(cd "$(dirname "$0")/../src" && pwd)
# Objects whose source is gone (a stale build folder) are left out.
objs=$(find "$objdir" -name '*.c.o' | sort | while read -r o; do
	rel=${o#"$objdir"/}
	[ -f "$srcdir/${rel%.o}" ] && echo "$o"
done)
[ -n "$objs" ] || { echo "check-layers: no objects under $objdir" >&2; exit 1; }
# shellcheck disable=SC2086
{ nm -A --defined-only $objs | awk '$2 == "T" { print "D", $1, $3 }'
  # shellcheck disable=SC2086
  nm -A -u $objs | awk '{ print "U", $1 "-", $3 }'; } |
	sed "s|$objdir/||; s|\.c\.o:| |" |
	awk -v layers="$LAYERS" '
	function layer_of(f,    i, best, len) {
		best = -1; len = 0
		for (i = 1; i <= n; i++)
			if (index(f, l[i] "/") == 1 && length(l[i]) > len) { best = i; len = length(l[i]) }
		return best
	}
	BEGIN { n = split(layers, l, " ") }
	{
		f = $2 ".c"; lay = layer_of(f)
		if (lay < 0) { printf "check-layers: %s is in no layer of src/README.md\n", f; bad++; next }
		files[f] = 1
		if ($1 == "D") { def[$4] = f; dlay[$4] = lay } else { use[++nu] = f; sym[nu] = $4; ulay[nu] = lay }
	}
	END {
		for (i = 1; i <= nu; i++)
			if ((sym[i] in def) && dlay[sym[i]] > ulay[i]) {
				printf "%s calls %s (%s), a layer above\n", use[i], sym[i], def[sym[i]]
				bad++
			}
		for (f in files) count++
		if (bad) { printf "check-layers: upward calls found (order, bottom to top: %s)\n", layers; exit 1 }
		printf "check-layers: %d files, every call goes down (order: %s)\n", count, layers
	}'
