#!/usr/bin/env python3
"""Catch2 test names must survive CMake: catch_discover_tests splits names at ';' (a CMake list
separator) into filters that match nothing, and a name starting with '-' is read as a flag."""
import re
import sys

bad = 0
for path in sys.argv[1:]:
    text = open(path).read()
    for m in re.finditer(r'TEST_CASE\(((?:\s*"(?:[^"\\]|\\.)*")+)', text):
        name = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        line = text.count("\n", 0, m.start()) + 1
        if ";" in name or name.startswith("-"):
            print(f"lint: {path}:{line}: test name {name!r} contains ';' or starts with '-'")
            bad += 1
sys.exit(1 if bad else 0)
