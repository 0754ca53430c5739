#!/bin/sh
# Checks every C file of the project against .clang-format (the kernel style).
set -e
cd "$(dirname "$0")/.."
CF=$(command -v clang-format-14 || command -v clang-format)
git ls-files '*.c' '*.h' | grep -v '^tests/kernel/' | xargs "$CF" --dry-run -Werror
