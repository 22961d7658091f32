// hxctl against hx-sim's Qdrant, end to end: the real binary, the real HTTP client, the
// simulator in its own process. Every exchange is logged to exchanges/ and checked against
// Qdrant's OpenAPI document by the conformance test (tests/conformance/).
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <regex>
#include <thread>

#include "cli_harness.h"
#include "sim_process.h"
#include "src/platform/real_clock.h"
#include "src/providers/qdrant/qdrant_api.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::Run;
using hx::test::SimProcess;

namespace {

const std::string kNames[] = {"mixtral",   "hermes", "openchat", "phi3",   "yi34b",
                              "deepcoder", "imp",    "deepseek", "general"};

std::string exchangeLog(const std::string& test) { return hx::test::freshExchangeLog(test); }

std::string hostSpec(const std::string& name, int port, bool auth = true) {
  return "apiVersion: hx/v1\nkind: Host\nmetadata: {name: " + name +
         "}\nspec:\n  address: 127.0.0.1\n"
         "  api: {type: qdrant, url: \"http://127.0.0.1:" +
         std::to_string(port) + "\"" + (auth ? ", auth: {env: HX_E2E_QDRANT_KEY}" : "") +
         "}\n  health: {timeout: 2s}\n";
}

std::string collectionSpec(const std::string& name, const std::string& server, int size = 8,
                           const std::string& distance = "Cosine", int m = 16) {
  return "apiVersion: hx/v1\nkind: Collection\nmetadata: {name: " + name +
         "}\nspec:\n  server: " + server + "\n  vectors: {size: " + std::to_string(size) +
         ", distance: " + distance + "}\n  hnsw: {m: " + std::to_string(m) +
         "}\n  payloadIndexes: [{field: source, type: keyword}]\n  aliases: [" + name +
         "-current]\n";
}

std::string seedCollections(const std::string& server) {
  std::string out;
  for (const auto& n : kNames) out += "---\n" + collectionSpec(n, server);
  return out;
}

const std::string kKey = "HX_E2E_QDRANT_KEY=e2e-admin-key-41";

struct Qdrant {
  CurlTransport http{true};
  RealClock clock;
  QdrantApi api;
  Qdrant(const std::string& url, const std::string& key) : api(http, clock, url, key) {}
};

}  // namespace

TEST_CASE(
    "qdrant: apply creates every collection with its settings, indexes and aliases, "
    "a second apply changes nothing",
    "[qdrant][e2e]") {
  const std::string log = exchangeLog("create");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, log);
  CliHarness h("q-create", HX_BIN);
  h.writeSpec("estate.yaml", hostSpec("vector-db", sim.port(0)) + seedCollections("vector-db"));
  Run first = h.run("apply --auto-approve -f specs", kKey);
  INFO(first.out << first.err);
  REQUIRE(first.code == 0);
  CHECK(first.out.find("Plan: 9 to add, 0 to change, 0 to replace, 0 to destroy, 0 deferred.") !=
        std::string::npos);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  auto names = q.api.listCollections();
  REQUIRE(names);
  CHECK(names.value().size() == 9);
  auto info = q.api.collectionInfo("phi3");
  REQUIRE(info);
  CHECK(info.value()["config"]["params"]["vectors"]["size"] == 8);
  CHECK(info.value()["config"]["hnsw_config"]["m"] == 16);
  CHECK(info.value()["payload_schema"]["source"]["data_type"] == "keyword");
  auto aliases = q.api.aliases();
  REQUIRE(aliases);
  CHECK(aliases.value().size() == 9);
  // Each create reads its own collection's aliases, never the server's whole list: that list,
  // fetched per create, made a 5 000-collection apply quadratic (issue 18). GET /aliases: once
  // as the apply observes, once as it reads back, once by this test above.
  const int wholeList = hx::test::countExchanges(
      log, [](const Json& e) { return e["method"] == "GET" && e["path"] == "/aliases"; });
  CHECK(wholeList == 3);
  CHECK(hx::test::countExchanges(log, [](const Json& e) {
          const std::string path = e.value("path", "");
          return e["method"] == "GET" && path.size() > 8 &&
                 path.compare(path.size() - 8, 8, "/aliases") == 0 && path != "/aliases";
        }) == 0);  // a create that succeeded knows its collection has no alias yet
  Run again = h.run("plan -f specs --detailed-exitcode", kKey);
  CHECK(again.code == 0);
  CHECK(again.out.find("No changes.") != std::string::npos);
  Run second = h.run("apply --auto-approve -f specs", kKey);
  CHECK(second.code == 0);
  CHECK(second.out.find("Nothing to apply.") != std::string::npos);
}

TEST_CASE(
    "qdrant: an apply keeps its connections alive (no more than its parallelism) and reads "
    "nothing back from a create it just made",
    "[qdrant][e2e]") {
  const std::string log = exchangeLog("pooled");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, log);
  CliHarness h("q-pooled", HX_BIN);
  std::string specs = hostSpec("vector-db", sim.port(0));
  const int n = 60;
  for (int i = 0; i < n; ++i)
    specs += "---\n" + collectionSpec("c" + std::to_string(i), "vector-db");
  h.writeSpec("estate.yaml", specs);
  Run apply = h.run("apply --auto-approve --parallelism 8 -f specs", kKey);
  INFO(apply.out << apply.err);
  REQUIRE(apply.code == 0);
  const Json counted = sim.connections(0);
  INFO(counted.dump());
  REQUIRE(counted.contains("connections"));
  // Every create is several requests (create, index, aliases); a connection per request made a
  // 5 000-collection apply open ~45 000 connections, more than the ephemeral port range. Kept
  // alive, an apply opens one per worker, plus the probe and the observation before it.
  CHECK(counted["requests"].get<int>() >= 3 * n);
  CHECK(counted["connections"].get<int>() <= 8 + 4);
  // A create that succeeded made exactly what it asked for: nothing of it is read back. Each
  // collection is read once, by the observation the apply makes when it is done.
  CHECK(hx::test::countExchanges(log, [](const Json& e) {
          const std::string path = e.value("path", "");
          return e["method"] == "GET" && path.rfind("/collections/c", 0) == 0 &&
                 path.find('/', 1 + std::string("/collections").size()) == std::string::npos;
        }) == n);
  CHECK(hx::test::countExchanges(log, [](const Json& e) {
          const std::string path = e.value("path", "");
          return e["method"] == "GET" && path.rfind("/collections/c", 0) == 0 &&
                 path.find("/aliases") != std::string::npos;
        }) == 0);
}

TEST_CASE(
    "qdrant: aliases moved between collections in one parallel apply all end where the specs say",
    "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, "");
  CliHarness h("q-alias-move", HX_BIN);
  // Each pair: first "old-i" holds alias "move-i"; then the alias moves to "new-i". The two
  // collections' alias syncs run at once; read-modify-write on Qdrant's one alias table, the
  // old one's delete of "move-i" must not undo the new one's re-pointing of it.
  const int pairs = 24;
  auto estate = [&](bool moved) {
    std::string out = hostSpec("vector-db", sim.port(0));
    for (int i = 0; i < pairs; ++i) {
      const std::string n = std::to_string(i);
      for (const std::string side : {"old", "new"}) {
        const bool holds = (side == "new") == moved;
        out += "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: " + side + "-" + n +
               "}\nspec:\n  server: vector-db\n  vectors: {size: 4, distance: Cosine}\n"
               "  aliases: [" +
               (holds ? "move-" + n : std::string()) + "]\n";
      }
    }
    return out;
  };
  h.writeSpec("estate.yaml", estate(false));
  REQUIRE(h.run("apply --auto-approve --parallelism 16 -f specs", kKey).code == 0);
  h.writeSpec("estate.yaml", estate(true));
  Run moved = h.run("apply --auto-approve --parallelism 16 -f specs", kKey);
  INFO(moved.out << moved.err);
  REQUIRE(moved.code == 0);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  auto aliases = q.api.aliases();
  REQUIRE(aliases);
  std::map<std::string, std::string> byAlias(aliases.value().begin(), aliases.value().end());
  CHECK(byAlias.size() == static_cast<size_t>(pairs));
  for (int i = 0; i < pairs; ++i)
    CHECK(byAlias["move-" + std::to_string(i)] == "new-" + std::to_string(i));
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);
}

TEST_CASE("qdrant: drift made out of band is shown old -> new and apply restores it",
          "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, exchangeLog("drift"));
  CliHarness h("q-drift", HX_BIN);
  h.writeSpec("estate.yaml", hostSpec("vector-db", sim.port(0)) + seedCollections("vector-db"));
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  REQUIRE(q.api.updateCollection("hermes", Json{{"hnsw_config", {{"m", 32}}}}));
  REQUIRE(q.api.updateAliases(
      Json::array({{{"delete_alias", {{"alias_name", "mixtral-current"}}}},
                   {{"create_alias", {{"collection_name", "phi3"}, {"alias_name", "stray"}}}}})));
  Run plan = h.run("plan -f specs --detailed-exitcode", kKey);
  INFO(plan.out);
  CHECK(plan.code == 2);
  CHECK(plan.out.find("~ Collection/hermes") != std::string::npos);
  CHECK(plan.out.find("hnsw.m: 32 -> 16") != std::string::npos);
  CHECK(plan.out.find("~ Collection/mixtral") != std::string::npos);
  CHECK(plan.out.find("aliases: [] -> [\"mixtral-current\"]") != std::string::npos);
  CHECK(plan.out.find("~ Collection/phi3") != std::string::npos);
  CHECK(plan.out.find("aliases: [\"phi3-current\",\"stray\"] -> [\"phi3-current\"]") !=
        std::string::npos);
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  CHECK(q.api.collectionInfo("hermes").value()["config"]["hnsw_config"]["m"] == 16);
  auto aliases = q.api.aliases().value();
  std::map<std::string, std::string> byAlias(aliases.begin(), aliases.end());
  CHECK(byAlias["mixtral-current"] == "mixtral");
  CHECK(byAlias.count("stray") == 0);
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);
}

TEST_CASE("qdrant: a vector size or distance change needs --allow-replace, then replaces",
          "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, exchangeLog("replace"));
  CliHarness h("q-replace", HX_BIN);
  std::string host = hostSpec("vector-db", sim.port(0));
  h.writeSpec("estate.yaml", host + "---\n" + collectionSpec("phi3", "vector-db") + "---\n" +
                                 collectionSpec("yi34b", "vector-db"));
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  h.writeSpec("estate.yaml", host + "---\n" + collectionSpec("phi3", "vector-db", 16) + "---\n" +
                                 collectionSpec("yi34b", "vector-db", 8, "Dot"));
  Run plan = h.run("plan -f specs", kKey);
  CHECK(plan.out.find("! Collection/phi3") != std::string::npos);
  CHECK(plan.out.find("changing vectors.size needs the Collection to be deleted and re-created, "
                      "which destroys its data; re-run with --allow-replace to do it") !=
        std::string::npos);
  CHECK(plan.out.find("changing vectors.distance needs") != std::string::npos);
  Run refused = h.run("apply --auto-approve -f specs", kKey);
  CHECK(refused.code == 5);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  CHECK(q.api.collectionInfo("phi3").value()["config"]["params"]["vectors"]["size"] == 8);
  Run replaced = h.run("apply --auto-approve -f specs --allow-replace", kKey);
  INFO(replaced.out << replaced.err);
  CHECK(replaced.code == 0);
  CHECK(replaced.out.find("-/+ Collection/phi3") != std::string::npos);
  CHECK(replaced.out.find("vectors.size: 8 -> 16  (forces replacement)") != std::string::npos);
  CHECK(q.api.collectionInfo("phi3").value()["config"]["params"]["vectors"]["size"] == 16);
  CHECK(q.api.collectionInfo("yi34b").value()["config"]["params"]["vectors"]["distance"] == "Dot");
  CHECK(q.api.aliases().value().size() == 2);  // aliases were re-created with the collections
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);
}

TEST_CASE("qdrant: prune deletes only what hxctl created, and a collection made by hand survives",
          "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, exchangeLog("prune"));
  CliHarness h("q-prune", HX_BIN);
  std::string host = hostSpec("vector-db", sim.port(0));
  h.writeSpec("estate.yaml", host + "---\n" + collectionSpec("phi3", "vector-db") + "---\n" +
                                 collectionSpec("yi34b", "vector-db"));
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  REQUIRE(q.api.createCollection("by-hand", Json{{"vectors", {{"size", 3}, {"distance", "Dot"}}}}));
  h.writeSpec("estate.yaml", host + "---\n" + collectionSpec("phi3", "vector-db"));
  for (int i = 0; i < 2; ++i) {
    Run pruned = h.run("apply --auto-approve -f specs --prune", kKey);
    INFO(pruned.out << pruned.err);
    CHECK(pruned.code == 0);
  }
  auto names = q.api.listCollections().value();
  CHECK(names == std::vector<std::string>{"by-hand", "phi3"});
}

TEST_CASE("qdrant: with a read-only key the plan works and apply fails with a clear 403",
          "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41", "--read-only-key",
                   "e2e-reader-key-77"}},
                 exchangeLog("readonly"));
  CliHarness h("q-readonly", HX_BIN);
  h.writeSpec("estate.yaml",
              hostSpec("vector-db", sim.port(0)) + "---\n" + collectionSpec("phi3", "vector-db"));
  const std::string reader = "HX_E2E_QDRANT_KEY=e2e-reader-key-77";
  Run plan = h.run("plan -f specs", reader);
  CHECK(plan.code == 0);
  CHECK(plan.out.find("+ Collection/phi3") != std::string::npos);
  Run apply = h.run("apply --auto-approve -f specs", reader);
  INFO(apply.out << apply.err);
  CHECK(apply.code == 5);
  CHECK(apply.out.find("PUT /collections/phi3: HTTP 403: Forbidden: Global manage access is "
                       "required (the key is valid but lacks the rights for this change; a "
                       "read-only key can plan but not apply)") != std::string::npos);
  CHECK(apply.out.find("after 2 attempts") == std::string::npos);  // 403 is not retried
  Json run = Json::parse(h.run("history 1 -o json").out);
  for (const auto& a : run["actions"]) CHECK(a["status"] != "succeeded");
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  CHECK(q.api.listCollections().value().empty());
  CHECK(apply.out.find("e2e-reader-key-77") == std::string::npos);
  Run wrong = h.run("plan -f specs", "HX_E2E_QDRANT_KEY=not-the-key");
  CHECK(wrong.out.find("cannot observe Collection on host vector-db: GET /collections: HTTP 401: "
                       "Invalid API key or JWT (the host's api.auth key is missing or not "
                       "accepted)") != std::string::npos);
  CHECK(wrong.out.find("not-the-key") == std::string::npos);
}

TEST_CASE("qdrant: injected 500s and dropped connections are retried until success",
          "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41", "--error-rate", "0.15",
                   "--drop-rate", "0.1"}},
                 exchangeLog("flaky"));
  CliHarness h("q-flaky", HX_BIN);
  h.writeSpec("estate.yaml", hostSpec("vector-db", sim.port(0)) + seedCollections("vector-db"));
  Run r = h.run("apply --auto-approve -f specs --parallelism 3", kKey);
  INFO(r.out << r.err);
  // Observation may itself fail; the next run picks up where this one stopped.
  for (int i = 0; i < 5 && r.code != 0; ++i)
    r = h.run("apply --auto-approve -f specs --parallelism 3", kKey);
  CHECK(r.code == 0);
  sim.admin(0, "faults", R"({"error_rate": 0, "drop_rate": 0})");
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);
  std::string log = test::slurp(std::string(HX_EXCHANGE_DIR) + "/flaky.jsonl");
  CHECK(log.find("\"injected\":\"error\"") != std::string::npos);
  CHECK(log.find("\"injected\":\"drop\"") != std::string::npos);
}

TEST_CASE(
    "qdrant: a server that fails every call is reported per action, another server is "
    "still applied, and a server that is down defers its work",
    "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"},
                  {"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"},
                  {"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41", "--down-for", "600"}},
                 exchangeLog("outage"));
  CliHarness h("q-outage", HX_BIN);
  h.writeSpec("estate.yaml",
              hostSpec("broken", sim.port(0)) + "---\n" + hostSpec("fine", sim.port(1)) + "---\n" +
                  hostSpec("offline", sim.port(2)) + "---\n" + collectionSpec("a1", "broken") +
                  "---\n" + collectionSpec("a2", "broken") + "---\n" +
                  collectionSpec("b1", "fine") + "---\n" + collectionSpec("c1", "offline"));
  REQUIRE(h.run("plan -f specs", kKey).code == 0);  // observation of "broken" works: no faults yet
  sim.admin(0, "faults", R"({"error_rate": 1.0})");
  Run r = h.run("apply --auto-approve -f specs", kKey);
  INFO(r.out << r.err);
  CHECK(r.code == 5);
  CHECK(r.out.find("cannot observe Collection on host broken: GET /collections: HTTP 500: Service "
                   "internal error: injected failure (hx-sim)") != std::string::npos);
  CHECK(r.out.find("deferred: host offline is pending_installation (never seen healthy)") !=
        std::string::npos);
  Qdrant fine(sim.url(1), "e2e-admin-key-41");
  CHECK(fine.api.listCollections().value() == std::vector<std::string>{"b1"});
  // Faults that start after observation: the creates themselves fail, each reported.
  sim.admin(0, "faults", R"({"error_rate": 0})");
  REQUIRE(h.run("plan -f specs", kKey).code == 0);
  sim.admin(0, "faults", R"({"latency_ms": 0, "drop_rate": 1.0})");
  // Observation goes through the same faults, so it fails too: every action of that server is
  // reported, none is attempted blind.
  Run again = h.run("apply --auto-approve -f specs -o json", kKey);
  Json out = Json::parse(again.out);
  int refused = 0;
  for (const auto& a : out["plan"]["actions"])
    if (a["resource"] == "Collection/a1" || a["resource"] == "Collection/a2")
      refused += a["action"] == "unobservable";
  CHECK(refused == 2);
  CHECK(out["exit_code"] == 5);
}

TEST_CASE("the loopback guard keeps a plan of specs/ from sending a packet to 192.168.10.x",
          "[qdrant][e2e][network]") {
  CliHarness h("guard", HX_BIN);
  Run r = h.run(std::string("plan -f ") + HX_SOURCE_DIR + "/specs -o json");
  REQUIRE(r.code == 0);
  Json plan = Json::parse(r.out);
  REQUIRE(plan["hosts"].size() == 5);
  for (const auto& host : plan["hosts"]) {
    CHECK(host["status"] == "pending_installation");
    CHECK(
        std::regex_search(host["evidence"].get<std::string>(),
                          std::regex("^GET /[a-z]*: refused to connect to 192\\.168\\.10\\.[0-9]+: "
                                     "HXCTL_LOOPBACK_ONLY allows loopback addresses only$")));
  }
}

TEST_CASE(
    "qdrant: named vectors are added and removed in place, quantization can be disabled, "
    "and a hand-made collection is managed only with adopt: true",
    "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, exchangeLog("named"));
  CliHarness h("q-named", HX_BIN);
  std::string host = hostSpec("vector-db", sim.port(0));
  auto docs = [](const std::string& vectors, const std::string& quantization) {
    return "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: docs}\nspec:\n"
           "  server: vector-db\n  vectors:\n" +
           vectors + "  quantization: " + quantization + "\n";
  };
  const std::string text = "    text: {size: 8, distance: Cosine}\n";
  const std::string image = "    image: {size: 4, distance: Dot}\n";
  h.writeSpec("estate.yaml", host + docs(text, "{scalar: {type: int8, quantile: 0.99}}"));
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  CHECK(q.api.collectionInfo("docs").value()["config"]["quantization_config"]["scalar"]["type"] ==
        "int8");

  // Add a named vector and disable quantization: both in place, no --allow-replace.
  h.writeSpec("estate.yaml", host + docs(text + image, "{disabled: true}"));
  Run add = h.run("apply --auto-approve -f specs", kKey);
  INFO(add.out << add.err);
  CHECK(add.code == 0);
  CHECK(add.out.find("~ Collection/docs") != std::string::npos);
  CHECK(add.out.find("vectors.image.size: (none) -> 4") != std::string::npos);
  Json info = q.api.collectionInfo("docs").value();
  CHECK(info["config"]["params"]["vectors"]["image"]["size"] == 4);
  CHECK(info["config"]["quantization_config"].is_null());

  // Remove it again.
  h.writeSpec("estate.yaml", host + docs(text, "{disabled: true}"));
  Run remove = h.run("apply --auto-approve -f specs", kKey);
  CHECK(remove.code == 0);
  CHECK(remove.out.find("vectors.image: {\"distance\":\"Dot\"") != std::string::npos);
  CHECK_FALSE(
      q.api.collectionInfo("docs").value()["config"]["params"]["vectors"].contains("image"));
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);

  // A collection made by hand: refused, then adopted on request, and never pruned.
  REQUIRE(q.api.createCollection("legacy", Json{{"vectors", {{"size", 8}, {"distance", "Cosine"}}},
                                                {"hnsw_config", {{"m", 8}}}}));
  std::string legacy =
      "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: legacy}\nspec:\n"
      "  server: vector-db\n  vectors: {size: 8, distance: Cosine}\n  hnsw: {m: 16}\n";
  h.writeSpec("estate.yaml", host + docs(text, "{disabled: true}") + legacy);
  Run conflict = h.run("apply --auto-approve -f specs", kKey);
  CHECK(conflict.code == 5);
  CHECK(
      conflict.out.find("Collection \"legacy\" already exists on vector-db and was not created by "
                        "hxctl; set spec.adopt: true to manage it") != std::string::npos);
  CHECK(q.api.collectionInfo("legacy").value()["config"]["hnsw_config"]["m"] == 8);
  h.writeSpec("estate.yaml", host + docs(text, "{disabled: true}") + legacy + "  adopt: true\n");
  Run adopted = h.run("apply --auto-approve -f specs", kKey);
  CHECK(adopted.code == 0);
  CHECK(adopted.out.find("(adopting)") != std::string::npos);
  CHECK(q.api.collectionInfo("legacy").value()["config"]["hnsw_config"]["m"] == 16);
  h.writeSpec("estate.yaml", host + docs(text, "{disabled: true}"));
  Run pruned = h.run("apply --auto-approve -f specs --prune", kKey);
  CHECK(pruned.code == 0);
  CHECK(pruned.out.find("it was adopted, not created, by hxctl, so it is left alone") !=
        std::string::npos);
  CHECK(q.api.collectionInfo("legacy"));
}

TEST_CASE(
    "qdrant: sparse vectors, metadata and strict mode are created, their drift is shown field by "
    "field and restored, they change in place, and a dense change replaces with --allow-replace",
    "[qdrant][e2e]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "e2e-admin-key-41"}}, exchangeLog("sparse"));
  CliHarness h("q-sparse", HX_BIN);
  const std::string host = hostSpec("vector-db", sim.port(0));
  auto docs = [](int size, const std::string& sparse, const std::string& metadata,
                 const std::string& strict) {
    return "---\napiVersion: hx/v1\nkind: Collection\nmetadata: {name: docs}\nspec:\n"
           "  server: vector-db\n  vectors:\n    dense: {size: " +
           std::to_string(size) + ", distance: Dot}\n  sparseVectors: " + sparse +
           "\n  metadata: " + metadata + "\n  strictMode: " + strict + "\n";
  };
  const std::string sparse = "{text: {modifier: idf, index: {onDisk: true}}}";
  const std::string metadata = "{owner: search, tier: 1, team: ai}";
  const std::string strict = "{enabled: true, maxQueryLimit: 100}";
  h.writeSpec("estate.yaml", host + docs(4, sparse, metadata, strict));
  Run created = h.run("apply --auto-approve -f specs", kKey);
  INFO(created.out << created.err);
  REQUIRE(created.code == 0);
  Qdrant q(sim.url(0), "e2e-admin-key-41");
  Json config = q.api.collectionInfo("docs").value()["config"];
  CHECK(config["params"]["sparse_vectors"]["text"] ==
        Json::parse(R"({"modifier":"idf","index":{"on_disk":true}})"));
  CHECK(config["metadata"] == Json::parse(R"({"owner":"search","tier":1,"team":"ai"})"));
  CHECK(config["strict_mode_config"] == Json::parse(R"({"enabled":true,"max_query_limit":100})"));
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);

  // Drift made by hand: each field is shown old -> new, and apply restores it.
  REQUIRE(
      q.api.updateCollection("docs", Json::parse(R"({"metadata":{"owner":"someone","extra":"kept"},
                               "strict_mode_config":{"max_query_limit":5},
                               "sparse_vectors":{"text":{"modifier":"none"}}})")));
  Run drift = h.run("plan -f specs", kKey);
  INFO(drift.out);
  CHECK(drift.out.find("~ Collection/docs") != std::string::npos);
  CHECK(drift.out.find("metadata.owner: \"someone\" -> \"search\"") != std::string::npos);
  CHECK(drift.out.find("strictMode.maxQueryLimit: 5 -> 100") != std::string::npos);
  CHECK(drift.out.find("sparseVectors.text.modifier: \"none\" -> \"idf\"") != std::string::npos);
  CHECK(drift.out.find("extra") == std::string::npos);  // a key others set is theirs
  REQUIRE(h.run("apply --auto-approve -f specs", kKey).code == 0);
  config = q.api.collectionInfo("docs").value()["config"];
  CHECK(config["metadata"] ==
        Json::parse(R"({"owner":"search","tier":1,"team":"ai","extra":"kept"})"));
  CHECK(config["strict_mode_config"]["max_query_limit"] == 100);
  CHECK(config["params"]["sparse_vectors"]["text"]["modifier"] == "idf");

  // In place: a metadata key removed (null), one changed, strict mode extended, a sparse
  // vector added.
  h.writeSpec("estate.yaml",
              host + docs(4, "{text: {modifier: idf, index: {onDisk: true}}, title: {}}",
                          "{owner: search, tier: 2, team: null}",
                          "{enabled: true, maxQueryLimit: 100, maxTimeout: 10}"));
  Run update = h.run("apply --auto-approve -f specs", kKey);
  INFO(update.out << update.err);
  CHECK(update.code == 0);
  CHECK(update.out.find("Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy") !=
        std::string::npos);
  CHECK(update.out.find("metadata.team: \"ai\" -> (none)") != std::string::npos);
  config = q.api.collectionInfo("docs").value()["config"];
  CHECK(config["metadata"] == Json::parse(R"({"owner":"search","tier":2,"extra":"kept"})"));
  CHECK(config["strict_mode_config"]["max_timeout"] == 10);
  CHECK(config["params"]["sparse_vectors"].contains("title"));
  CHECK(h.run("plan -f specs", kKey).out.find("No changes.") != std::string::npos);

  // The sparse vector removed again, in place.
  const std::string later = docs(4, sparse, "{owner: search, tier: 2}",
                                 "{enabled: true, maxQueryLimit: 100, maxTimeout: 10}");
  h.writeSpec("estate.yaml", host + later);
  Run removed = h.run("apply --auto-approve -f specs", kKey);
  CHECK(removed.code == 0);
  CHECK(removed.out.find("sparseVectors.title") != std::string::npos);
  CHECK_FALSE(
      q.api.collectionInfo("docs").value()["config"]["params"]["sparse_vectors"].contains("title"));

  // A dense size change cannot be made in place: refused, then replaced on request, and the new
  // collection carries the sparse vectors, metadata and strict mode.
  h.writeSpec("estate.yaml", host + docs(8, sparse, "{owner: search, tier: 2}",
                                         "{enabled: true, maxQueryLimit: 100, maxTimeout: 10}"));
  Run refused = h.run("apply --auto-approve -f specs", kKey);
  CHECK(refused.code == 5);
  CHECK(q.api.collectionInfo("docs").value()["config"]["params"]["vectors"]["dense"]["size"] == 4);
  Run replaced = h.run("apply --auto-approve -f specs --allow-replace", kKey);
  INFO(replaced.out << replaced.err);
  CHECK(replaced.code == 0);
  config = q.api.collectionInfo("docs").value()["config"];
  CHECK(config["params"]["vectors"]["dense"]["size"] == 8);
  CHECK(config["params"]["sparse_vectors"]["text"]["modifier"] == "idf");
  CHECK(config["metadata"] == Json::parse(R"({"owner":"search","tier":2})"));
  CHECK(config["strict_mode_config"]["max_timeout"] == 10);

  // Pruned when it leaves the specs (the last collection hxctl made: a mass prune, said so).
  h.writeSpec("estate.yaml", host);
  Run guarded = h.run("apply --auto-approve -f specs --prune", kKey);
  CHECK(guarded.code == 5);
  CHECK(sim.collectionExists(0, "docs", "e2e-admin-key-41"));
  Run pruned = h.run("apply --auto-approve -f specs --prune --allow-mass-prune", kKey);
  INFO(pruned.out << pruned.err);
  CHECK(pruned.code == 0);
  CHECK_FALSE(sim.collectionExists(0, "docs", "e2e-admin-key-41"));
}

TEST_CASE(
    "the HTTP client keeps its connections alive, at most 16 at once per host, and sees a host "
    "that went down on the connection it kept",
    "[qdrant][e2e][network]") {
  SimProcess sim({{"--qdrant", "{PORT}", "--latency-ms", "50"}}, "");
  CurlTransport http(true);
  auto get = [&]() {
    HttpRequest req;
    req.url = sim.url(0) + "/collections";
    req.timeoutMs = 2000;
    return http.send(req);
  };
  for (int i = 0; i < 5; ++i) REQUIRE(get());
  CHECK(sim.connections(0)["connections"] == 1);
  // 40 requests at once: the per-host bound holds them to 16 connections.
  std::vector<std::thread> burst;
  std::atomic<int> answered{0};
  for (int i = 0; i < 40; ++i) burst.emplace_back([&] { answered += get() && true; });
  for (auto& t : burst) t.join();
  CHECK(answered == 40);
  const int opened = sim.connections(0)["connections"].get<int>();
  CHECK(opened <= 16);
  CHECK(opened > 1);
  sim.admin(0, "down", "{}");
  usleep(300 * 1000);  // the simulator goes down 50 ms after it answers
  auto afterDown = get();
  CHECK_FALSE(afterDown);
  if (!afterDown) CHECK(afterDown.status().kind() == ErrorKind::kTransient);
}
