#!/usr/bin/env bash
# hxctl on the real ufw, in a network namespace per size: for N = 10, 50, 200 rules it prints
# the time of the apply that adds them all, the time the same N `ufw allow` calls take by hand
# (ufw's own cost, the floor an apply cannot beat), and the time of a no-op `hxctl plan` once
# they are in (median of 5). Ansible's community.general.ufw needs about a second per rule even
# when nothing changes. Needs root (ip netns, ufw); never touches the machine's own firewall.
#
#   bench/ufw_bench.sh [N ...]      (defaults 10 50 200)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "ufw_bench: needs root (ip netns, ufw)"; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 50 200)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target hxctl hx-sim >/dev/null
work=$(mktemp -d)
port=46998
./build-bench/hx-sim --qdrant 127.0.0.1:$port >/dev/null 2>&1 &
sim=$!
namespaces=()
cleanup() {
  kill $sim 2>/dev/null || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; rm -rf "/etc/netns/$ns"; done
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done

# A namespace with UFW off, default deny in, no rules.
fresh_namespace() {
  local ns=$1
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "/etc/netns/$ns"
  ip netns add "$ns"
  namespaces+=("$ns")
  mkdir -p "/etc/netns/$ns"
  cp -a /etc/ufw "/etc/netns/$ns/ufw"
  cp -a /etc/default "/etc/netns/$ns/default"
  sed -i 's/^ENABLED=.*/ENABLED=no/' "/etc/netns/$ns/ufw/ufw.conf"
  sed -i '/^### tuple ###/,/^$/d' "/etc/netns/$ns/ufw/user.rules" "/etc/netns/$ns/ufw/user6.rules"
  ip netns exec "$ns" ip link set lo up
}

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

printf '%6s  %14s  %16s  %16s\n' rules "hxctl apply" "ufw by hand" "no-op plan"
for n in "${sizes[@]}"; do
  ns=hxbench$n
  fresh_namespace "$ns"
  mkdir -p "$work/$n/specs"
  {
    printf 'apiVersion: hx/v1\nkind: Host\nmetadata: {name: fw}\nspec:\n'
    printf '  address: 127.0.0.1\n  api: {type: qdrant, url: "http://127.0.0.1:%s"}\n' $port
    printf '  firewall: {manager: ufw, exec: [ip, netns, exec, %s, ufw], operatorNetwork: 10.9.0.0/24}\n' "$ns"
    printf -- '---\napiVersion: hx/v1\nkind: FirewallRule\nmetadata: {name: ssh}\n'
    printf 'spec: {host: fw, action: allow, from: 10.9.0.0/24, port: 22, proto: tcp}\n'
    for i in $(seq 2 "$n"); do
      printf -- '---\napiVersion: hx/v1\nkind: FirewallRule\nmetadata: {name: r%s}\n' "$i"
      printf 'spec: {host: fw, action: allow, from: 10.9.0.0/24, port: %s, proto: tcp}\n' $((10000 + i))
    done
  } >"$work/$n/specs/estate.yaml"
  cd "$work/$n"
  start=$(date +%s%N)
  HXCTL_STATE=state.db "$OLDPWD/build-bench/hxctl" apply --auto-approve -f specs >apply.out 2>&1 || { cat apply.out; exit 1; }
  apply_ms=$(ms "$start")
  plans=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    HXCTL_STATE=state.db "$OLDPWD/build-bench/hxctl" plan -f specs >plan.out 2>&1
    plans+=("$(ms "$start")")
    grep -q "No changes." plan.out || { cat plan.out; exit 1; }
  done
  cd "$OLDPWD"
  plan_ms=$(printf '%s\n' "${plans[@]}" | sort -n | sed -n 3p)
  # The same rules by hand, one ufw call each, in a fresh namespace with the firewall enabled.
  fresh_namespace "${ns}h"
  ip netns exec "${ns}h" ufw --force enable >/dev/null
  start=$(date +%s%N)
  ip netns exec "${ns}h" ufw allow from 10.9.0.0/24 to any port 22 proto tcp >/dev/null
  for i in $(seq 2 "$n"); do
    ip netns exec "${ns}h" ufw allow from 10.9.0.0/24 to any port $((10000 + i)) proto tcp >/dev/null
  done
  hand_ms=$(ms "$start")
  printf '%6s  %11s ms  %13s ms  %13s ms\n' "$n" "$apply_ms" "$hand_ms" "$plan_ms"
done
