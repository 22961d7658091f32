#!/usr/bin/env bash
# The web view at scale: for each N, an estate of N collections on one hx-sim Qdrant, applied,
# then kept by a daemon; prints what a person opening each page waits for (curl's total time,
# the first request after a change, which builds the daemon's snapshot of the store, then the
# same page again from that snapshot), the page's size, and the daemon's peak RSS before and after.
#
#   bench/web_bench.sh [N ...]      (defaults 100 1000 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 5000)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl hx-sim >/dev/null
bin=$PWD/build-bench
# shellcheck source=bench/collections_estate.sh
source bench/collections_estate.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HXCTL_LOOPBACK_ONLY=1
sim_port=47300
web_port=47390

fetch() {  # URL -> "seconds bytes"
  curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$1"
}
peak() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

printf '%6s  %-12s %10s %10s %10s\n' N page first again size
for n in "${sizes[@]}"; do
  sim_port=$((sim_port + 1))
  web_port=$((web_port + 1))
  dir="$work/$n"
  mkdir -p "$dir/specs"
  start_qdrant "$sim_port"
  collections_estate "$n" "$sim_port" "$dir/specs/estate.yaml"
  (cd "$dir" && "$bin/hxctl" apply -f specs --state state.db --auto-approve >/dev/null 2>&1)
  (cd "$dir" && exec "$bin/hxctl" daemon -f specs --state state.db --interval 1h \
    --metrics-address "127.0.0.1:$web_port" 2>"$dir/daemon.log") &
  daemon=$!
  pids+=($daemon)
  for _ in $(seq 600); do grep -q "cycle 1 " "$dir/daemon.log" && break; sleep 0.1; done
  before=$(peak "$daemon")
  for page in / /backlog /runs /api/plan /api/status; do
    url="http://127.0.0.1:$web_port$page"
    # A change the daemon announces (SIGHUP: reload and reconcile) makes the next page build anew.
    cycles=$(grep -c 'cycle [0-9]* (sighup' "$dir/daemon.log" || true)
    kill -HUP "$daemon"
    for _ in $(seq 600); do
      [ "$(grep -c 'cycle [0-9]* (sighup' "$dir/daemon.log" || true)" -gt "$cycles" ] && break
      sleep 0.1
    done
    read -r first size < <(fetch "$url")
    read -r again _ < <(fetch "$url")
    printf '%6d  %-12s %9.3fs %9.3fs %8dKiB\n' "$n" "$page" "$first" "$again" $((size / 1024))
  done
  echo "        daemon peak RSS: ${before} MiB before the pages, $(peak "$daemon") MiB after"
  kill "$daemon"
  wait "$daemon" 2>/dev/null || true
done
