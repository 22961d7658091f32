#!/usr/bin/env bash
# The load generator against wrk, on the same loopback endpoint of hx-sim, in the same run.
# Prints requests/s and latency for both, for a cheap endpoint (GET /healthz) and for a Qdrant
# query (POST .../points/query, JSON body). The seed's target is > 1000 requests/s on this machine.
#
#   bench/load_bench.sh [REQUESTS] [CONCURRENCY]      (defaults 20000 32)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
concurrency=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hx-sim hx-loadbench >/dev/null
port=46999
./build-bench/hx-sim --qdrant 127.0.0.1:$port >/dev/null 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
curl -sf -X PUT -H 'Content-Type: application/json' http://127.0.0.1:$port/collections/bench \
  -d '{"vectors":{"size":8,"distance":"Cosine"}}' >/dev/null
body='{"query":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8],"limit":3}'
cat >"${TMPDIR:-/tmp}/hx-wrk-post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA

echo "== GET /healthz, $requests requests, concurrency $concurrency"
printf 'hxctl load generator: '
./build-bench/hx-loadbench "http://127.0.0.1:$port/healthz" "$requests" "$concurrency"
echo "wrk (5 s, same concurrency, 2 threads):"
wrk -t2 -c"$concurrency" -d5s --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|50%|99%"

echo "== POST /collections/bench/points/query, $requests requests, concurrency $concurrency"
printf 'hxctl load generator: '
./build-bench/hx-loadbench "http://127.0.0.1:$port/collections/bench/points/query" "$requests" "$concurrency" POST "$body"
echo "wrk (5 s, same concurrency, 2 threads):"
wrk -t2 -c"$concurrency" -d5s --latency -s "${TMPDIR:-/tmp}/hx-wrk-post.lua" \
  "http://127.0.0.1:$port/collections/bench/points/query" | grep -E "Requests/sec|Latency|50%|99%"
