#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: lint, the normal build, then
# the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/lint.sh

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHXCTL_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
# The seed estate's load targets measure the simulator's speed, which ASan divides: it runs in
# the plain build only.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE seed
