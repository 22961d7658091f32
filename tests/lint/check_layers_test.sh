#!/usr/bin/env bash
# The architecture lint (scripts/check_layers.py) can fail: on a copy of the tree with a kind-name
# literal added to src/engine.cpp and an include of src/ added to reconciler/, it must exit 1 and
# name both lines; on the tree as it is, it must pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$root/src" "$root/state" "$root/reconciler" "$copy/"
python3 "$root/scripts/check_layers.py" --root "$copy" >/dev/null
echo 'static const char* kSneaky = "Collection";' >>"$copy/src/engine.cpp"
echo '#include "src/http.h"' >>"$copy/reconciler/values.cpp"
if out=$(python3 "$root/scripts/check_layers.py" --root "$copy"); then
  echo "FAIL: the check passed a tree that breaks both rules"; exit 1
fi
grep -q "src/engine.cpp has .* kind-name literals" <<<"$out" || { echo "FAIL: $out"; exit 1; }
grep -q 'kSneaky = "Collection"' <<<"$out" || { echo "FAIL: the line is not named: $out"; exit 1; }
grep -q "reconciler/values.cpp:.*: reconciler/ includes src/, which is above it" <<<"$out" ||
  { echo "FAIL: $out"; exit 1; }
echo "ok: the check fails on both, naming the lines"
