#!/usr/bin/env python3
"""Two architecture rules the lint enforces (issue 14).

1. Includes point down the layer order src/ -> state/ -> reconciler/: reconciler/ includes
   nothing of state/ or src/, state/ nothing of src/. (The per-layer include roots of the build
   enforce it too; this names the line.) Inside src/, the folders are layers too: cli/ ->
   daemon/ -> run/ -> backlog/ -> providers/ -> platform/. The upward includes src/ still has
   (the run layer's exit codes and CLI environment) are counted in
   scripts/upward_includes.baseline and may only go down.
2. Kind names ("Collection", "ApiKey", ...) as string literals belong to the kinds table
   (reconciler/kinds.h names them, kind::kModel; reconciler/kinds.cpp describes them). Any
   count per file above scripts/kind_literals.baseline (empty: none allowed) fails, naming the
   lines; a file below its count is reported so the baseline can be lowered with --update.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # a copy of the tree, for the check's own test
    ROOT = pathlib.Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
KINDS = ["Host", "Model", "Collection", "FirewallRule", "Firewall", "Role", "GatewayKeyFile",
         "ApiKey", "Task"]
ALLOWED = {"reconciler/kinds.cpp", "reconciler/kinds.h"}
BASELINE = pathlib.Path(__file__).resolve().parent / "kind_literals.baseline"
LITERAL = re.compile(r'"(' + "|".join(KINDS) + r')"')
INCLUDE = re.compile(r'#include\s+"(src|state|reconciler)/')
BELOW = {"reconciler": {"state", "src"}, "state": {"src"}, "src": set()}
SRC_ORDER = ["cli", "daemon", "run", "backlog", "providers", "platform"]
SRC_INCLUDE = re.compile(r'#include\s+"src/([a-z_]+)/')
UPWARD = pathlib.Path(__file__).resolve().parent / "upward_includes.baseline"


def sources():
    for layer in ("src", "state", "reconciler"):
        for p in sorted((ROOT / layer).rglob("*")):
            if p.suffix in (".cpp", ".h"):
                yield layer, p


def main():
    update = "--update" in sys.argv
    status = 0
    counts, lines = {}, {}
    upward, upwardLines = {}, {}
    for layer, p in sources():
        rel = p.relative_to(ROOT).as_posix()
        sub = p.relative_to(ROOT).parts[1] if layer == "src" else ""
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.search(line)
            if m and m.group(1) in BELOW[layer]:
                print(f"lint: {rel}:{n}: {layer}/ includes {m.group(1)}/, which is above it")
                status = 1
            s = SRC_INCLUDE.search(line) if layer == "src" else None
            if s and sub in SRC_ORDER and s.group(1) in SRC_ORDER and \
                    SRC_ORDER.index(s.group(1)) < SRC_ORDER.index(sub):
                upward[rel] = upward.get(rel, 0) + 1
                upwardLines.setdefault(rel, []).append(
                    f"{rel}:{n}: src/{sub}/ includes src/{s.group(1)}/, which is above it")
            if rel in ALLOWED or line.lstrip().startswith("//"):
                continue
            found = LITERAL.findall(line)
            if found:
                counts[rel] = counts.get(rel, 0) + len(found)
                lines.setdefault(rel, []).append(f"{rel}:{n}: {line.strip()}")
    if update:
        BASELINE.write_text("".join(f"{f} {c}\n" for f, c in sorted(counts.items())))
        UPWARD.write_text("".join(f"{f} {c}\n" for f, c in sorted(upward.items())))
        print(f"lint: {BASELINE.name} ({sum(counts.values())} literals) and {UPWARD.name} "
              f"({sum(upward.values())} includes) rewritten")
        return status

    def read(path):
        out = {}
        for entry in path.read_text().splitlines():
            if entry.strip():
                f, c = entry.split()
                out[f] = int(c)
        return out

    allowedUp = read(UPWARD)
    for f, c in sorted(upward.items()):
        if c > allowedUp.get(f, 0):
            print(f"lint: {f} has {c} upward includes, {allowedUp.get(f, 0)} allowed:")
            for l in upwardLines[f]:
                print("  " + l)
            status = 1
    baseline = read(BASELINE)
    for f, c in sorted(counts.items()):
        allowed = baseline.get(f, 0)
        if c > allowed:
            print(f"lint: {f} has {c} kind-name literals, {allowed} allowed; use the kind's "
                  "descriptor (reconciler/kinds.h) instead:")
            for l in lines[f]:
                print("  " + l)
            status = 1
        elif c < allowed:
            print(f"lint: note: {f} is down to {c} kind-name literals from {allowed}; run "
                  "scripts/check_layers.py --update to lower the baseline")
    return status


if __name__ == "__main__":
    sys.exit(main())
