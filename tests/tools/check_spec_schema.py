#!/usr/bin/python3
"""Checks hxctl's JSON Schema (hxctl schema) as an editor would use it.

Every spec document (one with a kind or an apiVersion) under the --accept directories must
validate; every file under --reject
that carries the line "# schema: rejects" must have a document that does not. YAML is read as
YAML 1.2's core schema reads it (yaml-language-server's): 22:22 is text, not a base-60 number,
yes/no/on/off are text, and dates stay text.
Exit 0 when all hold; 1 with each failure on stderr."""
import pathlib
import re
import sys

import jsonschema
import yaml


class Core12Loader(yaml.SafeLoader):
    pass


Core12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(regexp), list(first))


def documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=Core12Loader) if d is not None]


def main(argv):
    schema_path = argv[1]
    mode, accept, reject = None, [], []
    for arg in argv[2:]:
        if arg in ("--accept", "--reject"):
            mode = arg
        elif mode == "--accept":
            accept.append(pathlib.Path(arg))
        else:
            reject.append(pathlib.Path(arg))
    schema = __import__("json").loads(pathlib.Path(schema_path).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures, accepted, rejected = [], 0, 0
    for root in accept:
        for path in sorted(root.rglob("*.y*ml")):
            if path.name == "hxctl.yaml":  # an estate's config, not a spec
                continue
            for i, doc in enumerate(documents(path)):
                # examples/ also holds Prometheus and Grafana files: a spec has a kind.
                if not isinstance(doc, dict) or not ("kind" in doc or "apiVersion" in doc):
                    continue
                errors = list(validator.iter_errors(doc))
                if errors:
                    failures.append(f"{path} document {i + 1}: {errors[0].message} at "
                                    f"{'/'.join(str(p) for p in errors[0].absolute_path)}")
                accepted += 1
    for root in reject:
        for path in sorted(root.glob("*.yaml")):
            if "# schema: rejects" not in path.read_text(encoding="utf-8", errors="replace"):
                continue
            try:
                docs = documents(path)
            except yaml.YAMLError as e:
                failures.append(f"{path}: marked for the schema but not YAML: {e}")
                continue
            if all(validator.is_valid(d) for d in docs):
                failures.append(f"{path}: the loader rejects it, the JSON Schema accepts it")
            rejected += 1
    for f in failures:
        print(f, file=sys.stderr)
    print(f"{accepted} documents accepted, {rejected} corpus files rejected, "
          f"{len(failures)} failures")
    return 1 if failures or accepted == 0 or rejected == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
