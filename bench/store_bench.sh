#!/usr/bin/env bash
# The state store on both engines: for each N, an estate of N collections on one hx-sim Qdrant,
# applied and then planned again (a no-op plan that records nothing, and a no-op apply that
# records its observation) once with the SQLite file and once with a PostgreSQL database of a
# server this script starts (tests/ha/postgres.sh: a Unix socket, fsync on). Prints wall times
# and the ratio PostgreSQL / SQLite.
#
#   bench/store_bench.sh [N ...]      (defaults 11 5000: the demo's size and a large estate)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(11 5000)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl hx-sim >/dev/null
bin=$PWD/build-bench
# shellcheck source=bench/collections_estate.sh
source bench/collections_estate.sh
work=$(mktemp -d)
chmod 755 "$work"
pg="$work/pg"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash tests/ha/postgres.sh stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export HXCTL_LOOPBACK_ONLY=1
# As a production server runs: fsync and synchronous commits on (the tests turn them off).
HX_PG_OPTIONS="" bash tests/ha/postgres.sh start "$pg"
psql() { "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" "$@"; }
port=47500

timed() {  # sets T (seconds)
  /usr/bin/time -f "%e" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  T=$(cat "$work/time")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%6s  %-12s %9s %9s %7s\n' N step sqlite postgres ratio
for n in "${sizes[@]}"; do
  declare -A took=()
  for engine in sqlite postgres; do
    port=$((port + 1))
    dir="$work/$engine-$n"
    mkdir -p "$dir/specs"
    start_qdrant "$port"
    collections_estate "$n" "$port" "$dir/specs/estate.yaml"
    state="$dir/state.db"
    if [ "$engine" = postgres ]; then
      psql "postgresql://hxctl@/postgres?host=$pg" -qc "CREATE DATABASE b$n"
      state="postgresql://hxctl@/b$n?host=$pg"
    fi
    cd "$dir"
    timed "$bin/hxctl" apply -f specs --state "$state" --auto-approve
    took[$engine-apply]=$T
    timed "$bin/hxctl" plan -f specs --state "$state"
    took[$engine-plan]=$T
    timed "$bin/hxctl" apply -f specs --state "$state" --auto-approve
    took[$engine-noop]=$T
    timed "$bin/hxctl" status -f specs --state "$state"
    took[$engine-status]=$T
    cd - >/dev/null
  done
  for step in apply plan noop status; do
    label=$step
    [ "$step" = plan ] && label="no-op plan"
    [ "$step" = noop ] && label="no-op apply"
    printf '%6d  %-12s %8.2fs %8.2fs %7s\n' "$n" "$label" "${took[sqlite-$step]}" \
      "${took[postgres-$step]}" "$(ratio "${took[postgres-$step]}" "${took[sqlite-$step]}")"
  done
done
