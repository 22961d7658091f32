#!/usr/bin/env bash
# The architecture lint (scripts/check_layers.py) can fail: on a copy of the tree with kind-name
# literals added to src/platform/logging.cpp (a file with none allowed; "Prometheus" is a kind
# only kinds.h lists, and "Gadget" one added to kinds.h in the copy), an include of src/ added to
# reconciler/, one of cli/ added to providers/ a relative include, a write to env.err added to
# run/ and one to std::cerr added to providers/, it must exit
# 1 and name each line; on the tree as it is, it must pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$root/src" "$root/state" "$root/reconciler" "$copy/"
python3 "$root/scripts/check_layers.py" --root "$copy" >/dev/null
echo 'static const char* kSneaky = "Collection";' >>"$copy/src/platform/logging.cpp"
echo '#include "src/platform/http.h"' >>"$copy/reconciler/values.cpp"
echo '#include "src/cli/render.h"' >>"$copy/src/providers/json_read.cpp"
echo 'static const char* kScrape = "Prometheus";' >>"$copy/src/platform/logging.cpp"
sed -i 's|^namespace kind {|namespace kind {\ninline constexpr const char* kGadget = "Gadget";|' \
  "$copy/reconciler/kinds.h"
echo 'static const char* kWidget = "Gadget";' >>"$copy/src/platform/logging.cpp"
run_file=$(ls "$copy"/src/run/*.cpp | head -1)
echo '#include "../cli/render.h"' >>"$run_file"
echo 'void shout() { std::cerr << "hi"; }' >>"$copy/src/providers/json_read.cpp"
echo 'void tell(RunEnv& env) { env.err << "error: x"; }' >>"$run_file"
if out=$(python3 "$root/scripts/check_layers.py" --root "$copy"); then
  echo "FAIL: the check passed a tree that breaks both rules"; exit 1
fi
grep -q "src/platform/logging.cpp:[0-9]*: a kind-name literal" <<<"$out" || { echo "FAIL: $out"; exit 1; }
grep -q 'kSneaky = "Collection"' <<<"$out" || { echo "FAIL: the line is not named: $out"; exit 1; }
grep -q "reconciler/values.cpp:.*: reconciler/ includes src/, which is above it" <<<"$out" ||
  { echo "FAIL: $out"; exit 1; }
grep -q "src/providers/json_read.cpp:.*: src/providers/ includes src/cli/, which is above it" <<<"$out" ||
  { echo "FAIL: $out"; exit 1; }
grep -q 'kScrape = "Prometheus"' <<<"$out" || { echo "FAIL: Prometheus not checked: $out"; exit 1; }
grep -q 'kWidget = "Gadget"' <<<"$out" ||
  { echo "FAIL: a kind added to kinds.h is not checked: $out"; exit 1; }
grep -q "src/run/.*: a relative include bypasses the layer roots" <<<"$out" ||
  { echo "FAIL: the relative include is not named: $out"; exit 1; }
grep -q "src/providers/json_read.cpp:.*: only cli/ writes to the terminal" <<<"$out" ||
  { echo "FAIL: std::cerr below cli/ is not named: $out"; exit 1; }
grep -q "src/run/.*: src/run/ writes to a stream; report through env.report()" <<<"$out" ||
  { echo "FAIL: a stream write in run/ is not named: $out"; exit 1; }
echo "ok: the check fails on all eight, naming the lines"
