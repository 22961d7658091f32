#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite. This is what CI runs (.ci/run).
#
#   build-asan/     Debug with AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors:
#                   every test but the seed estate's (the package test builds its .deb from here,
#                   hence the /usr prefix)
#   build-release/  hxctl and hx-sim in Release, warnings as errors (GCC 12's -Wrestrict false
#                   positive excepted, see CMakeLists.txt); the seed estate runs against them, its
#                   load targets measure speed, which the sanitizers divide
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/lint.sh

jobs=$(nproc)
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHXCTL_SANITIZE=ON -DHXCTL_WERROR=ON \
  -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE seed

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DHXCTL_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-release -j"$jobs" --target hxctl hx-sim
build-release/hxctl version
HXCTL_TEST_HXCTL="$PWD/build-release/hxctl" HXCTL_TEST_SIM="$PWD/build-release/hx-sim" \
  ctest --test-dir build-asan --output-on-failure -L seed
