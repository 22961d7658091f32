#include "hostile.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "codec.h"

namespace hxsim {

namespace {

using Json = nlohmann::json;

// Rewrites every leaf (string, number, boolean, null) of `j` with `leaf`.
Json mapLeaves(const Json& j, const std::function<Json(const Json&)>& leaf) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[k] = mapLeaves(v, leaf);
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& v : j) out.push_back(mapLeaves(v, leaf));
    return out;
  }
  return leaf(j);
}

// Rewrites every container of `j`, children first.
Json mapContainers(const Json& j, const std::function<Json(const Json&)>& container) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[k] = mapContainers(v, container);
    return container(out);
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& v : j) out.push_back(mapContainers(v, container));
    return container(out);
  }
  return j;
}

const std::string kHtml =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad "
    "Gateway</h1><p>nginx</p></body></html>\n";

const std::string kEscapes =
    "\x1b]0;owned\x07\x1b[2J\x1b[1A\rOK \xc2\x9b"
    "31m";

using Transform = std::function<HostileAnswer(HostileAnswer, const Json&)>;

HostileAnswer withBody(HostileAnswer a, std::string body) {
  a.body = std::move(body);
  return a;
}

HostileAnswer withJson(HostileAnswer a, const Json& j) { return withBody(std::move(a), j.dump()); }

const std::vector<std::pair<std::string, Transform>>& table() {
  static const std::vector<std::pair<std::string, Transform>> kTable = {
      {"null-body", [](HostileAnswer a, const Json&) { return withBody(a, "null"); }},
      {"empty-body", [](HostileAnswer a, const Json&) { return withBody(a, ""); }},
      {"empty-object", [](HostileAnswer a, const Json&) { return withBody(a, "{}"); }},
      {"array-root", [](HostileAnswer a, const Json&) { return withBody(a, "[]"); }},
      {"string-root", [](HostileAnswer a, const Json&) { return withBody(a, "\"ok\""); }},
      {"number-root", [](HostileAnswer a, const Json&) { return withBody(a, "42"); }},
      {"html-200",
       [](HostileAnswer a, const Json&) {
         a.contentType = "text/html";
         return withBody(a, kHtml);
       }},
      {"html-502",
       [](HostileAnswer a, const Json&) {
         a.status = 502;
         a.contentType = "text/html";
         return withBody(a, kHtml);
       }},
      {"truncated",
       [](HostileAnswer a, const Json&) {
         return withBody(a, a.body.substr(0, std::max<size_t>(1, a.body.size() / 2)));
       }},
      {"all-null",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json&) { return Json(); }));
       }},
      {"all-strings",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json& v) {
                           return Json(v.is_string() ? v.get<std::string>() : v.dump());
                         }));
       }},
      {"all-numbers",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json&) { return Json(7); }));
       }},
      {"all-booleans",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json&) { return Json(true); }));
       }},
      {"negative-numbers",
       [](HostileAnswer a, const Json& j) {
         return withJson(a,
                         mapLeaves(j, [](const Json& v) { return v.is_number() ? Json(-1) : v; }));
       }},
      {"huge-numbers",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json& v) {
                           if (v.is_number_float()) return Json(1.7e308);
                           if (v.is_number()) return Json(uint64_t{18446744073709551615ULL});
                           return v;
                         }));
       }},
      {"objects-as-arrays",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapContainers(j, [](const Json& c) {
                           if (!c.is_object()) return c;
                           Json out = Json::array();
                           for (const auto& v : c) out.push_back(v);
                           return out;
                         }));
       }},
      {"arrays-as-objects",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapContainers(j, [](const Json& c) {
                           if (!c.is_array()) return c;
                           Json out = Json::object();
                           for (size_t i = 0; i < c.size(); ++i) out[std::to_string(i)] = c[i];
                           return out;
                         }));
       }},
      {"null-elements",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapContainers(j, [](const Json& c) {
                           if (!c.is_array()) return c;
                           return Json(std::vector<Json>(c.size() + 1, Json()));
                         }));
       }},
      {"huge-strings",
       [](HostileAnswer a, const Json& j) {
         return withJson(a, mapLeaves(j, [](const Json& v) {
                           return v.is_string() ? Json(std::string(1 << 20, 'x')) : v;
                         }));
       }},
      {"oversized",
       [](HostileAnswer a, const Json& j) {
         Json padded = j.is_object() ? j : Json{{"value", j}};
         padded["padding"] = std::string(10 << 20, ' ');
         return withJson(a, padded);
       }},
      {"deep-nesting",
       [](HostileAnswer a, const Json&) {
         return withBody(a, std::string(100000, '[') + std::string(100000, ']'));
       }},
      {"bad-utf8",
       [](HostileAnswer a, const Json& j) {
         std::string marked =
             mapLeaves(j, [](const Json& v) { return v.is_string() ? Json("@@BAD@@") : v; }).dump();
         std::string out;
         for (size_t at = 0;;) {
           size_t next = marked.find("@@BAD@@", at);
           out += marked.substr(at, next - at);
           if (next == std::string::npos) break;
           out += "\xff\xfe\xc3\x28";
           at = next + 7;
         }
         return withBody(a, out);
       }},
      {"gzip-unasked",
       [](HostileAnswer a, const Json&) {
         a.contentEncoding = "gzip";
         return withBody(a, gzipBody(a.body));
       }},
      {"error-200",
       [](HostileAnswer a, const Json&) {
         return withJson(a, Json{{"error", "hostile: an error with status 200"},
                                 {"status", {{"error", "hostile"}}}});
       }},
      {"status-418",
       [](HostileAnswer a, const Json&) {
         a.status = 418;
         a.contentType = "text/plain";
         return withBody(a, "I'm a teapot");
       }},
      // What a compromised server or proxy would print on an operator's terminal: a window title
      // (OSC), a screen clear, a cursor move back over the previous line, a carriage return, and
      // the 8-bit CSI (U+009B) some terminals still obey.
      {"terminal-escapes",
       [](HostileAnswer a, const Json& j) {
         // A pull stream that still succeeds, its progress status full of escapes.
         if (a.contentType == "application/x-ndjson")
           return withBody(a, Json{{"status", "pulling manifest" + kEscapes}}.dump() + "\n" +
                                  Json{{"status", "success"}}.dump() + "\n");
         return withJson(a, mapLeaves(j, [](const Json& v) {
                           return v.is_string() ? Json(kEscapes + v.get<std::string>() + kEscapes)
                                                : v;
                         }));
       }},
      {"escapes-error",
       [](HostileAnswer a, const Json&) {
         a.status = 400;
         a.contentType = "text/plain";
         return withBody(a, "bad request" + kEscapes + "forged: all good\n");
       }},
      {"ndjson-garbage",
       [](HostileAnswer a, const Json&) {
         a.contentType = "application/x-ndjson";
         return withBody(a, "{\"status\":\"pulling manifest\"}\nnot json at all\n{\"status\":");
       }},
  };
  return kTable;
}

}  // namespace

const std::vector<std::string>& hostileKinds() {
  static const std::vector<std::string> kKinds = [] {
    std::vector<std::string> out;
    for (const auto& [name, f] : table()) out.push_back(name);
    return out;
  }();
  return kKinds;
}

bool isHostileKind(const std::string& kind) {
  const auto& k = hostileKinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

HostileAnswer hostileAnswer(const std::string& kind, int status, const std::string& contentType,
                            const std::string& body) {
  HostileAnswer a{status, contentType.empty() ? "application/json" : contentType, "", body};
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) parsed = Json::object();
  for (const auto& [name, f] : table())
    if (name == kind) return f(a, parsed);
  return a;
}

}  // namespace hxsim
