#include "src/providers/json_read.h"

#include <cmath>

namespace hx::jread {

namespace {
const Json& emptyArray() {
  static const Json kEmpty = Json::array();
  return kEmpty;
}
const Json& emptyObject() {
  static const Json kEmpty = Json::object();
  return kEmpty;
}
}  // namespace

const Json* field(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const Json* element(const Json& j, size_t index) {
  if (!j.is_array() || index >= j.size()) return nullptr;
  return &j[index];
}

std::optional<std::string> text(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<int64_t> integer(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  if (!v) return std::nullopt;
  // nlohmann's is_number_integer() is true for unsigned numbers too: unsigned first.
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> number(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<bool> boolean(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

std::string textOr(const Json& j, std::string_view key, std::string fallback) {
  auto v = text(j, key);
  return v ? *v : std::move(fallback);
}

int64_t integerOr(const Json& j, std::string_view key, int64_t fallback) {
  return integer(j, key).value_or(fallback);
}

const Json& array(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  return v && v->is_array() ? *v : emptyArray();
}

const Json& object(const Json& j, std::string_view key) {
  const Json* v = field(j, key);
  return v && v->is_object() ? *v : emptyObject();
}

std::string describe(const Json* v) {
  if (!v) return "missing";
  switch (v->type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::array:
      return "an array of " + std::to_string(v->size());
    case Json::value_t::object:
      return "an object";
    default:
      return "not a JSON value";
  }
}

std::optional<std::string> name(const Json& j, std::string_view key, size_t maxLength) {
  auto v = text(j, key);
  if (!v || v->empty() || v->size() > maxLength) return std::nullopt;
  for (unsigned char c : *v)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  return v;
}

std::optional<std::vector<double>> numbers(const Json& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<double> out;
  out.reserve(v.size());
  for (const auto& x : v) {
    if (!x.is_number()) return std::nullopt;
    out.push_back(x.get<double>());
  }
  return out;
}

std::string excerpt(std::string_view body, size_t max) {
  std::string out;
  for (size_t i = 0; i < body.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  if (body.size() > max) out += "...";
  return out;
}

std::string serverError(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (auto text = jread::text(j, "error")) return *text;
  if (auto text = jread::text(jread::object(j, "error"), "message")) return *text;
  if (auto text = jread::text(j, "detail")) return *text;
  if (auto text = jread::text(jread::object(j, "status"), "error")) return *text;
  return body.empty() ? "(empty body)" : excerpt(body);
}

Result<Json> parseBody(const std::string& what, const HttpResponse& r) {
  if (r.body.empty())
    return Status::error(ErrorKind::kUnavailable,
                         what + ": HTTP " + std::to_string(r.status) + " with an empty body");
  Json j = Json::parse(r.body, nullptr, false);
  if (!j.is_discarded()) return j;
  std::string type = r.contentType.empty() ? "no content type" : r.contentType;
  return Status::error(ErrorKind::kUnavailable, what + ": HTTP " + std::to_string(r.status) +
                                                    " answered " + std::to_string(r.body.size()) +
                                                    " bytes that are not JSON (" + type + "): \"" +
                                                    excerpt(r.body, 60) + "\"");
}

}  // namespace hx::jread
