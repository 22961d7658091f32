# Sourced by the benchmarks: an hx-sim Qdrant and an estate of plain collections on it.

# Starts hx-sim's Qdrant on 127.0.0.1:$1 (its pid appended to the caller's `pids`) and waits
# until it answers.
start_qdrant() {
  "$bin/hx-sim" --qdrant "127.0.0.1:$1" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.05; done
  echo "bench: hx-sim did not start on port $1"
  exit 1
}

# Writes to $3 an estate of $1 collections (c0, c1, ...) on the Qdrant at 127.0.0.1:$2.
collections_estate() {
  {
    printf 'apiVersion: hx/v1\nkind: Host\nmetadata: {name: vector-db}\nspec:\n'
    printf '  address: 127.0.0.1\n  api: {type: qdrant, url: "http://127.0.0.1:%s"}\n' "$2"
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: c%d}\nspec:\n  server: vector-db\n  vectors: {size: 8, distance: Cosine}\n", i }'
  } >"$3"
}
