// hx-sim's Qdrant against Qdrant's documented answers: the cases of
// tests/conformance/qdrant/cases.json, each with the source of its rule, run in order against one
// hx-sim. Their exchanges are logged, so the OpenAPI conformance test checks every answer's shape
// (and that every body the document rejects was refused).
#include <catch2/catch.hpp>
#include <fstream>

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
    ++checked;
  }
  CHECK(checked == static_cast<int>(doc["cases"].size()));
}
