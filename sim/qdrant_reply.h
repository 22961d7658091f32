// Qdrant's envelopes (lib/api/src/rest/models.rs, src/actix/helpers.rs): a success is
// {"result", "status": "ok", "time"}; an error {"status": {"error"}, "time"}, always JSON.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace hxsim::qdrant {

using Json = nlohmann::json;

inline void ok(httplib::Response& res, const Json& result) {
  res.status = 200;
  res.set_content(Json{{"result", result}, {"status", "ok"}, {"time", 0.000021}}.dump(),
                  "application/json");
}

inline void fail(httplib::Response& res, int code, const std::string& message) {
  res.status = code;
  res.set_content(Json{{"status", {{"error", message}}}, {"time", 0.000012}}.dump(),
                  "application/json");
}

inline void text(httplib::Response& res, int code, const std::string& body) {
  res.status = code;
  res.set_content(body, "text/plain; charset=utf-8");
}

// Parses a JSON body as actix does: malformed JSON, or a body that is not an object, is a 400
// "Format error" with time 0.0. An empty body counts as {} only where `emptyIsObject`.
inline bool parseBody(const httplib::Request& req, httplib::Response& res, Json* out,
                      bool emptyIsObject = true) {
  if (req.body.empty() && emptyIsObject) {
    *out = Json::object();
    return true;
  }
  *out = Json::parse(req.body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    res.status = 400;
    std::string why = out->is_discarded() ? "expected value at line 1 column 1"
                                          : "invalid type: expected a map at line 1 column 1";
    res.set_content(
        Json{{"status", {{"error", "Format error in JSON body: " + why}}}, {"time", 0.0}}.dump(),
        "application/json");
    return false;
  }
  // serde's alias: `with_vectors` is read as `with_vector` (tests/openapi/
  // test_basic_retrieve_api.py test_with_vectors_alias_of_with_vector).
  if (out->contains("with_vectors") && !out->contains("with_vector")) {
    (*out)["with_vector"] = (*out)["with_vectors"];
    out->erase("with_vectors");
  }
  return true;
}

// An UpdateResult: "completed" when the caller waited (?wait=true), else "acknowledged".
inline Json updateResult(uint64_t id, const httplib::Request& req) {
  bool wait = req.has_param("wait") && req.get_param_value("wait") == "true";
  return {{"operation_id", id}, {"status", wait ? "completed" : "acknowledged"}};
}

inline std::string pathName(const httplib::Request& req) { return req.matches[1].str(); }
inline std::string pathSecond(const httplib::Request& req) { return req.matches[2].str(); }

}  // namespace hxsim::qdrant
