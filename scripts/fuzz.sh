#!/bin/sh
# fuzz.sh BUILD SECONDS: run every libFuzzer target of BUILD/fuzz for SECONDS each, growing its
# corpus in BUILD/corpus/NAME. A crash, leak or abort fails with the input libFuzzer saved
# (BUILD/crashes/); replay it with `BUILD/fuzz/NAME FILE`.
set -eu
build=$1
seconds=$2
mkdir -p "$build/crashes"
for target in "$build"/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	name=$(basename "$target")
	mkdir -p "$build/corpus/$name"
	echo "fuzz: $name for $seconds s"
	if ! "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$build/crashes/$name-" "$build/corpus/$name" \
		>"$build/$name.log" 2>&1; then
		tail -n 40 "$build/$name.log"
		echo "fuzz: $name FAILED; the input is in $build/crashes/"
		exit 1
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/$name.log" |
		sed "s/^/fuzz: $name: /"
	echo "fuzz: $name: corpus $(ls "$build/corpus/$name" | wc -l) inputs"
done
