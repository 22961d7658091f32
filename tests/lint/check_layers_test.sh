#!/usr/bin/env bash
# The architecture lint (scripts/check_layers.py) can fail: on a copy of the tree with a kind-name
# literal added to src/platform/logging.cpp (a file with none allowed), an include of src/ added to reconciler/ and one of cli/ added
# to providers/, it must exit 1 and name each line; on the tree as it is, it must pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$root/src" "$root/state" "$root/reconciler" "$copy/"
python3 "$root/scripts/check_layers.py" --root "$copy" >/dev/null
echo 'static const char* kSneaky = "Collection";' >>"$copy/src/platform/logging.cpp"
echo '#include "src/platform/http.h"' >>"$copy/reconciler/values.cpp"
echo '#include "src/cli/render.h"' >>"$copy/src/providers/json_read.cpp"
if out=$(python3 "$root/scripts/check_layers.py" --root "$copy"); then
  echo "FAIL: the check passed a tree that breaks both rules"; exit 1
fi
grep -q "src/platform/logging.cpp:[0-9]*: a kind-name literal" <<<"$out" || { echo "FAIL: $out"; exit 1; }
grep -q 'kSneaky = "Collection"' <<<"$out" || { echo "FAIL: the line is not named: $out"; exit 1; }
grep -q "reconciler/values.cpp:.*: reconciler/ includes src/, which is above it" <<<"$out" ||
  { echo "FAIL: $out"; exit 1; }
grep -q "src/providers/json_read.cpp:.*: src/providers/ includes src/cli/, which is above it" <<<"$out" ||
  { echo "FAIL: $out"; exit 1; }
echo "ok: the check fails on all three, naming the lines"
