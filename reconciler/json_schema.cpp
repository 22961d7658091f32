#include "reconciler/json_schema.h"

#include <sstream>

#include "reconciler/kinds.h"
#include "reconciler/values.h"

namespace hx {

namespace {

constexpr const char* kUnit = "[0-9]+(ms|s|m|h|d)";

Json bounded(Json j, const Schema& s) {
  if (s.min) j["minimum"] = *s.min;
  if (s.max) j["maximum"] = *s.max;
  return j;
}

// A name as the loader takes it: YAML may read `1.5` or `2024` as a number; the text is the name.
Json nameSchema() {
  return {{"type", Json::array({"string", "number"})},
          {"pattern", "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
          {"maxLength", 253}};
}

Json toJsonSchema(const Schema& s);

Json objectSchema(const Schema& s, bool oneKey) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& f : s.fields) {
    props[f.name] = toJsonSchema(f.schema);
    if (f.required) required.push_back(f.name);
  }
  Json out{{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (oneKey) {
    out["minProperties"] = 1;
    out["maxProperties"] = 1;
  } else if (!required.empty()) {
    out["required"] = required;
  }
  return out;
}

Json toJsonSchema(const Schema& s) {
  using VT = ValueType;
  Json j;
  switch (s.type) {
    case VT::kString:
      // The loader takes any non-empty scalar as text (YAML may read `7` as a number).
      j = {{"type", Json::array({"string", "number", "boolean"})}, {"minLength", 1}};
      break;
    case VT::kInt:
      j = bounded({{"type", "integer"}}, s);
      break;
    case VT::kNumber:
      j = bounded({{"type", "number"}}, s);
      break;
    case VT::kBool:
      j = {{"type", "boolean"}};
      break;
    case VT::kEnum:
      j = {{"enum", s.choices}};
      break;
    case VT::kDuration:
      j = {{"type", "string"}, {"pattern", std::string("^(") + kUnit + ")+$"}};
      break;
    case VT::kDurationRange:
      j = {{"type", "string"},
           {"pattern",
            std::string("^((") + kUnit + ")+(-(" + kUnit +
                ")+)?|[0-9]+(\\.[0-9]+)?(-[0-9]+(\\.[0-9]+)?)? ?(minutes?|mins?|hours?|hrs?|"
                "days?))$"}};
      break;
    case VT::kCidrOrAny:
      j = {{"type", "string"}, {"pattern", "^(any|[0-9A-Fa-f:.]+(/[0-9]+)?)$"}};
      break;
    case VT::kAddress:
      j = {{"type", "string"}, {"minLength", 1}};
      break;
    case VT::kUrl:
      j = {{"type", "string"}, {"pattern", "^https?://[^/?#]+"}};
      break;
    case VT::kPortOrRange:
      j = {{"anyOf", Json::array({{{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}},
                                  {{"type", "string"}, {"pattern", "^[0-9]+([:-][0-9]+)?$"}}})}};
      break;
    case VT::kName:
    case VT::kRef:
      j = nameSchema();
      break;
    case VT::kResourceRef:
      j = {{"type", "string"}, {"pattern", "^[^/]+/.+$"}};
      break;
    case VT::kDate:
      j = {{"type", "string"},
           {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$"}};
      break;
    case VT::kSecretRef: {
      Json props{{"env", {{"type", "string"}, {"minLength", 1}}},
                 {"file", {{"type", "string"}, {"minLength", 1}}}};
      if (s.allowGenerate) props["generate"] = {{"type", "boolean"}};
      j = {{"type", "object"},
           {"properties", props},
           {"additionalProperties", false},
           {"minProperties", 1}};
      break;
    }
    case VT::kObject:
      j = objectSchema(s, false);
      break;
    case VT::kOneKeyObject:
      j = objectSchema(s, true);
      break;
    case VT::kMap:
      j = {{"type", "object"}, {"additionalProperties", toJsonSchema(*s.element)}};
      break;
    case VT::kList: {
      Json list{{"type", "array"}, {"items", toJsonSchema(*s.element)}};
      if (s.nonEmpty) list["minItems"] = 1;
      j = s.scalarIsList ? Json{{"anyOf", Json::array({toJsonSchema(*s.element), list})}} : list;
      break;
    }
    case VT::kEither: {
      Json keyed = Json::array();
      for (const auto& k : s.choices) keyed.push_back({{"required", Json::array({k})}});
      j = {{"if", {{"type", "object"}, {"anyOf", keyed}}},
           {"then", toJsonSchema(*s.element)},
           {"else", toJsonSchema(*s.alternative)}};
      break;
    }
    case VT::kAny:
      j = Json::object();
      break;
  }
  std::string words = describeType(s);
  if (!words.empty() && s.type != VT::kObject) j["description"] = words;
  return j;
}

const Field* fieldNamed(const Schema& s, const std::string& name) {
  const Schema* at = &s;
  if (at->type == ValueType::kList && at->element) at = at->element.get();
  if (at->type == ValueType::kMap && at->element) at = at->element.get();
  for (const auto& f : at->fields)
    if (f.name == name) return &f;
  if (at->type == ValueType::kEither) {
    for (const auto* branch : {at->element.get(), at->alternative.get()})
      if (branch)
        for (const auto& f : branch->fields)
          if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<Field> childrenOf(const Schema& s) {
  const Schema* at = &s;
  if ((at->type == ValueType::kList || at->type == ValueType::kMap) && at->element)
    at = at->element.get();
  if (at->type == ValueType::kEither && at->element) return at->element->fields;
  return at->fields;
}

std::vector<std::string> declarableKinds() {
  std::vector<std::string> out;
  for (const auto& k : kinds())
    if (!k.derived) out.push_back(k.name);
  return out;
}

}  // namespace

std::string describeType(const Schema& s) {
  using VT = ValueType;
  auto bound = [](double v) {
    return v == static_cast<double>(static_cast<int64_t>(v))
               ? std::to_string(static_cast<int64_t>(v))
               : Json(v).dump();
  };
  auto range = [&](const std::string& base) {
    std::string out = base;
    if (s.min) out += " >= " + bound(*s.min);
    if (s.max) out += (s.min ? "," : "") + std::string(" <= ") + bound(*s.max);
    return out;
  };
  switch (s.type) {
    case VT::kString:
      return "text";
    case VT::kInt:
      return range("integer");
    case VT::kNumber:
      return range("number");
    case VT::kBool:
      return "true or false";
    case VT::kEnum:
      return "one of: " + joined(s.choices);
    case VT::kDuration:
      return "duration (500ms, 5s, 1m30s, 2h, 1d)";
    case VT::kDurationRange:
      return "an estimate: \"4-6 hours\", \"25 minutes\", or a duration or range MIN-MAX (4h-6h)";
    case VT::kCidrOrAny:
      return "\"any\", an IP address or a CIDR (10.0.0.0/24)";
    case VT::kAddress:
      return "IP address or DNS name";
    case VT::kUrl:
      return "URL (http:// or https://)";
    case VT::kPortOrRange:
      return "port (1-65535) or range (6000:6010)";
    case VT::kName:
      return "name (letters, digits, '.', '-', '_')";
    case VT::kRef:
      return "the name of a " + s.refKind;
    case VT::kResourceRef:
      return "a resource, KIND/NAME";
    case VT::kDate:
      return "date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";
    case VT::kSecretRef:
      return s.allowGenerate ? "secret reference: {env: NAME}, {file: PATH} or {generate: true, "
                               "file: PATH} (never the value)"
                             : "secret reference: {env: NAME} or {file: PATH} (never the value)";
    case VT::kObject:
      return "object";
    case VT::kOneKeyObject:
      return "exactly one of the fields below";
    case VT::kMap:
      return "mapping of names to " + describeType(*s.element);
    case VT::kList:
      return std::string(s.scalarIsList ? "one value or a list of " : "list of ") +
             describeType(*s.element) + (s.nonEmpty ? " (at least one)" : "");
    case VT::kEither:
      return "with " + joined(s.choices, " or ") + ": " + describeType(*s.element) +
             " (fields below); otherwise " + describeType(*s.alternative);
    case VT::kAny:
      return "any value";
  }
  return "";
}

Json specJsonSchema() {
  Json cases = Json::array();
  for (const auto& k : kinds()) {
    if (k.derived) continue;
    cases.push_back(
        {{"if", {{"properties", {{"kind", {{"const", k.name}}}}}, {"required", {"kind"}}}},
         {"then", {{"properties", {{"spec", toJsonSchema(k.spec)}}}}}});
  }
  Json metadata{
      {"type", "object"},
      {"properties",
       {{"name", nameSchema()},
        {"labels",
         {{"type", "object"},
          {"additionalProperties", {{"type", Json::array({"string", "number", "boolean"})}}}}}}},
      {"required", {"name"}},
      {"additionalProperties", false}};
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"$id", "hxctl-spec-hx-v1.schema.json"},
          {"title", "hxctl spec document (apiVersion hx/v1)"},
          {"description",
           "One YAML document of an hxctl estate. Generated by `hxctl schema` from the schema "
           "hxctl validate checks; cross-field and cross-resource rules are hxctl validate's."},
          {"type", "object"},
          {"required", {"apiVersion", "kind", "metadata", "spec"}},
          {"additionalProperties", false},
          {"properties",
           {{"apiVersion", {{"const", "hx/v1"}}},
            {"kind", {{"enum", declarableKinds()}}},
            {"metadata", metadata},
            {"spec", {{"type", "object"}}}}},
          {"allOf", cases}};
}

Result<std::string> explainField(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');)
    if (!part.empty()) parts.push_back(part);
  if (parts.empty())
    return Status::error(ErrorKind::kInvalidSpec, "explain what? (e.g. Collection)");
  const KindDescriptor* kind = findKind(parts[0]);
  if (!kind || kind->derived)
    return Status::error(ErrorKind::kInvalidSpec, "no kind \"" + parts[0] + "\"" +
                                                      didYouMean(parts[0], declarableKinds()) +
                                                      "; kinds: " + joined(declarableKinds()));
  size_t i = 1;
  if (i < parts.size() && parts[i] == "spec") ++i;
  const Schema* at = &kind->spec;
  std::string where = "spec";
  bool required = true;
  for (; i < parts.size(); ++i) {
    const Field* f = fieldNamed(*at, parts[i]);
    if (!f) {
      std::vector<std::string> names;
      for (const auto& c : childrenOf(*at)) names.push_back(c.name);
      return Status::error(ErrorKind::kInvalidSpec,
                           kind->name + " " + where + " has no field \"" + parts[i] + "\"" +
                               didYouMean(parts[i], names) +
                               (names.empty() ? "" : "; its fields: " + joined(names)));
    }
    at = &f->schema;
    where += "." + f->name;
    required = f->required;
  }
  std::ostringstream out;
  out << "KIND:     " << kind->name << "\n"
      << "FIELD:    " << where
      << (where == "spec" ? ""
          : required      ? " (required)"
                          : " (optional)")
      << "\n"
      << "TYPE:     " << describeType(*at) << "\n";
  if (where == "spec" && kind->managed)
    out << "MANAGED:  hxctl creates, changes and deletes these objects"
        << (kind->replaceIsDestructive ? "; replacing one destroys its data (--allow-replace)" : "")
        << "\n";
  if (!kind->immutableFields.empty() && where == "spec")
    out << "IMMUTABLE: " << joined(kind->immutableFields) << " (a change means replacing it)\n";
  auto children = childrenOf(*at);
  if (!children.empty()) {
    size_t width = 0;
    for (const auto& c : children) width = std::max(width, c.name.size());
    out << "FIELDS:\n";
    for (const auto& c : children)
      out << "  " << c.name << std::string(width - c.name.size() + 2, ' ')
          << (c.required ? "required  " : "optional  ") << describeType(c.schema) << "\n";
  }
  return out.str();
}

}  // namespace hx
