// The Collection spec as Qdrant's requests and answers carry it: sparse vectors, metadata and
// strict mode on create, in a PATCH (only what changed), and read back from a collection's info.
#include <catch2/catch.hpp>

#include "src/providers/qdrant/qdrant_mapping.h"

using namespace hx;

namespace {

const Json kSpec = Json::parse(R"({
  "server": "vdb",
  "vectors": {"dense": {"size": 4, "distance": "Dot"}},
  "sparseVectors": {"text": {"modifier": "idf", "index": {"onDisk": true, "fullScanThreshold": 500}}},
  "metadata": {"owner": "search", "gone": null, "nested": {"a": [1, true]}},
  "strictMode": {"enabled": true, "maxQueryLimit": 100}
})");

}  // namespace

TEST_CASE("qdrant mapping: a create carries sparse vectors, metadata without nulls, strict mode",
          "[unit][qdrant]") {
  Json body = qdrant::createBody(kSpec);
  CHECK(body["sparse_vectors"] ==
        Json::parse(
            R"({"text":{"modifier":"idf","index":{"on_disk":true,"full_scan_threshold":500}}})"));
  CHECK(body["metadata"] == Json::parse(R"({"owner":"search","nested":{"a":[1,true]}})"));
  CHECK(body["strict_mode_config"] == Json::parse(R"({"enabled":true,"max_query_limit":100})"));
}

TEST_CASE("qdrant mapping: a PATCH sends only the changed metadata keys, null removing one",
          "[unit][qdrant]") {
  Json body = qdrant::patchBody(kSpec, {"metadata.gone", "strictMode.maxQueryLimit"});
  CHECK(body["metadata"] == Json::parse(R"({"gone":null})"));
  CHECK(body["strict_mode_config"]["max_query_limit"] == 100);
  CHECK_FALSE(body.contains("sparse_vectors"));
  Json sparse = qdrant::patchBody(kSpec, {"sparseVectors.text.modifier"});
  CHECK(sparse["sparse_vectors"]["text"]["modifier"] == "idf");
  CHECK_FALSE(sparse.contains("metadata"));
}

TEST_CASE(
    "qdrant mapping: the info's sparse vectors, metadata and strict mode are observed, "
    "absent ones as empty",
    "[unit][qdrant]") {
  Json info = Json::parse(R"({"status":"green","config":{
    "params":{"vectors":{"dense":{"size":4,"distance":"Dot"}},
              "sparse_vectors":{"text":{"modifier":"idf","index":{"on_disk":true,"datatype":null}}}},
    "hnsw_config":{"m":16},"optimizer_config":{},"quantization_config":null,
    "strict_mode_config":{"enabled":true,"max_query_limit":100,"max_timeout":null},
    "metadata":{"owner":"search"}}})");
  auto observed = qdrant::observedFields(info, {}, "vdb");
  REQUIRE(observed);
  CHECK(observed.value()["sparseVectors"] ==
        Json::parse(R"({"text":{"modifier":"idf","index":{"onDisk":true}}})"));
  CHECK(observed.value()["strictMode"] == Json::parse(R"({"enabled":true,"maxQueryLimit":100})"));
  CHECK(observed.value()["metadata"] == Json::parse(R"({"owner":"search"})"));
  Json bare = info;
  bare["config"].erase("metadata");
  bare["config"].erase("strict_mode_config");
  bare["config"]["params"].erase("sparse_vectors");
  auto none = qdrant::observedFields(bare, {}, "vdb");
  REQUIRE(none);
  CHECK(none.value()["sparseVectors"] == Json::object());
  CHECK(none.value()["metadata"] == Json::object());
  CHECK(none.value()["strictMode"] == Json::object());
}
