// hx-sim's Qdrant against Qdrant's documented answers: the cases of
// tests/conformance/qdrant/cases.json, each with the source of its rule, run in order against one
// hx-sim. Their exchanges are logged, so the OpenAPI conformance test checks every answer's shape
// (and that every body the document rejects was refused).
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "sim_process.h"

using hx::CurlTransport;
using hx::HttpRequest;
using hx::test::SimProcess;
using Json = nlohmann::json;

namespace {

// `want` is a subset of `got`: objects key by key, arrays element by element (same length).
bool subset(const Json& want, const Json& got, const std::string& at, std::string* why) {
  if (want.is_object()) {
    if (!got.is_object()) return *why = at + ": expected an object, got " + got.dump(), false;
    for (const auto& [k, v] : want.items()) {
      if (!got.contains(k)) return *why = at + "/" + k + ": missing", false;
      if (!subset(v, got[k], at + "/" + k, why)) return false;
    }
    return true;
  }
  if (want.is_array()) {
    if (!got.is_array() || got.size() != want.size())
      return *why = at + ": expected " + want.dump() + ", got " + got.dump(), false;
    for (size_t i = 0; i < want.size(); ++i)
      if (!subset(want[i], got[i], at + "/" + std::to_string(i), why)) return false;
    return true;
  }
  bool same =
      want.is_number() && got.is_number() ? want.get<double>() == got.get<double>() : want == got;
  if (!same) *why = at + ": expected " + want.dump() + ", got " + got.dump();
  return same;
}

}  // namespace

TEST_CASE("hx-sim's qdrant answers each documented case as Qdrant does", "[qdrant][conformance]") {
  std::ifstream in(std::string(HX_SOURCE_DIR) + "/tests/conformance/qdrant/cases.json");
  REQUIRE(in.good());
  const Json doc = Json::parse(in);
  REQUIRE(doc["cases"].size() >= 50);
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("conformance-cases"));
  CurlTransport http(true);
  int checked = 0;
  for (const Json& c : doc["cases"]) {
    const std::string name = c["name"];
    INFO("case: " << name << "\nsource: " << c.value("source", ""));
    HttpRequest req;
    req.method = c["request"][0];
    req.url = sim.url(0) + c["request"][1].get<std::string>();
    if (c["request"].size() > 2) {
      req.body = c["request"][2].dump();
      req.headers.emplace_back("Content-Type", "application/json");
    }
    auto r = http.send(req);
    REQUIRE(r);
    const auto& res = r.value();
    INFO(req.method << " " << req.url << " -> " << res.status << " " << res.body);
    CHECK(res.status == c["status"].get<int>());
    const bool text = c.contains("text_contains");
    if (text) {
      for (const auto& s : c["text_contains"])
        CHECK(res.body.find(s.get<std::string>()) != std::string::npos);
      ++checked;
      continue;
    }
    const Json body = Json::parse(res.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());  // every Qdrant answer here is JSON, errors included
    const std::string error = body.contains("status") && body["status"].is_object()
                                  ? body["status"].value("error", "")
                                  : "";
    if (c.contains("error")) CHECK(error == c["error"].get<std::string>());
    if (c.contains("error_starts"))
      CHECK(error.rfind(c["error_starts"].get<std::string>(), 0) == 0);
    for (const auto& s : c.value("error_contains", Json::array()))
      CHECK(error.find(s.get<std::string>()) != std::string::npos);
    if (c.contains("result")) {
      std::string why;
      CHECK(subset(c["result"], body.value("result", Json()), "result", &why));
      INFO(why);
      CHECK(why.empty());
    }
    for (const auto& pointer : c.value("absent", Json::array()))
      CHECK_FALSE(body["result"].contains(Json::json_pointer(pointer.get<std::string>())));
    // `keys`: the object at each pointer has exactly these keys, no more, no fewer.
    const Json keys = c.value("keys", Json::object());
    for (const auto& [pointer, want] : keys.items()) {
      INFO("keys at " << pointer);
      const Json::json_pointer at(pointer);
      REQUIRE(body["result"].contains(at));
      const Json& object = body["result"][at];
      REQUIRE(object.is_object());
      std::set<std::string> got, expected;
      for (const auto& [k, v] : object.items()) got.insert(k);
      for (const auto& k : want) expected.insert(k.get<std::string>());
      CHECK(got == expected);
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(doc["cases"].size()));
}

TEST_CASE("hx-sim's qdrant indexes vectors once they pass the optimizer's indexing threshold",
          "[qdrant][conformance]") {
  // OptimizersConfigDiff.indexing_threshold (OpenAPI): kilobytes of vectors above which a
  // segment is indexed; 0 disables indexing. One 256-dim float32 vector is exactly 1 KB.
  SimProcess sim({{"--qdrant", "{PORT}"}}, hx::test::freshExchangeLog("conformance-indexing"));
  CurlTransport http(true);
  auto send = [&](const std::string& method, const std::string& path, const Json& body) {
    HttpRequest req;
    req.method = method;
    req.url = sim.url(0) + path;
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.emplace_back("Content-Type", "application/json");
    }
    auto r = http.send(req);
    REQUIRE(r);
    INFO(method << " " << path << " -> " << r.value().body);
    REQUIRE(r.value().status == 200);
    return Json::parse(r.value().body)["result"];
  };
  for (const char* name : {"small", "off"}) {
    const int threshold = std::string(name) == "small" ? 2 : 0;
    send("PUT", std::string("/collections/") + name,
         {{"vectors", {{"size", 256}, {"distance", "Dot"}}},
          {"optimizers_config", {{"indexing_threshold", threshold}}}});
  }
  const Json vector = std::vector<double>(256, 0.5);
  auto upsert = [&](const std::string& collection, int id) {
    send("PUT", "/collections/" + collection + "/points?wait=true",
         {{"points", {{{"id", id}, {"vector", vector}}}}});
  };
  upsert("small", 1);
  CHECK(send("GET", "/collections/small", nullptr)["indexed_vectors_count"] == 0);  // 1 KB < 2
  upsert("small", 2);
  CHECK(send("GET", "/collections/small", nullptr)["indexed_vectors_count"] == 2);  // 2 KB
  upsert("off", 1);
  upsert("off", 2);
  CHECK(send("GET", "/collections/off", nullptr)["indexed_vectors_count"] == 0);  // disabled
}
