#!/usr/bin/env bash
# hxctl at scale, against its floor. For each N it generates an estate of N collections (each
# with a payload index and an alias) on one hx-sim Qdrant and measures, wall time and peak RSS:
#   validate; apply (all N created); a live no-op plan; a no-op apply; plan --offline; and an
#   apply with --parallelism 32 on a fresh server.
# In the same run it measures the floor: the very HTTP requests the apply and the no-op plan
# sent (read back from hx-sim's exchange log), replayed by bench/floor_client.cpp, a minimal
# client with 10 kept-alive connections, against a fresh hx-sim. It prints each ratio to the
# floor, the connections each apply opened (hx-sim's count), and the growth exponent between
# sizes (t2/t1 = (N2/N1)^k: k = 1 is linear).
#
#   bench/scale.sh [N ...]      (defaults 100 1000 5000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 5000 10000)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl hx-sim hx-floor >/dev/null
bin=$PWD/build-bench
work=$(mktemp -d)
sims=()
cleanup() {
  for pid in "${sims[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HXCTL_LOOPBACK_ONLY=1
port=47200

# A fresh hx-sim Qdrant on $port, logging its exchanges to $1.
start_sim() {
  port=$((port + 1))
  "$bin/hx-sim" --exchange-log "$1" --qdrant "127.0.0.1:$port" >/dev/null 2>&1 &
  sims+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
  echo "scale: hx-sim did not start"; exit 1
}
connections() { curl -sf "http://127.0.0.1:$1/__hxsim/connections" | sed 's/.*"connections":\([0-9]*\).*/\1/'; }
lines() { wc -l <"$1"; }
# Runs a command; sets T (seconds) and M (peak RSS, MiB). A failure prints its output and stops.
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r T kb <"$work/time"
  M=$((kb / 1024))
}
# The floor: lines $2..$3 of exchange log $1 replayed against a fresh server; sets F (seconds).
floor() {
  start_sim "$work/floor-$4.jsonl"
  F=$("$bin/hx-floor" "$1" "$2" "$3" "http://127.0.0.1:$port" 10 | awk '{ printf "%.2f", $1 }')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

estate() {  # N PORT
  printf 'apiVersion: hx/v1\nkind: Host\nmetadata: {name: vector-db}\nspec:\n'
  printf '  address: 127.0.0.1\n  api: {type: qdrant, url: "http://127.0.0.1:%s"}\n' "$2"
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: c%d}\nspec:\n  server: vector-db\n  vectors: {size: 8, distance: Cosine}\n  payloadIndexes: [{field: source, type: keyword}]\n  aliases: [c%d-current]\n", i, i }'
}

declare -A apply_t plan_t offline_t noop_t
printf '%6s | %9s | %17s %8s %6s %5s | %15s %8s %5s | %8s | %8s | %8s | %9s\n' \
  N validate "apply (RSS)" floor ratio conns "no-op plan" floor ratio offline "no-op ap" "p32 ap" "peak RSS"
for n in "${sizes[@]}"; do
  dir=$work/$n
  mkdir -p "$dir/specs"
  log=$dir/exchanges.jsonl
  start_sim "$log"
  qport=$port
  estate "$n" "$qport" >"$dir/specs/estate.yaml"
  export HXCTL_STATE=$dir/state.db
  peak=0
  note_peak() { [ "$M" -gt "$peak" ] && peak=$M; return 0; }

  timed "$bin/hxctl" validate -f "$dir/specs"; v_t=$T; note_peak
  before=$(lines "$log")
  timed "$bin/hxctl" apply --auto-approve -f "$dir/specs"; a_t=$T; a_m=$M; note_peak
  after=$(lines "$log")
  grep -q "Plan: $n to add" "$work/out" || { echo "scale: the apply did not add $n"; cat "$work/out"; exit 1; }
  conns=$(connections "$qport")
  floor "$log" "$before" "$after" "apply-$n"; a_f=$F

  before=$(lines "$log")
  timed "$bin/hxctl" plan -f "$dir/specs"; p_t=$T; note_peak
  after=$(lines "$log")
  grep -q "No changes." "$work/out" || { echo "scale: the plan is not a no-op"; cat "$work/out"; exit 1; }
  # The same reads, against the floor's server, which the apply replay filled.
  F=$("$bin/hx-floor" "$log" "$before" "$after" "http://127.0.0.1:$port" 10 | awk '{ printf "%.2f", $1 }'); p_f=$F

  timed "$bin/hxctl" apply --auto-approve -f "$dir/specs"; o_t=$T; note_peak
  timed "$bin/hxctl" plan --offline -f "$dir/specs"; off_t=$T; note_peak

  mkdir -p "$dir/p32"
  start_sim "$dir/p32.jsonl"
  estate "$n" "$port" >"$dir/specs/estate.yaml"
  export HXCTL_STATE=$dir/p32/state.db
  timed "$bin/hxctl" apply --auto-approve --parallelism 32 -f "$dir/specs"; p32_t=$T; note_peak

  apply_t[$n]=$a_t; plan_t[$n]=$p_t; offline_t[$n]=$off_t; noop_t[$n]=$o_t
  printf '%6s | %7ss | %7ss %4sMiB %7ss %6s %5s | %7ss %7ss %5s | %7ss | %7ss | %7ss | %5sMiB\n' \
    "$n" "$v_t" "$a_t" "$a_m" "$a_f" "$(ratio "$a_t" "$a_f")" "$conns" \
    "$p_t" "$p_f" "$(ratio "$p_t" "$p_f")" "$off_t" "$o_t" "$p32_t" "$peak"
  for pid in "${sims[@]}"; do kill "$pid" 2>/dev/null || true; done
  sims=()
done

exponent() { awk -v t1="$1" -v t2="$2" -v n1="$3" -v n2="$4" \
  'BEGIN { if (t1 > 0 && t2 > 0) printf "%.2f", log(t2 / t1) / log(n2 / n1); else print "-" }'; }
echo
echo "growth exponent k between sizes (t2/t1 = (N2/N1)^k; 1 is linear):"
printf '%14s | %6s | %10s | %8s | %10s\n' sizes apply "no-op plan" offline "no-op apply"
for ((i = 1; i < ${#sizes[@]}; i++)); do
  a=${sizes[i - 1]}; b=${sizes[i]}
  printf '%14s | %6s | %10s | %8s | %10s\n' "$a -> $b" \
    "$(exponent "${apply_t[$a]}" "${apply_t[$b]}" "$a" "$b")" \
    "$(exponent "${plan_t[$a]}" "${plan_t[$b]}" "$a" "$b")" \
    "$(exponent "${offline_t[$a]}" "${offline_t[$b]}" "$a" "$b")" \
    "$(exponent "${noop_t[$a]}" "${noop_t[$b]}" "$a" "$b")"
done
