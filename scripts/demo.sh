#!/usr/bin/env bash
# Installs what is needed, builds, and shows hxctl's main job on a loopback estate:
#   1. hx-sim serves a Qdrant on 127.0.0.1:46333 (it answers as Qdrant 1.19 does);
#   2. hxctl applies examples/local/ (the seed's nine collections), then plans again: No changes;
#   3. someone changes a collection by hand; hxctl shows the drift and repairs it;
#   4. hxctl history shows what was done; the real estate in specs/ is planned offline.
# Nothing leaves this machine: HXCTL_LOOPBACK_ONLY=1 makes hxctl refuse any other address.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target hxctl hx-sim >/dev/null

demo=$(mktemp -d)
export HXCTL_STATE="$demo/state.db" HXCTL_LOOPBACK_ONLY=1 NO_COLOR="${NO_COLOR:-}"
HXCTL_DEMO_QDRANT_KEY="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export HXCTL_DEMO_QDRANT_KEY
./build/hx-sim --exchange-log "$demo/exchanges.jsonl" \
  --qdrant 127.0.0.1:46333 --api-key "$HXCTL_DEMO_QDRANT_KEY" >"$demo/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$demo"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:46333/healthz >/dev/null && break; sleep 0.1; done

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '\033[1m$ %s\033[0m\n' "$*"; "$@"; }

say "A Qdrant (simulated by hx-sim) is listening on 127.0.0.1:46333 with an API key. It is empty."
run ./build/hxctl validate -f examples/local/
say "Apply the seed's nine collections: hxctl probes the host, plans, creates, and records each action."
run ./build/hxctl apply -f examples/local/ 2>/dev/null
say "Plan again: the estate matches the specs."
run ./build/hxctl plan -f examples/local/ --detailed-exitcode && echo "(exit 0: no changes)"
say "Someone changes hermes' HNSW m to 32 and re-points an alias, by hand, behind hxctl's back."
curl -s -X PATCH -H "api-key: $HXCTL_DEMO_QDRANT_KEY" -H 'Content-Type: application/json' \
  http://127.0.0.1:46333/collections/hermes -d '{"hnsw_config":{"m":32}}' >/dev/null
curl -s -X POST -H "api-key: $HXCTL_DEMO_QDRANT_KEY" -H 'Content-Type: application/json' \
  http://127.0.0.1:46333/collections/aliases \
  -d '{"actions":[{"create_alias":{"collection_name":"phi3","alias_name":"mixtral-current"}}]}' >/dev/null
run ./build/hxctl plan -f examples/local/ || true
say "Apply repairs the drift."
run ./build/hxctl apply -f examples/local/ 2>/dev/null
run ./build/hxctl plan -f examples/local/
say "The store remembers every run and action."
run ./build/hxctl history
run ./build/hxctl history 1 | head -14
say "The real estate (specs/, 192.168.10.x) planned offline: nothing is contacted; every host is still pending_installation, so all of its work is deferred, with the reason."
run ./build/hxctl plan -f specs/ --offline | tail -12
say "hx-sim logged $(wc -l <"$demo/exchanges.jsonl") HTTP exchanges; the test suite checks such logs against Qdrant's OpenAPI document."
