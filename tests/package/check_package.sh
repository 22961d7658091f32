#!/usr/bin/env bash
# Builds hxctl's Debian package from a build tree (configured with -DCMAKE_INSTALL_PREFIX=/usr),
# unpacks it into a scratch root and checks what its users get: the binary runs, both manual
# pages render without a warning, the bash completion loads and completes, the zsh one parses,
# the installed unit passes systemd-analyze verify, nothing of hx-sim is inside, and lintian
# reports no error and no warning.
# Usage: check_package.sh BUILD_DIR SOURCE_DIR (exit 77, skipped, when BUILD_DIR is not for /usr)
set -euo pipefail
build=$1
src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
# A package installs under /usr; a tree configured for another prefix (CMake's default is
# /usr/local) makes a different one, so the check is skipped (ctest's SKIP_RETURN_CODE 77) and
# says why, rather than failing a plain `cmake -S . -B build` build.
if [ "$prefix" != /usr ]; then
  echo "skipped: this build tree is configured for $prefix; the package is checked from one" \
    "configured with -DCMAKE_INSTALL_PREFIX=/usr, as scripts/test.sh configures it"
  exit 77
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack"; }
deb=$(ls "$out"/hxctl_*.deb)
root="$out/root"
dpkg-deb -x "$deb" "$root"
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

# The binary runs, from where the package puts it.
version=$("$root/usr/bin/hxctl" --version)
[[ "$version" == "hxctl "* ]] || fail "hxctl --version printed: $version"
echo "runs: $version"
"$root/usr/bin/hxctl" version -o json | grep -q '"build_type"' || fail "version -o json"

# Manual pages: both render, and groff has nothing to say about them.
for page in man1/hxctl.1.gz man5/hxctl-specs.5.gz; do
  text=$(MANWIDTH=80 man --warnings -l "$root/usr/share/man/$page" 2>"$out/man.err")
  [ ! -s "$out/man.err" ] || { cat "$out/man.err"; fail "man warns about $page"; }
  echo "$page: $(echo "$text" | wc -l) lines"
done
MANWIDTH=80 man -l "$root/usr/share/man/man1/hxctl.1.gz" | grep -q "hxctl apply" || fail "hxctl(1) has no apply"
MANWIDTH=80 man -l "$root/usr/share/man/man5/hxctl-specs.5.gz" | grep -q "KIND Collection" ||
  fail "hxctl-specs(5) has no Collection"

# Bash completion: loads, completes a command, a flag, and a resource from the specs.
completion="$root/usr/share/bash-completion/completions/hxctl"
words=$(PATH="$root/usr/bin:$PATH" bash -c "
  source '$completion'
  COMP_WORDS=(hxctl pl); COMP_CWORD=1; _hxctl; echo \"\${COMPREPLY[*]}\"
  COMP_WORDS=(hxctl apply --auto); COMP_CWORD=2; _hxctl; echo \"\${COMPREPLY[*]}\"
  COMP_WORDS=(hxctl plan -f '$src/examples/kinds/collection.yaml' --target Coll); COMP_CWORD=5
  _hxctl; echo \"\${COMPREPLY[*]}\"")
[ "$words" = $'plan\n--auto-approve\nCollection/docs' ] || fail "bash completion gave: $words"
echo "bash completion: plan, --auto-approve, Collection/docs"
zsh -n "$root/usr/share/zsh/vendor-completions/_hxctl" || fail "zsh completion does not parse"

# The unit: where the binary is, and systemd-analyze verify has nothing to say about it (run on
# a copy that points at the unpacked binary, which is not installed on this machine).
unit="$root/lib/systemd/system/hxctl.service"
grep -q '^ExecStart=/usr/bin/hxctl daemon --config /etc/hxctl/hxctl.yaml$' "$unit" || fail "ExecStart"
grep -q '^Documentation=file:///usr/share/doc/hxctl/README.md$' "$unit" || fail "Documentation="
[ -f "$root/usr/share/doc/hxctl/README.md" ] || fail "the README the unit names is not installed"
mkdir "$out/unit"
sed "s|/usr/bin/hxctl|$root/usr/bin/hxctl|" "$unit" >"$out/unit/hxctl.service"
verify=$(systemd-analyze verify "$out/unit/hxctl.service" 2>&1) || { echo "$verify"; fail "systemd-analyze verify"; }
[ -z "$verify" ] || { echo "$verify"; fail "systemd-analyze verify warns"; }
echo "unit: verified"

# What is and is not inside.
dpkg-deb -f "$deb" Depends | grep -q 'libyaml-cpp' || fail "Depends does not name libyaml-cpp"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = /etc/hxctl/hxctl.yaml ] || fail "conffiles"
! dpkg-deb -c "$deb" | grep -q 'hx-sim' || fail "hx-sim is in the package"
for f in usr/share/hxctl/monitoring/alerts.yml usr/share/doc/hxctl/examples/specs/hosts.yaml \
  usr/share/doc/hxctl/examples/kinds/apikey.yaml usr/share/doc/hxctl/copyright etc/hxctl/hxctl.yaml; do
  [ -f "$root/$f" ] || fail "$f is not in the package"
done

# lintian: no error, no warning (informational tags are listed, not counted).
lintian --tag-display-limit 0 "$deb" >"$out/lintian.log" 2>&1 || true
grep -v 'running with root privileges' "$out/lintian.log" || true
if grep -qE '^[EW]: ' "$out/lintian.log"; then fail "lintian reports errors or warnings"; fi
echo "lintian: no errors, no warnings"
