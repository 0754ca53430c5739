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

# layer_of PATH: the index of the layer a source path (relative to src/) belongs to.
layer_of() {
	local best=-1 best_len=0 i=0
	for l in $LAYERS; do
		case $1 in
		"$l"/*)
			if [ ${#l} -gt "$best_len" ]; then
				best=$i
				best_len=${#l}
			fi
			;;
		esac
		i=$((i + 1))
	done
	echo "$best"
}

defs=$(mktemp)
uses=$(mktemp)
trap 'rm -f "$defs" "$uses"' EXIT
count=0
while IFS= read -r obj; do
	src=${obj#"$objdir"/}
	src=${src%.o}
	layer=$(layer_of "$src")
	if [ "$layer" -lt 0 ]; then
		echo "check-layers: $src is in no layer of src/README.md" >&2
		exit 1
	fi
	nm --defined-only "$obj" | awk -v f="$src" -v l="$layer" '$2 == "T" { print $3, f, l }' >>"$defs"
	nm -u "$obj" | awk -v f="$src" -v l="$layer" '{ print $2, f, l }' >>"$uses"
	count=$((count + 1))
done < <(find "$objdir" -name '*.c.o' | sort)
[ "$count" -gt 0 ] || { echo "check-layers: no objects under $objdir" >&2; exit 1; }

awk 'NR == FNR { def[$1] = $2; lay[$1] = $3; next }
     ($1 in def) && lay[$1] > $3 { printf "%s calls %s (%s), a layer above\n", $2, $1, def[$1]; bad++ }
     END { exit bad > 0 }' "$defs" "$uses" || {
	echo "check-layers: upward calls found (order, bottom to top: $LAYERS)" >&2
	exit 1
}
echo "check-layers: $count files, every call goes down (order: $LAYERS)"
