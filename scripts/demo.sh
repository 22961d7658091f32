#!/usr/bin/env bash
# Installs what is needed, builds, and shows hxctl's main job on a loopback estate:
#   1. hx-sim serves a Qdrant (127.0.0.1:46333) and an Ollama (127.0.0.1:41434) that is not
#      installed yet: it refuses connections for the first seconds;
#   2. hxctl applies examples/local/ (copied into a demo estate with its own hxctl.yaml): what can be done is done, what waits for the LLM host is
#      deferred with the reason, and the backlog shows its tasks blocked;
#   3. the host comes up; the next apply does exactly the deferred work and the checks prove the
#      tasks done (models answer, vectors are ingested and found, load targets met);
#   4. someone changes a collection by hand; hxctl shows the drift and repairs it;
#   5. hxctl history shows what was done; the real estate in specs/ is shown offline.
# Nothing leaves this machine: HXCTL_LOOPBACK_ONLY=1 makes hxctl refuse any other address.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target hxctl hx-sim >/dev/null

demo=$(mktemp -d)
export HXCTL_LOOPBACK_ONLY=1 NO_COLOR="${NO_COLOR:-}"
unset HXCTL_STATE HXCTL_CONFIG
# The demo estate is a directory: its hxctl.yaml names it and says where its specs and its store
# are, so every command below (and the daemon) runs with no -f and no --state.
cp -r examples/local "$demo/specs"
printf 'estate: demo\nspecs: [specs]\nstate: state.db\n' >"$demo/hxctl.yaml"
root=$(pwd)
hxctl() { (cd "$demo" && exec "$root/build/hxctl" "$@"); }
HXCTL_DEMO_QDRANT_KEY="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export HXCTL_DEMO_QDRANT_KEY
./build/hx-sim --exchange-log "$demo/exchanges.jsonl" \
  --qdrant 127.0.0.1:46333 --api-key "$HXCTL_DEMO_QDRANT_KEY" \
  --ollama 127.0.0.1:41434 --registry mixtral:8x7b --registry nomic-embed-text=8 --up-after 6 \
  >"$demo/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$demo"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:46333/healthz >/dev/null && break; sleep 0.1; done
# Something else on the demo's ports would answer in hx-sim's place: stop rather than show that.
if ! curl -sf http://127.0.0.1:46333/healthz | grep -q "healthz check passed"; then
  echo "demo: hx-sim's Qdrant does not answer on 127.0.0.1:46333: is something else using the port?"
  exit 1
fi

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '\033[1m$ %s\033[0m\n' "$*"; "$@"; }

say "hx-sim serves a Qdrant (empty) and an Ollama host, llm-primary, that is not installed yet."
run hxctl validate
say "Apply: the collections that need nothing else are created; llm-primary's models and the collections its embedding model fills wait for it."
run hxctl apply --auto-approve 2>/dev/null || echo "(exit $?: see above)"
say "The backlog: tasks blocked on llm-primary, 1.5.1 held by the user's decision."
run hxctl status
say "The install of llm-primary finishes (hx-sim brings it up)..."
for _ in $(seq 100); do
  # --record: each probe counts, as the daemon's would (a plain read keeps what it sees to itself,
  # so the breaker that run 1 opened would stay open for every read until its cool-down).
  [ "$(hxctl hosts --record -o json 2>/dev/null | grep -c '"status": "active"')" -ge 2 ] && break
  sleep 0.2
done
run hxctl hosts
say "Apply again: exactly the deferred work (two pulls, three collections); then the checks run."
run hxctl apply --auto-approve 2>/dev/null
run hxctl status
run hxctl status 1.3.5 | sed -n '1,4p;/^Criteria/,$p'
say "Plan again: the estate matches the specs."
run hxctl plan --detailed-exitcode && echo "(exit 0: no changes)"
say "Someone changes hermes' HNSW m to 32 and re-points an alias, by hand, behind hxctl's back."
curl -s -X PATCH -H "api-key: $HXCTL_DEMO_QDRANT_KEY" -H 'Content-Type: application/json' \
  http://127.0.0.1:46333/collections/hermes -d '{"hnsw_config":{"m":32}}' >/dev/null
curl -s -X POST -H "api-key: $HXCTL_DEMO_QDRANT_KEY" -H 'Content-Type: application/json' \
  http://127.0.0.1:46333/collections/aliases \
  -d '{"actions":[{"create_alias":{"collection_name":"phi3","alias_name":"mixtral-current"}}]}' >/dev/null
say "Plan the repair and save it for review (Terraform's -out); apply carries out exactly that plan."
run hxctl plan -out repair.plan || true
run hxctl apply repair.plan 2>/dev/null
run hxctl plan
say "From now on hxctl daemon keeps the estate: it probes each host at its interval, applies on spec edits, on SIGHUP, and every --interval."
(cd "$demo" && exec "$root/build/hxctl" daemon --interval 60s --metrics-address 127.0.0.1:46847) \
  2>"$demo/daemon.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; kill $sim 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$demo"' EXIT
for _ in $(seq 100); do grep -q "cycle 1 " "$demo/daemon.log" && break; sleep 0.1; done
say "An operator adds a collection to the specs; the daemon sees the file and creates it, no command needed."
cat >"$demo/specs/extra.yaml" <<'YAML'
apiVersion: hx/v1
kind: Collection
metadata: {name: scratch}
spec: {server: vector-db, vectors: {size: 8, distance: Dot}}
YAML
for _ in $(seq 100); do grep -q "(spec_change" "$demo/daemon.log" && break; sleep 0.1; done
sed 's/^/  daemon: /' "$demo/daemon.log" | grep -E "scratch|spec_change"
say "While the daemon runs, a manual apply is refused, naming it; plan and status still answer."
run hxctl apply --auto-approve || echo "(exit $?)"
say "Its metrics, for Prometheus (examples/monitoring/ has alerts and a Grafana dashboard):"
curl -s http://127.0.0.1:46847/metrics | grep -E '^hxctl_(host_status\{.*\} 1|tasks|last_successful|lock_held)'
say "It serves a read-only web view too, live as the estate changes: http://127.0.0.1:46847/ (estate), /backlog, /runs; the same data as JSON under /api/. For a daemon on another machine: ssh -L 9847:127.0.0.1:9847 HOST, then open http://127.0.0.1:9847/."
curl -s http://127.0.0.1:46847/backlog | grep -o '<p class="summary">[^<]*' | sed 's/.*>/  backlog page: /'
curl -s http://127.0.0.1:46847/ | grep -o 'data-host="[^"]*"><th scope="row">[^<]*</th><td>[^<]*</td><td class="status [^"]*">[^<]*' |
  sed -E 's/.*row">([^<]*)<.*status [^"]*">(.*)/  estate page: \1 \2/'
say "SIGTERM: the daemon finishes what it is doing, records it, releases the lock."
kill -TERM $daemon && wait $daemon && echo "(daemon exited $?)"
tail -n 2 "$demo/daemon.log" | sed 's/^/  daemon: /'
say "The store remembers every run and action."
run hxctl history
run hxctl history 2
say "The real estate (specs/, 192.168.10.x), offline: nothing is contacted. Every host is still pending_installation, so its work is deferred and its backlog blocked or held."
run ./build/hxctl plan -f specs/ --offline | tail -1
run ./build/hxctl status -f specs/ | tail -1
say "hx-sim logged $(wc -l <"$demo/exchanges.jsonl") HTTP exchanges; the test suite checks such logs against Qdrant's OpenAPI document."
