#!/usr/bin/env bash
# Installs what is needed, builds hxctl, and shows its main job on the seed estate in specs/:
# validate the specs, then plan them offline. No host in specs/ is ever contacted: none of them
# has been seen healthy, so every change waits (deferred) on its host or on a held task.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target hxctl >/dev/null

demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
export HXCTL_STATE="$demo/state.db"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step hxctl validate -f specs/
./build/hxctl validate -f specs/
step hxctl plan -f specs/ --offline
./build/hxctl plan -f specs/ --offline
step "hxctl validate -f tests/corpus/11-embedding-size-mismatch.yaml   # a broken spec"
./build/hxctl validate -f tests/corpus/11-embedding-size-mismatch.yaml || echo "(exit $?: invalid specs)"
