#!/usr/bin/env python3
"""Two architecture rules the lint enforces (issue 14).

1. Includes point down the layer order src/ -> state/ -> reconciler/: reconciler/ includes
   nothing of state/ or src/, state/ nothing of src/. (The per-layer include roots of the build
   enforce it too; this names the line.) Inside src/, the folders are layers too: cli/ ->
   daemon/ -> web/ -> views/ -> run/ -> backlog/ -> providers/ -> platform/; each is its own CMake library whose
   include root holds only itself and what is below, so the build refuses an upward include
   too. None is allowed.
2. Kind names ("Collection", "ApiKey", ...) as string literals belong to the kinds table
   (reconciler/kinds.h names them, kind::kModel; reconciler/kinds.cpp describes them). None is
   allowed anywhere else; the check names each line. The names are read from kinds.h itself, so
   a kind added there is checked from then on. A line that means the word and not the kind (a
   page's title) says so with the comment `// lint: not a kind`.
3. Includes are rooted at their layer ("src/run/x.h", "reconciler/plan.h"): a relative include
   ("../run/x.h", "./x.h") would bypass the include roots that keep the layers apart.
4. Only cli/ writes to the terminal: no std::cout or std::cerr elsewhere in src/, and run/ and
   the folders below it report through a RunEnv's report() (src/run/reporter.h), never by
   writing to its err or out stream.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # a copy of the tree, for the check's own test
    ROOT = pathlib.Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
KINDS_H = ROOT / "reconciler" / "kinds.h"
KINDS = re.findall(r'inline constexpr const char\* k\w+ = "(\w+)";', KINDS_H.read_text())
if not KINDS:
    sys.exit(f"lint: no kind names found in {KINDS_H} (inline constexpr const char* kX = \"X\";)")
ALLOWED = {"reconciler/kinds.cpp", "reconciler/kinds.h"}
LITERAL = re.compile(r'"(' + "|".join(KINDS) + r')"')
INCLUDE = re.compile(r'#include\s+"(src|state|reconciler)/')
BELOW = {"reconciler": {"state", "src"}, "state": {"src"}, "src": set()}
SRC_ORDER = ["cli", "daemon", "web", "views", "run", "backlog", "providers", "platform"]
SRC_INCLUDE = re.compile(r'#include\s+"src/([a-z_]+)/')
RELATIVE_INCLUDE = re.compile(r'#include\s+"\.\.?/')
TERMINAL = re.compile(r'std::(cout|cerr)\b')
STREAM_WRITE = re.compile(r'\b(env_?|e)\.(err|out)\s*<<')
REPORTING = {"run", "backlog", "providers", "platform"}  # below the daemon: report(), no stream


def sources():
    for layer in ("src", "state", "reconciler"):
        for p in sorted((ROOT / layer).rglob("*")):
            if p.suffix in (".cpp", ".h"):
                yield layer, p


def main():
    status = 0
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
                print(f"lint: {rel}:{n}: src/{sub}/ includes src/{s.group(1)}/, which is above it")
                status = 1
            code = line.split("//")[0]
            if layer == "src" and sub != "cli" and TERMINAL.search(code):
                print(f"lint: {rel}:{n}: only cli/ writes to the terminal; report the event "
                      f"instead: {line.strip()}")
                status = 1
            if layer == "src" and sub in REPORTING and STREAM_WRITE.search(code):
                print(f"lint: {rel}:{n}: src/{sub}/ writes to a stream; report through "
                      f"env.report() (src/run/reporter.h): {line.strip()}")
                status = 1
            if RELATIVE_INCLUDE.search(line):
                print(f"lint: {rel}:{n}: a relative include bypasses the layer roots; name it "
                      f"from its layer (\"src/run/x.h\"): {line.strip()}")
                status = 1
            if rel in ALLOWED or line.lstrip().startswith("//") or "// lint: not a kind" in line:
                continue
            if LITERAL.search(line):
                print(f"lint: {rel}:{n}: a kind-name literal; name the kind by its constant in "
                      f"reconciler/kinds.h (kind::kModel) instead: {line.strip()}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
