#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: lint, the normal build, then
# the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
# This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/lint.sh

jobs=$(nproc)
# Installed under /usr, as the Debian package is, so that the package test can build it from here.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug -DHXCTL_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# The same tests again under AddressSanitizer + UndefinedBehaviorSanitizer, in a Debug build:
# with -fsanitize at -O2, the test units take twice as long to compile, which CI's time cannot
# afford. The seed estate's load targets measure the simulator's speed, which ASan divides: it
# runs in the plain build only.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHXCTL_SANITIZE=ON -DHXCTL_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'seed|package'

# Another build type, optimised as packages are: hxctl itself in Release, held to no warning
# (GCC 12's -Wrestrict false positive excepted, see CMakeLists.txt). Only the binary, without
# the tests, so it costs CI about a minute and a half.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DHXCTL_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-release -j"$jobs" --target hxctl
build-release/hxctl version
