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

# The second build is another build type (optimised, as packages are). Its warnings are not
# errors: with -fsanitize, GCC's -Wmaybe-uninitialized flags libstdc++'s own std::regex and
# std::function code; the Debug build above holds the project to no warning.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHXCTL_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
# The seed estate's load targets measure the simulator's speed, which ASan divides: it runs in
# the plain build only.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'seed|package'
