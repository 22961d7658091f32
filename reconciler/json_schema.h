// The spec format for people and editors, from the same schema the loader checks against
// (reconciler/kinds.cpp), so neither can drift from it: a JSON Schema (draft-07) for
// yaml-language-server and other validators (`hxctl schema`), and `hxctl explain KIND[.field]`.
// Pure.
#pragma once

#include <string>

#include "reconciler/resource.h"
#include "reconciler/schema.h"
#include "reconciler/status.h"

namespace hx {

// One JSON Schema for a spec document of any kind (apiVersion, kind, metadata, spec), with the
// spec's schema chosen by `kind`. The JSON Schema is as strict as the loader where a schema can
// say it (unknown fields, required fields, types, choices, ranges, name and duration forms); the
// checks across fields and resources remain the loader's (hxctl validate).
Json specJsonSchema();

// What `hxctl explain` prints for "Kind", "Kind.field" or "Kind.spec.field.sub": the field's
// type, whether it is required, its choices or range, and the fields under it. An unknown kind
// or field is an error naming the nearest one.
Result<std::string> explainField(const std::string& path);

// A field's type in words: "integer >= 1", "one of: Cosine, Dot", "duration (500ms, 5s, 2h)".
std::string describeType(const Schema& s);

}  // namespace hx
