#include "qdrant_filter.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

namespace hxsim {
namespace {

using Json = nlohmann::json;

// The values at a payload path "a.b.c" (arrays along the way are flattened, "a[].b" as "a.b"),
// as Qdrant's JsonPath::value_get returns them.
void valuesAt(const Json& node, const std::vector<std::string>& parts, size_t i,
              std::vector<Json>& out) {
  if (i == parts.size()) {
    if (node.is_array())
      for (const auto& v : node) out.push_back(v);
    else
      out.push_back(node);
    return;
  }
  if (node.is_array()) {
    for (const auto& v : node) valuesAt(v, parts, i, out);
    return;
  }
  if (!node.is_object() || !node.contains(parts[i])) return;
  valuesAt(node[parts[i]], parts, i + 1, out);
}

std::vector<Json> values(const Json& payload, const std::string& key) {
  std::vector<std::string> parts;
  std::string part;
  for (size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '.') {
      if (part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0)
        part.resize(part.size() - 2);
      parts.push_back(part);
      part.clear();
    } else {
      part += key[i];
    }
  }
  std::vector<Json> out;
  valuesAt(payload, parts, 0, out);
  return out;
}

bool inList(const Json& v, const Json& list) {
  for (const auto& x : list)
    if (x == v) return true;
  return false;
}

// An RFC 3339 date-time as Qdrant's DateTimePayloadType parses it ("2023-02-08T10:49:00Z",
// "2023-02-08 10:49:00+01:00", fractions of a second, or a date alone) -> microseconds since the
// epoch; nullopt when it is none of those.
std::optional<int64_t> datetimeMicros(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string t = v.get<std::string>();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return std::nullopt;
  size_t at = 10;
  int64_t micros = 0, offset = 0;
  if (at < t.size() && (t[at] == 'T' || t[at] == ' ')) {
    int m = 0;
    if (std::sscanf(t.c_str() + at + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
      return std::nullopt;
    at += 6;
    if (at < t.size() && t[at] == ':') {
      if (std::sscanf(t.c_str() + at + 1, "%2d%n", &sec, &m) != 1 || m != 2) return std::nullopt;
      at += 3;
      if (at < t.size() && t[at] == '.') {
        int64_t scale = 100000;
        for (++at; at < t.size() && std::isdigit(static_cast<unsigned char>(t[at])); ++at) {
          micros += (t[at] - '0') * scale;
          scale /= 10;
        }
      }
    }
    if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) {
      ++at;
    } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
      int oh = 0, om = 0;
      if (std::sscanf(t.c_str() + at + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset = (t[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      at += 6;
    }
  }
  if (at != t.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1000000 + micros;
}

// A range's bounds are numbers (Range) or date-times (DatetimeRange): each value is compared as
// the same kind, and one of the other kind does not match.
bool inRange(const Json& r, const Json& v) {
  bool dates = false;
  for (const char* k : {"gt", "gte", "lt", "lte"})
    dates = dates || (r.contains(k) && r[k].is_string());
  std::optional<double> x;
  if (dates) {
    if (auto m = datetimeMicros(v)) x = static_cast<double>(*m);
  } else if (v.is_number()) {
    x = v.get<double>();
  }
  if (!x) return false;
  auto bound = [&](const char* k) -> std::optional<double> {
    if (!r.contains(k) || r[k].is_null()) return std::nullopt;
    if (dates) {
      auto m = datetimeMicros(r[k]);
      return m ? std::optional<double>(static_cast<double>(*m)) : std::nullopt;
    }
    return r[k].is_number() ? std::optional<double>(r[k].get<double>()) : std::nullopt;
  };
  const auto gt = bound("gt"), gte = bound("gte"), lt = bound("lt"), lte = bound("lte");
  return (!gt || *x > *gt) && (!gte || *x >= *gte) && (!lt || *x < *lt) && (!lte || *x <= *lte);
}

bool fieldCondition(const Json& c, const Json& payload) {
  const std::vector<Json> vs = values(payload, c.value("key", ""));
  if (c.contains("match")) {
    const Json& m = c["match"];
    if (m.contains("value")) {
      for (const auto& v : vs)
        if (v == m["value"]) return true;
      return false;
    }
    if (m.contains("any")) {
      for (const auto& v : vs)
        if (inList(v, m["any"])) return true;
      return false;
    }
    if (m.contains("except")) {  // some value outside the list (a missing field: none)
      for (const auto& v : vs)
        if (!inList(v, m["except"])) return true;
      return false;
    }
    if (m.contains("text")) {
      for (const auto& v : vs)
        if (v.is_string() &&
            v.get<std::string>().find(m["text"].get<std::string>()) != std::string::npos)
          return true;
      return false;
    }
    return false;
  }
  if (c.contains("range")) {
    const Json& r = c["range"];
    for (const auto& v : vs)
      if (inRange(r, v)) return true;
    return false;
  }
  // The field forms of is_empty / is_null ({key, is_empty: true}): as the conditions of their own.
  if (c.contains("is_empty") && c["is_empty"].is_boolean()) {
    bool empty = true;
    for (const auto& v : vs) empty = empty && v.is_null();
    return empty == c["is_empty"].get<bool>();
  }
  if (c.contains("is_null") && c["is_null"].is_boolean()) {
    bool null = false;
    for (const auto& v : vs) null = null || v.is_null();
    return null == c["is_null"].get<bool>();
  }
  if (c.contains("values_count")) {
    const Json& r = c["values_count"];
    double n = static_cast<double>(vs.size());
    return (!r.contains("gt") || n > r["gt"].get<double>()) &&
           (!r.contains("gte") || n >= r["gte"].get<double>()) &&
           (!r.contains("lt") || n < r["lt"].get<double>()) &&
           (!r.contains("lte") || n <= r["lte"].get<double>());
  }
  return false;
}

bool condition(const Json& c, const Json& id, const Json& payload, const Json* vector) {
  if (c.contains("has_id")) return inList(id, c["has_id"]);
  if (c.contains("has_vector") && c["has_vector"].is_string()) {
    // The point carries that vector ("" is the unnamed one): test_filter_has_vector.py.
    const std::string name = c["has_vector"].get<std::string>();
    if (!vector) return false;
    if (vector->is_array()) return name.empty();
    return vector->is_object() && vector->contains(name) && !(*vector)[name].is_null();
  }
  if (c.contains("is_empty") && c["is_empty"].is_object()) {
    // Missing, null, or an empty array (segment: FieldCondition::is_empty).
    std::vector<Json> vs = values(payload, c["is_empty"].value("key", ""));
    for (const auto& v : vs)
      if (!v.is_null()) return false;
    return true;
  }
  if (c.contains("is_null") && c["is_null"].is_object()) {
    // Present and null (a missing key is not null; an empty array is not null either), at the
    // path as any condition reads it ("city" and "city[]" alike).
    for (const auto& v : values(payload, c["is_null"].value("key", "")))
      if (v.is_null()) return true;
    return false;
  }
  if (c.contains("must") || c.contains("should") || c.contains("must_not"))
    return matchesFilter(c, id, payload, vector);
  if (c.contains("key")) return fieldCondition(c, payload);
  return false;
}

// A clause may be one condition or a list of them.
std::vector<Json> clause(const Json& filter, const char* name) {
  if (!filter.contains(name) || filter[name].is_null()) return {};
  if (filter[name].is_array()) return filter[name].get<std::vector<Json>>();
  return {filter[name]};
}

}  // namespace

bool matchesFilter(const Json& filter, const Json& id, const Json& payload, const Json* vector) {
  if (!filter.is_object()) return true;  // null: no filter
  for (const auto& c : clause(filter, "must"))
    if (!condition(c, id, payload, vector)) return false;
  for (const auto& c : clause(filter, "must_not"))
    if (condition(c, id, payload, vector)) return false;
  std::vector<Json> should = clause(filter, "should");
  if (!should.empty()) {
    bool any = false;
    for (const auto& c : should) any = any || condition(c, id, payload, vector);
    if (!any) return false;
  }
  if (filter.contains("min_should") && filter["min_should"].is_object()) {
    size_t need = filter["min_should"].value("min_count", 0u), n = 0;
    for (const auto& c : filter["min_should"].value("conditions", Json::array()))
      n += condition(c, id, payload, vector);
    if (n < need) return false;
  }
  return true;
}

std::optional<std::string> filterProblem(const Json& filter) {
  if (filter.is_null()) return std::nullopt;
  if (!filter.is_object())
    return "Format error in JSON body: invalid type: " + std::string(filter.type_name()) +
           ", expected struct Filter";
  for (const char* name : {"must", "should", "must_not"}) {
    for (const auto& c : clause(filter, name)) {
      if (!c.is_object())
        return "Format error in JSON body: data did not match any variant of untagged enum "
               "Condition";
      if (c.contains("match") && !c["match"].is_object())
        return "Format error in JSON body: data did not match any variant of untagged enum "
               "Condition";
      if (c.contains("match") && c["match"].contains("any") && !c["match"]["any"].is_array())
        return "Format error in JSON body: data did not match any variant of untagged enum "
               "Condition";
      if (c.contains("range") && c["range"].is_object())
        for (const char* k : {"gt", "gte", "lt", "lte"})
          if (c["range"].contains(k) && c["range"][k].is_string() && !datetimeMicros(c["range"][k]))
            return "Format error in JSON body: data did not match any variant of untagged enum "
                   "RangeInterface";
      if (c.contains("must") || c.contains("should") || c.contains("must_not"))
        if (auto p = filterProblem(c)) return p;
    }
  }
  return std::nullopt;
}

bool pointIdLess(const Json& a, const Json& b) {
  if (a.is_number() != b.is_number()) return a.is_number();
  if (a.is_number()) return a.get<uint64_t>() < b.get<uint64_t>();
  return a.get<std::string>() < b.get<std::string>();
}

}  // namespace hxsim
