// A small declarative schema for spec documents. One Schema value describes a field's type; the
// checker walks a YAML node against it, reports every problem with file:line:col and the field
// path, converts the node to typed JSON, records where each field was written, and collects the
// references to other resources so the cross-resource checks need not know the kinds' layouts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/resource.h"

namespace YAML {
class Node;
}

namespace hx {

enum class ValueType {
  kString,
  kInt,
  kNumber,
  kBool,
  kEnum,
  kDuration,
  kDurationRange,  // a duration, or "MIN-MAX" (4h-6h): an estimate given as a range
  kCidrOrAny,      // "any", an IP address or a CIDR
  kAddress,        // IP or DNS name
  kUrl,
  kPortOrRange,  // 22, "22", "6000:6010"
  kName,         // a resource-style name
  kRef,          // the name of a resource of refKind
  kResourceRef,  // "Kind/name"
  kDate,
  kSecretRef,  // {env: NAME} | {file: PATH} (| {generate: true, file: PATH})
  kObject,
  kMap,           // string keys, values of `element`
  kList,          // items of `element`
  kOneKeyObject,  // exactly one of `fields`, e.g. a criterion {generate: {...}}
  kEither,        // `element` if the mapping has one of `choices` as a key, else `alternative`
  kAny,           // any value, as YAML's core schema reads it (collection metadata)
};

struct Field;

struct Schema {
  ValueType type = ValueType::kString;
  std::vector<Field> fields;
  std::shared_ptr<const Schema> element;
  std::vector<std::string> choices;
  std::optional<double> min, max;
  std::string refKind;
  RefRole role = RefRole::kRequires;
  bool allowGenerate = false;
  bool nonEmpty = false;      // for lists: at least one item
  bool scalarIsList = false;  // for lists: a lone value stands for a list of one
  std::shared_ptr<const Schema> alternative;
};

struct Field {
  std::string name;
  Schema schema;
  bool required = false;
};

// Builders, so that kind schemas read like the documents they describe.
namespace schema {
Schema str();
Schema integer(std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
Schema number(std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
Schema boolean();
Schema oneOf(std::vector<std::string> choices);
Schema duration();
Schema durationRange();
Schema cidrOrAny();
Schema address();
Schema url();
Schema portOrRange();
Schema name();
Schema ref(std::string kind, RefRole role = RefRole::kRequires);
Schema resourceRef(RefRole role);
Schema date();
Schema secretRef(bool allowGenerate = false);
Schema object(std::vector<Field> fields);
Schema oneKey(std::vector<Field> fields);
Schema mapOf(Schema element);
Schema listOf(Schema element, bool nonEmpty = false);
// A list, or one value standing for a list of one (proves: A, or proves: [A, B]).
Schema oneOrList(Schema element);
// A mapping checked against `whenKeyed` when it has any of `keys`, else against `otherwise`.
// Any value: a mapping, list, string, number, boolean or null, converted as YAML's core schema
// reads plain scalars (true, 3, 2.5, null, ~); quoted scalars stay strings.
Schema anything();
Schema either(std::vector<std::string> keys, Schema whenKeyed, Schema otherwise);
Field req(std::string name, Schema s);
Field opt(std::string name, Schema s);
}  // namespace schema

// Where the checker reports and records. `resource` receives field locations and references.
struct SchemaContext {
  std::string file;
  std::string subject;  // "Collection/mixtral", prefixed to field paths in messages
  Diagnostics* diags;
  Resource* resource;
  int lineOffset = 0;  // lines of the file before the text the nodes were loaded from
};

// Checks `node` against `s`; returns the converted value (null where the input was unusable).
Json checkNode(const YAML::Node& node, const Schema& s, const std::string& path,
               SchemaContext& ctx);

// Where a node is in `file`, when it was loaded from text that starts `lineOffset` lines in.
SourceLoc locOf(const YAML::Node& node, const std::string& file, int lineOffset = 0);

// " (did you mean \"size\"?)" when a candidate is close enough, else "".
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hx
