#!/usr/bin/env bash
# Style checks that run in CI: clang-format on every C++ file, no trailing whitespace, and a
# final newline on every text file we track.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
if ! clang-format --dry-run -Werror "${cxx[@]}" 2>/tmp/hxctl-format.log; then
  echo "lint: clang-format would change these files (run: clang-format -i <file>):"
  grep -E '(warning|error):' /tmp/hxctl-format.log | cut -d: -f1 | sort -u
  status=1
fi
# A store write (any call's Status) is never thrown away with a cast (issue 14: a run that
# recorded nothing must not exit 0); keep it, report it, or return it.
if git grep -nE '\(void\)[[:space:]]*[A-Za-z_][A-Za-z_0-9]*(\.|->)' -- src state reconciler; then
  echo "lint: a discarded call result above; keep the Status (StoreWrites) or report it"
  status=1
fi
python3 scripts/check_layers.py || status=1
mapfile -t tests < <(git ls-files 'tests/*.cpp')
python3 scripts/check_test_names.py "${tests[@]}" || status=1
while IFS= read -r f; do
  [ -f "$f" ] || continue
  case "$f" in *.json | tests/seed/*.md) continue ;; esac  # data; the operators' document as is
  if [ -s "$f" ] && ! grep -qI '' "$f"; then continue; fi  # binary (a screenshot): not text
  if grep -nE '[[:space:]]+$' "$f" >/dev/null; then echo "lint: trailing whitespace in $f"; status=1; fi
  if [ -s "$f" ] && [ -n "$(tail -c1 "$f")" ]; then echo "lint: no final newline in $f"; status=1; fi
done < <(git ls-files)
[ $status -eq 0 ] && echo "lint: ok"
exit $status
