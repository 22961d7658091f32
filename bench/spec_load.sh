#!/usr/bin/env bash
# Time and peak memory of `hxctl validate` on generated estates: N collections in one file (the
# shape of specs/collections.yaml), the largest file --max-spec-bytes accepts by default (8 MiB),
# and hostile files the screen refuses (a leading comma, an alias bomb, 20 MB of unknown keys).
# These figures size the unit's MemoryMax= (systemd/hxctl.service).
#
#   bench/spec_load.sh [COLLECTIONS...]      (default 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Write the estates, one directory each, and list them in runs.txt.
python3 - "$work" "${sizes[@]}" <<'PY'
import os, sys
work, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
host = """apiVersion: hx/v1
kind: Host
metadata: {name: vector-db}
spec:
  address: 127.0.0.1
  api: {type: qdrant, url: "http://127.0.0.1:6333"}
"""
def collection(i):
    return f"""apiVersion: hx/v1
kind: Collection
metadata: {{name: c{i:06d}, labels: {{model: m{i:06d}}}}}
spec:
  server: vector-db
  vectors: {{size: 768, distance: Cosine}}
  hnsw: {{m: 16, efConstruct: 100}}
  onDiskPayload: true
  payloadIndexes:
    - {{field: source, type: keyword}}
    - {{field: created_at, type: datetime}}
  aliases: [c{i:06d}-current]
"""
runs = []
def estate(label, name, text):
    d = os.path.join(work, name)
    os.makedirs(d)
    open(os.path.join(d, "hosts.yaml"), "w").write(host)
    open(os.path.join(d, "collections.yaml"), "w").write(text)
    runs.append(f"{label}\t{d}\n")
estate("a leading comma (yaml-cpp#1040)", "comma", collection(0) + "---\n, x\n")
bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i-1}'] * 10)}]\n" for i in range(1, 9))
estate("an alias bomb (10^9 nodes)", "bomb", bomb)
for n in sizes:
    estate(f"{n} collections in one file", f"c{n}", "---\n".join(collection(i) for i in range(n)))
estate("1.5 M unknown keys (20 MB)", "keys",
       "apiVersion: hx/v1\nkind: Host\nmetadata: {name: h}\nspec:\n" +
       "".join(f"  k{i}: 1\n" for i in range(1500000)))
fit = (8 * 1048576 + 4) // (len(collection(0)) + 4)
estate(f"the 8 MiB limit ({fit} collections)", "limit",
       "---\n".join(collection(i) for i in range(fit)))
open(os.path.join(work, "runs.txt"), "w").writelines(runs)
PY

# 2. Measure from a fresh, small process: until it execs, a spawned child shares its parent's
# memory, and that counts in the child's peak.
python3 - "$work" <<'PY'
import os, sys, time
work = sys.argv[1]
print("hxctl validate (wall time, peak resident memory of the process):")
for line in open(os.path.join(work, "runs.txt")):
    label, d = line.rstrip("\n").split("\t")
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    out = os.path.join(work, "out.txt")
    start = time.monotonic()
    with open(out, "w") as f:
        pid = os.posix_spawn("./build-bench/hxctl", ["hxctl", "validate", "-f", d], os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, f.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, f.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    first = open(out).read().strip().splitlines()[0].replace(d + "/", "")[:80]
    print(f"  {label:<36} {size / 1048576:5.1f} MiB {wall:6.2f} s  "
          f"peak {usage.ru_maxrss / 1024:6.1f} MiB  exit {os.waitstatus_to_exitcode(status)}: {first}")
PY
