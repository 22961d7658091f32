#!/usr/bin/env bash
# The suite in a plain default build, as someone who just clones and builds gets it: no build
# type, no options, CMake's default prefix (/usr/local). Every test must pass or be skipped with
# its reason (the package check needs a /usr build and says so). Not part of CI's time budget;
# run it by hand: bash scripts/test-default-build.sh [BUILD_DIR]  (default: build-default/)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-default}
cmake -S . -B "$dir" >/dev/null
cmake --build "$dir" -j"$(nproc)"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" -LE seed
