#!/usr/bin/env bash
# The daemon's footprint at rest: hxctl daemon keeps the demo estate (examples/local/, on
# hx-sim) for a few minutes, probing its hosts at their intervals (15 s) and reconciling every
# --interval (60 s). Prints the CPU it used while idle (after the first cycle), per minute and as
# a share of one core, its resident memory (now and peak), and how many cycles and probes that
# was. Nothing leaves loopback.
#
#   bench/daemon_footprint.sh [SECONDS]     (default 180)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-180}
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl hx-sim >/dev/null

work=$(mktemp -d)
export HXCTL_STATE="$work/state.db" HXCTL_LOOPBACK_ONLY=1 HXCTL_DEMO_QDRANT_KEY=footprint-key
./build-bench/hx-sim --exchange-log "$work/exchanges.jsonl" \
  --qdrant 127.0.0.1:46333 --api-key "$HXCTL_DEMO_QDRANT_KEY" \
  --ollama 127.0.0.1:41434 --registry mixtral:8x7b --registry nomic-embed-text=8 \
  >"$work/sim.log" 2>&1 &
sim=$!
daemon=""
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  kill $sim 2>/dev/null || true
  wait $sim 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:46333/healthz >/dev/null && break; sleep 0.1; done

./build-bench/hxctl daemon -f examples/local/ --interval 60s --metrics-address 127.0.0.1:46847 \
  2>"$work/daemon.log" &
daemon=$!
for _ in $(seq 300); do grep -q "cycle 1 " "$work/daemon.log" 2>/dev/null && break; sleep 0.1; done
grep -q "cycle 1 " "$work/daemon.log" || { cat "$work/daemon.log"; exit 1; }
sleep 2  # let the first cycle's checks settle

ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
hz=$(getconf CLK_TCK)
start_ticks=$(ticks)
start_requests=$(wc -l <"$work/exchanges.jsonl")
start_time=$(date +%s.%N)
sleep "$seconds"
end_ticks=$(ticks)
end_time=$(date +%s.%N)
end_requests=$(wc -l <"$work/exchanges.jsonl")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$daemon/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$daemon/status")
cycles=$(grep -c "cycle [0-9]* (" "$work/daemon.log")

awk -v t0="$start_ticks" -v t1="$end_ticks" -v hz="$hz" -v s0="$start_time" -v s1="$end_time" \
  -v rss="$rss" -v hwm="$hwm" -v cycles="$cycles" -v threads="$threads" \
  -v req=$((end_requests - start_requests)) 'BEGIN {
  cpu = (t1 - t0) / hz; wall = s1 - s0;
  printf "daemon at rest over %.0f s (demo estate: 2 hosts, 17 resources, 4 tasks)\n", wall;
  printf "  CPU          %.2f s in all = %.3f s per minute = %.3f%% of one core\n", cpu, cpu * 60 / wall, 100 * cpu / wall;
  printf "  memory       %.1f MiB resident now, %.1f MiB peak; %d threads\n", rss / 1024, hwm / 1024, threads;
  printf "  work         %d cycles in all, %d requests to the hosts while measured\n", cycles, req;
}'
