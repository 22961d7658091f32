#include "reconciler/schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <set>

#include "reconciler/values.h"

namespace hx {

namespace schema {
namespace {
Schema of(ValueType t) {
  Schema s;
  s.type = t;
  return s;
}
}  // namespace
Schema str() { return of(ValueType::kString); }
Schema integer(std::optional<double> min, std::optional<double> max) {
  Schema s = of(ValueType::kInt);
  s.min = min;
  s.max = max;
  return s;
}
Schema number(std::optional<double> min, std::optional<double> max) {
  Schema s = of(ValueType::kNumber);
  s.min = min;
  s.max = max;
  return s;
}
Schema boolean() { return of(ValueType::kBool); }
Schema anything() { return of(ValueType::kAny); }
Schema oneOf(std::vector<std::string> choices) {
  Schema s = of(ValueType::kEnum);
  s.choices = std::move(choices);
  return s;
}
Schema duration() { return of(ValueType::kDuration); }
Schema durationRange() { return of(ValueType::kDurationRange); }
Schema cidrOrAny() { return of(ValueType::kCidrOrAny); }
Schema address() { return of(ValueType::kAddress); }
Schema url() { return of(ValueType::kUrl); }
Schema portOrRange() { return of(ValueType::kPortOrRange); }
Schema name() { return of(ValueType::kName); }
Schema ref(std::string kind, RefRole role) {
  Schema s = of(ValueType::kRef);
  s.refKind = std::move(kind);
  s.role = role;
  return s;
}
Schema resourceRef(RefRole role) {
  Schema s = of(ValueType::kResourceRef);
  s.role = role;
  return s;
}
Schema date() { return of(ValueType::kDate); }
Schema secretRef(bool allowGenerate) {
  Schema s = of(ValueType::kSecretRef);
  s.allowGenerate = allowGenerate;
  return s;
}
Schema object(std::vector<Field> fields) {
  Schema s = of(ValueType::kObject);
  s.fields = std::move(fields);
  return s;
}
Schema oneKey(std::vector<Field> fields) {
  Schema s = of(ValueType::kOneKeyObject);
  s.fields = std::move(fields);
  return s;
}
Schema mapOf(Schema element) {
  Schema s = of(ValueType::kMap);
  s.element = std::make_shared<Schema>(std::move(element));
  return s;
}
Schema oneOrList(Schema element) {
  Schema s = listOf(std::move(element));
  s.scalarIsList = true;
  return s;
}

Schema listOf(Schema element, bool nonEmpty) {
  Schema s = of(ValueType::kList);
  s.element = std::make_shared<Schema>(std::move(element));
  s.nonEmpty = nonEmpty;
  return s;
}
Schema either(std::vector<std::string> keys, Schema whenKeyed, Schema otherwise) {
  Schema s = of(ValueType::kEither);
  s.choices = std::move(keys);
  s.element = std::make_shared<Schema>(std::move(whenKeyed));
  s.alternative = std::make_shared<Schema>(std::move(otherwise));
  return s;
}
Field req(std::string name, Schema s) { return Field{std::move(name), std::move(s), true}; }
Field opt(std::string name, Schema s) { return Field{std::move(name), std::move(s), false}; }
}  // namespace schema

SourceLoc locOf(const YAML::Node& node, const std::string& file, int lineOffset) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return SourceLoc{file, 0, 0};
  return SourceLoc{file, lineOffset + m.line + 1, m.column + 1};
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t bestDistance = 0;
  for (const auto& c : candidates) {
    size_t d = editDistance(word, c);
    if (!best || d < bestDistance) {
      best = &c;
      bestDistance = d;
    }
  }
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3 + 1));
  if (best && bestDistance <= limit) return " (did you mean \"" + *best + "\"?)";
  return "";
}

namespace {

const char* describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing (null)";
    default:
      return "a scalar";
  }
}

class Checker {
 public:
  explicit Checker(SchemaContext& ctx) : ctx_(ctx) {}

  Json check(const YAML::Node& node, const Schema& s, const std::string& path) {
    if (const SourceLoc at = locOf(node, ctx_.file, ctx_.lineOffset); at.line > 0)
      ctx_.resource->fields.emplace(path, Resource::FieldPos{at.line, at.column});
    switch (s.type) {
      case ValueType::kObject:
        return checkObject(node, s, path, false);
      case ValueType::kOneKeyObject:
        return checkObject(node, s, path, true);
      case ValueType::kMap:
        return checkMap(node, s, path);
      case ValueType::kList:
        return checkList(node, s, path);
      case ValueType::kSecretRef:
        return checkSecret(node, s, path);
      case ValueType::kAny:
        return checkAny(node, path);
      case ValueType::kEither: {
        bool keyed = false;
        if (node.IsMap())
          for (const auto& k : s.choices) keyed = keyed || static_cast<bool>(node[k]);
        return check(node, keyed ? *s.element : *s.alternative, path);
      }
      default:
        return checkScalar(node, s, path);
    }
  }

  void error(const YAML::Node& at, const std::string& path, const std::string& message) {
    ctx_.diags->push_back(
        Diagnostic{locOf(at, ctx_.file, ctx_.lineOffset), subjectPath(path), message});
  }

 private:
  std::string subjectPath(const std::string& path) const {
    if (ctx_.subject.empty()) return path;
    return path.empty() ? ctx_.subject : ctx_.subject + " " + path;
  }

  bool isScalarLike(const YAML::Node& node, const std::string& path, const std::string& what) {
    if (node.IsScalar()) return true;
    error(node, path, "expected " + what + ", got " + describe(node));
    return false;
  }

  Json checkScalar(const YAML::Node& node, const Schema& s, const std::string& path);
  Json checkObject(const YAML::Node& node, const Schema& s, const std::string& path, bool oneKey);
  Json checkMap(const YAML::Node& node, const Schema& s, const std::string& path);
  Json checkList(const YAML::Node& node, const Schema& s, const std::string& path);
  Json checkSecret(const YAML::Node& node, const Schema& s, const std::string& path);
  Json checkNumber(const YAML::Node& node, const Schema& s, const std::string& path);
  Json checkAny(const YAML::Node& node, const std::string& path);
  void addReference(const YAML::Node& node, const std::string& path, ResourceId target,
                    RefRole role) {
    ctx_.resource->references.push_back(
        Reference{std::move(target), role, path, locOf(node, ctx_.file, ctx_.lineOffset)});
  }

  SchemaContext& ctx_;
};

bool plainScalar(const YAML::Node& node) { return node.Tag() == "?"; }

std::string showBound(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)))
    return std::to_string(static_cast<int64_t>(v));
  return Json(v).dump();
}

Json Checker::checkNumber(const YAML::Node& node, const Schema& s, const std::string& path) {
  const bool wantInt = s.type == ValueType::kInt;
  const std::string& text = node.Scalar();
  const char* what = wantInt ? "an integer" : "a number";
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  bool numeric = !text.empty() && end && *end == '\0' && plainScalar(node) && std::isfinite(value);
  if (!numeric || (wantInt && (text.find_first_of(".eE") != std::string::npos))) {
    error(node, path, std::string("expected ") + what + ", got \"" + text + "\"");
    return nullptr;
  }
  if (s.min && value < *s.min) {
    error(node, path, "must be at least " + showBound(*s.min) + ", got " + text);
    return nullptr;
  }
  if (s.max && value > *s.max) {
    error(node, path, "must be at most " + showBound(*s.max) + ", got " + text);
    return nullptr;
  }
  if (wantInt) return static_cast<int64_t>(value);
  return value;
}

Json Checker::checkScalar(const YAML::Node& node, const Schema& s, const std::string& path) {
  using VT = ValueType;
  if (s.type == VT::kPortOrRange && node.IsScalar() && plainScalar(node)) {
    std::string problem = checkPortOrRange(node.Scalar());
    if (!problem.empty()) error(node, path, problem);
    return problem.empty() ? Json(node.Scalar()) : Json();
  }
  if (!isScalarLike(node, path, s.type == VT::kInt ? "an integer" : "a value")) return nullptr;
  const std::string& text = node.Scalar();
  std::string problem;
  switch (s.type) {
    case VT::kInt:
    case VT::kNumber:
      return checkNumber(node, s, path);
    case VT::kBool: {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (plainScalar(node) && (lower == "true" || lower == "false")) return lower == "true";
      error(node, path, "expected true or false, got \"" + text + "\"");
      return nullptr;
    }
    case VT::kEnum:
      if (std::find(s.choices.begin(), s.choices.end(), text) != s.choices.end()) return text;
      {
        std::string list;
        for (const auto& c : s.choices) list += (list.empty() ? "" : ", ") + c;
        error(node, path, "\"" + text + "\" is not one of: " + list + didYouMean(text, s.choices));
      }
      return nullptr;
    case VT::kDuration:
      problem = checkDuration(text);
      break;
    case VT::kDurationRange:
      if (!parseEffort(text) && effortBackwards(text))
        problem = "the range " + text + " runs backwards (write it as MIN-MAX)";
      else if (!parseEffort(text))
        problem = "\"" + text +
                  "\" is not an estimate: write it as the operators do (\"4-6 hours\", \"25 "
                  "minutes\") or as a duration or range MIN-MAX (4h-6h)";
      break;
    case VT::kCidrOrAny:
      problem = text == "any" ? "" : checkCidr(text);
      break;
    case VT::kAddress:
      problem = checkAddress(text);
      break;
    case VT::kUrl:
      problem = checkUrl(text);
      break;
    case VT::kName:
      problem = checkName(text);
      break;
    case VT::kDate:
      problem = checkDate(text);
      break;
    case VT::kPortOrRange:  // quoted: "6010:6000" is checked as the plain form is
      problem = checkPortOrRange(text);
      break;
    case VT::kRef:
      problem = checkName(text);
      if (problem.empty()) addReference(node, path, ResourceId{s.refKind, text}, s.role);
      break;
    case VT::kResourceRef: {
      auto slash = text.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == text.size())
        problem = "\"" + text + "\" is not a resource reference (use Kind/name)";
      else
        addReference(node, path, ResourceId{text.substr(0, slash), text.substr(slash + 1)}, s.role);
      break;
    }
    default:
      if (node.IsNull() || text.empty()) problem = "must not be empty";
      break;
  }
  if (!problem.empty()) {
    error(node, path, problem);
    return nullptr;
  }
  return text;
}

Json Checker::checkObject(const YAML::Node& node, const Schema& s, const std::string& path,
                          bool oneKey) {
  if (!node.IsMap()) {
    error(node, path, std::string("expected a mapping, got ") + describe(node));
    return nullptr;
  }
  std::vector<std::string> known;
  for (const auto& f : s.fields) known.push_back(f.name);
  Json out = Json::object();
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>("");
    const std::string childPath = path.empty() ? key : path + "." + key;
    if (!seen.insert(key).second) {
      error(kv.first, childPath, "duplicate key \"" + key + "\"");
      continue;
    }
    auto field = std::find_if(s.fields.begin(), s.fields.end(),
                              [&](const Field& f) { return f.name == key; });
    if (field == s.fields.end()) {
      error(kv.first, childPath, "unknown field \"" + key + "\"" + didYouMean(key, known));
      continue;
    }
    out[key] = check(kv.second, field->schema, childPath);
  }
  if (oneKey) {
    if (seen.size() != 1) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      error(node, path, "expected exactly one of: " + list);
    }
    return out;
  }
  for (const auto& f : s.fields)
    if (f.required && !seen.count(f.name))
      error(node, path, "missing required field \"" + f.name + "\"");
  return out;
}

Json Checker::checkAny(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    Json out = Json::object();
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>("");
      if (out.contains(key)) {
        error(kv.first, path + "." + key, "duplicate key \"" + key + "\"");
        continue;
      }
      out[key] = checkAny(kv.second, path + "." + key);
    }
    return out;
  }
  if (node.IsSequence()) {
    Json out = Json::array();
    for (size_t i = 0; i < node.size(); ++i)
      out.push_back(checkAny(node[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& text = node.Scalar();
  if (!plainScalar(node)) return text;
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  if (text == "true" || text == "false") return text == "true";
  char* end = nullptr;
  errno = 0;
  long long whole = std::strtoll(text.c_str(), &end, 10);
  if (end && *end == '\0' && errno == 0) return whole;
  double value = std::strtod(text.c_str(), &end);
  if (end && *end == '\0' && std::isfinite(value)) return value;
  return text;
}

Json Checker::checkMap(const YAML::Node& node, const Schema& s, const std::string& path) {
  if (!node.IsMap()) {
    error(node, path, std::string("expected a mapping, got ") + describe(node));
    return nullptr;
  }
  Json out = Json::object();
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>("");
    const std::string childPath = path + "." + key;
    if (out.contains(key)) {
      error(kv.first, childPath, "duplicate key \"" + key + "\"");
      continue;
    }
    out[key] = check(kv.second, *s.element, childPath);
  }
  return out;
}

Json Checker::checkList(const YAML::Node& node, const Schema& s, const std::string& path) {
  if (s.scalarIsList && node.IsScalar()) return Json::array({check(node, *s.element, path)});
  if (!node.IsSequence()) {
    error(node, path, std::string("expected a list, got ") + describe(node));
    return nullptr;
  }
  if (s.nonEmpty && node.size() == 0) error(node, path, "must not be empty");
  Json out = Json::array();
  for (size_t i = 0; i < node.size(); ++i)
    out.push_back(check(node[i], *s.element, path + "[" + std::to_string(i) + "]"));
  return out;
}

Json Checker::checkSecret(const YAML::Node& node, const Schema& s, const std::string& path) {
  const char* forms = s.allowGenerate ? "{env: NAME}, {file: PATH} or {generate: true, file: PATH}"
                                      : "{env: NAME} or {file: PATH}";
  if (!node.IsMap()) {
    // Never echo the value: it may be the secret itself.
    error(node, path,
          std::string("inline secret values are not allowed; reference the secret with ") + forms);
    return nullptr;
  }
  std::vector<Field> fields = {schema::opt("env", schema::str()),
                               schema::opt("file", schema::str())};
  if (s.allowGenerate) fields.push_back(schema::opt("generate", schema::boolean()));
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>("");
    if (key == "value") {
      error(
          kv.first, path + ".value",
          std::string("inline secret values are not allowed; reference the secret with ") + forms);
      return nullptr;
    }
  }
  Json out = checkObject(node, schema::object(fields), path, false);
  if (!out.is_object()) return out;
  bool env = out.contains("env"), file = out.contains("file");
  bool generate = out.value("generate", false);
  if (generate && env)
    error(node, path, "generate: true cannot be combined with env:");
  else if (generate && !file)
    error(node, path, "generate: true needs file: PATH to write it to");
  else if (!generate && env == file)
    error(node, path, std::string("expected exactly one of ") + forms);
  return out;
}

}  // namespace

Json checkNode(const YAML::Node& node, const Schema& s, const std::string& path,
               SchemaContext& ctx) {
  Checker checker(ctx);
  return checker.check(node, s, path);
}

}  // namespace hx
