# kmm - top-level entry points. The README's two commands:
#   make demo    build, then run the demo on the default machine
#   make test    install missing Debian packages, build, run every test suite
#
# Build flavours live in their own folders: build/ (release), build-asan/ (ASan+UBSan),
# build-tsan/ (TSan, stress tests), build-fuzz/ (clang, libFuzzer + ASan+UBSan).

JOBS ?= $(shell nproc)
CMAKE ?= cmake

.PHONY: all demo deps build build-debug build-asan build-tsan build-fuzz test test-release \
	test-asan test-tsan test-kernel test-linux-sources test-kunit test-package fuzz bench format-check install clean

all: build

deps:
	./scripts/install-deps.sh

build:
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release
	$(CMAKE) --build build -j$(JOBS)

build-debug:
	$(CMAKE) -S . -B build-debug -DCMAKE_BUILD_TYPE=Debug
	$(CMAKE) --build build-debug -j$(JOBS)

build-asan:
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKMM_SANITIZE=address \
		-DKMM_BUILD_BENCH=OFF
	$(CMAKE) --build build-asan -j$(JOBS)

build-tsan:
	$(CMAKE) -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DKMM_SANITIZE=thread \
		-DKMM_BUILD_BENCH=OFF
	$(CMAKE) --build build-tsan -j$(JOBS)

demo: deps build
	./build/tools/kmm demo

test-release: build
	ctest --test-dir build --output-on-failure -j$(JOBS)

# The installed package from outside the tree: pkg-config and find_package(kmm), shared and
# static (tests/package/run, about 10 s).
test-package: build
	./tests/package/run build

test-asan: build-asan
	ctest --test-dir build-asan --output-on-failure -j$(JOBS)

# TSan runs the multi-threaded tests: the stress suite and the unit tests that race.
test-tsan: build-tsan
	ctest --test-dir build-tsan --output-on-failure -j$(JOBS) -L "stress|unit|drivers"

build-fuzz:
	CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DKMM_SANITIZE=address \
		-DKMM_FUZZ=ON -DKMM_BUILD_BENCH=OFF -DKMM_BUILD_TESTS=OFF
	$(CMAKE) --build build-fuzz -j$(JOBS)

# Each libFuzzer target in fuzz/ for FUZZ_SECONDS, its corpus kept in build-fuzz/corpus/.
FUZZ_SECONDS ?= 20
fuzz: build-fuzz
	./scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

# The real Linux kernel under QEMU: reference formats and behaviour (tests/kernel/). Two legs:
# Debian's amd64 kernel against kmm's x86_64 profile, its i386 (686) kernel against the default x86_32.
test-kernel:
	./tools/kernel-test/run

# The kernel's own modules (samples/kfifo, lib/test_*.c ...) compiled unchanged against kmm,
# loaded and unloaded: tests/linux-sources/run.
test-linux-sources: build
	./tests/linux-sources/run

# The kernel's own KUnit suites and test modules (Debian's linux-source-6.1, fetched and cached
# at test time) compiled unchanged against kmm: tests/linux-sources/kunit.sh.
test-kunit: build
	./tests/linux-sources/kunit.sh build

format-check:
	./scripts/format-check.sh

test: deps format-check test-release test-linux-sources test-kunit test-package test-asan test-tsan test-kernel
	$(MAKE) fuzz FUZZ_SECONDS=15

bench: build
	./scripts/bench.sh

install: build
	$(CMAKE) --install build

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
