#!/usr/bin/env python3
"""Validates hx-sim's logged Qdrant exchanges against Qdrant's official OpenAPI document.

Every request body is checked against its operation's request schema (one the document rejects
must have been refused: a 2xx to it is a violation), every response body against the schema of
its status code (exact code, then 4XX/5XX, then default). OpenAPI 3.0's
`nullable` is mapped to JSON Schema. Any violation fails; so does an empty set of exchanges
(a check that checks nothing proves nothing).

Known, documented deviations of the real server from its own document are counted separately
and do not fail: the auth middleware answers 401/403 in text/plain (src/actix/auth.rs: HttpError keeps actix's default error_response),
and deprecated endpoints the v1.19 server still serves are checked against the v1.18 document.

usage: check_openapi.py OPENAPI_JSON EXCHANGE_DIR
exit:  0 conforming, 1 violations or a missing document (a check that skips proves nothing)
"""
import copy
import glob
import json
import os
import re
import sys

import jsonschema

def nullable_to_jsonschema(node):
    if isinstance(node, list):
        return [nullable_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: nullable_to_jsonschema(v) for k, v in node.items()}
    if out.pop("nullable", False):
        # `anyOf: [{$ref: X}, {nullable: true}]` is the document's way to say "X or null": the
        # bare `{nullable: true}` means null alone, not "anything" (which would let every nested
        # struct through unchecked).
        if not out:
            return {"type": "null"}
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = nullable_to_jsonschema(json.load(f))
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.ops = []
        for template, item in self.doc["paths"].items():
            regex = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
            params = template.count("{")
            for method, op in item.items():
                if method in ("get", "put", "post", "patch", "delete", "head"):
                    self.ops.append((params, method.upper(), re.compile(regex), template, op))
        self.ops.sort(key=lambda o: o[0])  # literal segments win over parameters

    def find(self, method, path):
        for _, m, regex, template, op in self.ops:
            if m == method and regex.match(path):
                return template, op
        return None, None

    def validate(self, schema, value):
        validator = jsonschema.Draft7Validator(schema, resolver=self.resolver)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
        if not errors:
            return None
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or "(root)"
        return f"{where}: {e.message[:300]}"


def json_schema_of(content):
    for ctype, media in (content or {}).items():
        if "json" in ctype:
            return media.get("schema")
    return None


def response_entry(op, status):
    responses = op.get("responses", {})
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            return responses[key]
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    spec_path, exchange_dir = sys.argv[1], sys.argv[2]
    if not os.path.exists(spec_path):
        print(f"FAILED: Qdrant's official OpenAPI document is not at {spec_path}")
        return 1
    spec = Spec(spec_path)
    legacy_path = os.path.join(os.path.dirname(spec_path), "openapi-v1.18.x.json")
    legacy = Spec(legacy_path) if os.path.exists(legacy_path) else None

    checked = known = refused = 0
    violations = []
    files = sorted(glob.glob(os.path.join(exchange_dir, "*.jsonl")))
    for path in files:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                ex = json.loads(line)
                if ex.get("personality") != "qdrant":
                    continue
                where = f"{os.path.basename(path)}:{lineno}: {ex['method']} {ex['path']} -> {ex['status']}"
                template, op = spec.find(ex["method"], ex["path"])
                used = spec
                if op is None and legacy:
                    template, op = legacy.find(ex["method"], ex["path"])
                    used = legacy
                if op is None:
                    violations.append(f"{where}: no such operation in the OpenAPI document")
                    continue
                checked += 1
                body_schema = json_schema_of(op.get("requestBody", {}).get("content"))
                if body_schema and ex["request_body"]:
                    try:
                        body = json.loads(ex["request_body"])
                    except ValueError:
                        body = None
                    if body is not None:
                        # A body the document rejects must have been refused (the negative
                        # conformance cases send such bodies on purpose); one it accepts is fine
                        # either way (a server also refuses for reasons no schema states).
                        problem = used.validate(body_schema, body)
                        if problem and 200 <= ex["status"] < 300:
                            violations.append(f"{where}: accepted a request body the document rejects: {problem}")
                        elif problem:
                            refused += 1
                if ex.get("injected") == "drop":
                    continue  # no response was sent
                if str(ex.get("injected") or "").startswith("hostile:"):
                    continue  # malformed on purpose (hx-sim --hostile)
                ctype = ex.get("response_content_type", "")
                if ex["status"] in (401, 403) and ctype.startswith("text/plain"):
                    known += 1
                    continue
                entry = response_entry(op, ex["status"])
                if entry is None:
                    violations.append(f"{where}: status {ex['status']} is not documented")
                    continue
                schema = json_schema_of(entry.get("content"))
                if "json" in ctype:
                    if schema is None and entry.get("content"):
                        violations.append(f"{where}: JSON answered where the document says {list(entry['content'])}")
                        continue
                    if schema is not None:
                        problem = used.validate(schema, json.loads(ex["response_body"]))
                        if problem:
                            violations.append(f"{where}: response body: {problem}")
                elif entry.get("content") and not any(ctype.startswith(c) for c in entry["content"]):
                    violations.append(f"{where}: answered {ctype!r}, the document says {list(entry['content'])}")

    for v in violations:
        print("VIOLATION", v)
    print(f"checked {checked} Qdrant exchanges from {len(files)} logs against {os.path.basename(spec_path)}: "
          f"{len(violations)} violations, {known} text/plain auth answers (documented server behaviour), "
          f"{refused} invalid request bodies refused")
    if checked == 0:
        print("FAILED: no exchanges were logged; run the Qdrant end-to-end tests first")
        return 1
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
