#!/bin/sh
# Runs the benchmarks of an existing build (`make bench` builds ./build first; this script
# builds nothing). Two parts per benchmark:
#   1. the timing table (ns/op, cycles/op, ratio to glibc), printed by the benchmark itself;
#   2. instructions per operation under callgrind, which are repeatable where times are not.
# Instruction counts: the benchmark's --callgrind-MODE N runs N ops in a function loop_MODE;
# callgrind collects only inside it; the allocator's share is its inclusive cost minus its self
# (loop) cost, taken at two N and differenced so one-time costs (thread set-up, first refill)
# drop out.
#
# Usage: scripts/bench.sh [BUILD_DIR]      (default: build; KMM_BENCH_BUILD also works)
#        KMM_BENCH_SKIP_TIMING=1 skips part 1 (instruction counts only, e.g. comparing builds).
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-${KMM_BENCH_BUILD:-build}}
PAGE_BENCH=$BUILD/bench/bench_page_alloc
N1=20000
N2=120000

if [ ! -x "$PAGE_BENCH" ]; then
	echo "bench.sh: $PAGE_BENCH not found; run 'make bench' (or build $BUILD first)" >&2
	exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# allocator_ir BENCH MODE N [LOOP]: instructions spent below loop_LOOP (default loop_MODE) in a
# run of N ops.
allocator_ir() {
	out=$TMP/cg.$2.$3
	loop=loop_${4:-$2}
	# bench_slab re-executes itself to make static TLS room for jemalloc, which valgrind
	# cannot follow: give it the room from the start.
	KMM_BENCH_REEXEC=1 GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536 \
		valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$loop" \
		"$1" "--callgrind-$2" "$3" >/dev/null 2>"$TMP/valgrind.log" || {
		cat "$TMP/valgrind.log" >&2
		return 1
	}
	incl=$(sed -n 's/^totals: *//p' "$out" | cut -d' ' -f1)
	self=$(callgrind_annotate --inclusive=no --threshold=100 --auto=no "$out" 2>/dev/null |
		awk -v f=":$loop " 'index($0, f) { gsub(",", "", $1); print $1; exit }')
	echo $((incl - ${self:-0}))
}

# per_op BENCH MODE [LOOP]: instructions per op, N1/N2 differenced, one decimal.
per_op() {
	a=$(allocator_ir "$1" "$2" $N1 "${3:-}")
	b=$(allocator_ir "$1" "$2" $N2 "${3:-}")
	awk -v a="$a" -v b="$b" -v n=$((N2 - N1)) 'BEGIN { printf "%.1f", (b - a) / n }'
}

# top_functions MODE: the biggest self costs per op in the N2 run of MODE, by function (code
# inlined from a header is listed under the function it was inlined into, and added to it).
top_functions() {
	callgrind_annotate --inclusive=no --threshold=100 --auto=no "$TMP/cg.$1.$N2" 2>/dev/null |
		awk -v n="$N2" -v skip=":loop_$1" '
			$1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/ {
				line = $0; gsub(/\([ 0-9.]+%\)/, "", line); split(line, f, " ")
				if (f[2] !~ /:/ || index(f[2], skip))
					next
				c = f[1]; gsub(",", "", c)
				fn = f[2]; sub(/.*:/, "", fn)
				cost[fn] += c
			}
			END {
				for (fn in cost)
					if (cost[fn] / n >= 1)
						printf "    %6.1f  %s\n", cost[fn] / n, fn
			}' | sort -rn -k1 | head -12
}

echo "== page allocator: timing =="
[ "${KMM_BENCH_SKIP_TIMING:-}" ] || "$PAGE_BENCH"
echo

if [ -x "$BUILD/bench/bench_vmalloc" ] && [ -z "${KMM_BENCH_SKIP_TIMING:-}" ]; then
	echo "== vmalloc and kmap: timing =="
	"$BUILD/bench/bench_vmalloc"
	echo
fi

if [ -x "$BUILD/bench/bench_fault" ] && [ -z "${KMM_BENCH_SKIP_TIMING:-}" ]; then
	echo "== user page faults and remap_pfn_range: timing =="
	"$BUILD/bench/bench_fault"
	echo
fi

if [ -x "$BUILD/bench/bench_slab" ] && [ -z "${KMM_BENCH_SKIP_TIMING:-}" ]; then
	echo "== slab caches and kmalloc vs glibc, jemalloc, mimalloc, tcmalloc: timing =="
	"$BUILD/bench/bench_slab"
	echo
fi

if [ -x "$BUILD/bench/bench_dma" ] && [ -z "${KMM_BENCH_SKIP_TIMING:-}" ]; then
	echo "== DMA mapping, pools, MMIO accessors: timing =="
	"$BUILD/bench/bench_dma"
	echo
fi

if [ -x "$BUILD/bench/bench_locks" ] && [ -z "${KMM_BENCH_SKIP_TIMING:-}" ]; then
	echo "== locks, atomics and IRQ latency: timing =="
	"$BUILD/bench/bench_locks"
	echo
fi

echo "== page allocator: instructions per op (callgrind, Ir; repeatable) =="
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not installed; skipped (scripts/install-deps.sh installs it)"
	exit 0
fi
printf '%-40s %10s\n' "pattern" "instr/op"
for m in "order0:alloc_pages+__free_pages order 0" "order3:alloc_pages+__free_pages order 3" \
	"batch:alloc_pages order 0 x256, free all" "get_free_page:__get_free_page+free_page" \
	"malloc:glibc malloc(4096)+free" "aligned_alloc:glibc aligned_alloc(4096,4096)+free" \
	"malloc_batch:glibc malloc(4096) x256, free all"; do
	printf '%-40s %10s\n' "${m#*:}" "$(per_op "$PAGE_BENCH" "${m%%:*}")"
done
echo
echo "where an order-0 alloc_pages+__free_pages pair spends them (self instructions per pair):"
top_functions order0

SLAB_BENCH=$BUILD/bench/bench_slab
if [ -x "$SLAB_BENCH" ]; then
	echo
	echo "== slab caches and kmalloc: instructions per op (callgrind, Ir; one op = alloc + free) =="
	printf '%-40s %10s\n' "pattern" "instr/op"
	for m in "cache64:kmem_cache_alloc+free, 64 B" "kmalloc64:kmalloc(64)+kfree" \
		"batch64:kmem_cache 64 B x256, free all" "batch1k64:kmem_cache 64 B x1000, free all" \
		"kbatch1k64:kmalloc(64) x1000, free all"; do
		printf '%-40s %10s\n' "${m#*:}" "$(per_op "$SLAB_BENCH" "${m%%:*}")"
	done
	for p in glibc jemalloc mimalloc tcmalloc; do
		printf '%-40s %10s\n' "$p malloc(64)+free" "$(per_op "$SLAB_BENCH" "${p}64" peer64)"
		printf '%-40s %10s\n' "$p malloc(64) x1000, free all" \
			"$(per_op "$SLAB_BENCH" "$p-batch1k64" peer_batch1k64)"
	done
	echo
	echo "where a kmem_cache batch of 1000 spends them (self instructions per op):"
	top_functions batch1k64
fi
