#include <catch2/catch.hpp>

#include "fakes/estate_fixture.h"
#include "fakes/memory_spec_source.h"
#include "reconciler/loader.h"
#include "reconciler/spec_parser.h"

using namespace hx;

TEST_CASE("every kind parses from one multi-document file", "[specs]") {
  ParsedSpecs parsed = parseSpecs(fake::kSmallEstate, "estate.yaml");
  REQUIRE(parsed.diagnostics.empty());
  std::map<std::string, int> counts;
  for (const auto& r : parsed.resources) ++counts[r.id.kind];
  CHECK(counts == std::map<std::string, int>{{"ApiKey", 1},
                                             {"Collection", 2},
                                             {"FirewallRule", 1},
                                             {"Host", 2},
                                             {"Model", 2},
                                             {"Role", 1},
                                             {"Task", 1}});
}

TEST_CASE("parsed resources keep typed values, field locations and references", "[specs]") {
  ParsedSpecs parsed = parseSpecs(fake::kSmallEstate, "estate.yaml");
  REQUIRE(parsed.diagnostics.empty());
  const Resource& docs = parsed.resources[4];
  REQUIRE(docs.id.str() == "Collection/docs");
  CHECK(docs.spec["vectors"]["size"] == 4);
  CHECK(docs.spec["hnsw"]["m"].is_number_integer());
  SourceLoc size = docs.locate("spec.vectors.size");
  CHECK(size.line == 32);
  CHECK(size.column == 19);
  REQUIRE(docs.references.size() == 2);
  CHECK(docs.references[0].target.str() == "Host/qdrant");
  CHECK(docs.references[1].target.str() == "Model/embed");
}

TEST_CASE("loading sorts nothing itself but skips repeated files and digests content", "[specs]") {
  fake::MemorySpecSource a, b;
  a.add("s/estate.yaml", fake::kSmallEstate);
  b.add("s/estate.yaml", std::string(fake::kSmallEstate) + "\n# edited\n");
  LoadResult first = loadSpecs(a, {"s", "s/estate.yaml"});
  LoadResult second = loadSpecs(b, {"s"});
  REQUIRE(first.ok());
  CHECK(first.files.size() == 1);
  CHECK(first.desired.resources.size() == 11);  // ten declared, and the derived Firewall/qdrant
  const Resource* fw = first.desired.find({"Firewall", "qdrant"});
  REQUIRE(fw != nullptr);
  CHECK(fw->spec["enabled"] == false);
  CHECK(fw->references.size() == 2);  // its host, and its one rule, which must go in first
  CHECK(first.digest != second.digest);
}

TEST_CASE("all errors of a run are reported, not just the first", "[specs]") {
  fake::MemorySpecSource src;
  src.add("a.yaml",
          "apiVersion: hx/v1\nkind: Model\nmetadata: {name: m}\nspec: {host: h, model: x, "
          "capability: chat}\n");
  src.add("b.yaml",
          "apiVersion: hx/v2\nkind: Host\nmetadata: {name: h}\n"
          "spec: {address: 127.0.0.1, api: {type: ollama, url: \"http://127.0.0.1:1\"}}\n");
  LoadResult r = loadSpecs(src, {"a.yaml", "b.yaml"});
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(formatDiagnostic(r.diagnostics[0]) ==
        "a.yaml:4:39: Model/m spec.capability: \"chat\" is not one of: generate, embed");
  CHECK(formatDiagnostic(r.diagnostics[1]) ==
        "b.yaml:1:13: apiVersion: unsupported apiVersion \"hx/v2\" (expected hx/v1)");
}
