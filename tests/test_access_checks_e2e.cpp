// The access checks against hx-sim: keyDenied (a read-only key is refused a write, and a key that
// may write fails it), rateLimited (the gateway's --rate-limit gives some 429s; without a limit
// the check fails), httpStatus (a malformed body gets Qdrant's 400) and serviceReachable (a
// declared service's port answers TCP and HTTP; a port nothing listens on does not; a real gRPC
// server, Debian's python3-grpcio, answers gRPC's health checking protocol).
#include <catch2/catch.hpp>

#include "child_process.h"
#include "cli_harness.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::SimProcess;

namespace {

std::string task(const std::string& name, const std::string& criterion) {
  return hx::test::specDoc("Task", name,
                           "  title: " + name + "\n  priority: high\n  completionCriteria: [" +
                               name + "]\n  criteria:\n    - " + criterion + "\n");
}

}  // namespace

TEST_CASE(
    "access checks: keyDenied, rateLimited, httpStatus and serviceReachable pass on what they "
    "name and fail, with the reason, on what they do not",
    "[backlog][access][e2e]") {
  SimProcess qdrant({{"--qdrant", "{PORT}", "--api-key", "acc-admin", "--read-only-key", "acc-ro"}},
                    hx::test::freshExchangeLog("access-checks"));
  SimProcess gateways(
      {{"--gateway", "{PORT}", "--upstream", qdrant.url(0), "--upstream-key", "acc-admin",
        "--rate-limit", "20"},
       {"--gateway", "{PORT}", "--upstream", qdrant.url(0), "--upstream-key", "acc-admin"}},
      "");
  const int nothing = hx::test::freePort();
  // A real gRPC server with the standard health service.
  const int grpcPort = hx::test::freePort();
  hx::test::ChildProcess grpc({"/usr/bin/python3",
                               std::string(HX_SOURCE_DIR) + "/tests/tools/grpc_health_server.py",
                               std::to_string(grpcPort)});
  REQUIRE(grpc.started());
  REQUIRE(hx::test::eventually(
      [&] {
        CurlTransport http(true);
        HttpRequest req;
        req.url = "http://127.0.0.1:" + std::to_string(grpcPort);
        req.connectOnly = true;
        req.timeoutMs = 200;
        return static_cast<bool>(http.send(req));
      },
      20));
  CliHarness h("access-checks", HX_BIN);
  const std::string q = qdrant.url(0);
  const std::string write = "write: {method: PUT, url: \"" + q +
                            "/collections/docs/points?wait=true\", body: {points: [{id: 1, "
                            "vector: [0.1, 0.2]}]}}";
  h.writeSpec(
      "estate.yaml",
      hx::test::specDoc(
          "Host", "vdb",
          "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" + q +
              "\", auth: {env: HX_ACC_ADMIN}}\n  services:\n"
              "    - {name: rest, port: " +
              std::to_string(qdrant.port(0)) +
              ", proto: tcp}\n    - {name: grpc, port: " + std::to_string(nothing) +
              ", proto: tcp}\n    - {name: gateway, port: " + std::to_string(gateways.port(1)) +
              ", proto: tcp}\n    - {name: health, port: " + std::to_string(grpcPort) +
              ", proto: tcp}\n") +
          hx::test::specDoc("Role", "reader", "  qdrant: {global: r}\n") +
          hx::test::specDoc("Role", "admin", "  qdrant: {global: m}\n") +
          hx::test::specDoc("ApiKey", "ro", "  role: reader\n  secret: {env: HX_ACC_RO}\n") +
          hx::test::specDoc("ApiKey", "rw", "  role: admin\n  secret: {env: HX_ACC_ADMIN}\n") +
          task("read-only-denied", "keyDenied: {url: \"" + q + "/collections\", key: ro, " + write +
                                       ", proves: read-only-denied}") +
          task("admin-not-denied", "keyDenied: {url: \"" + q + "/collections\", key: rw, " + write +
                                       ", proves: admin-not-denied}") +
          task("limited", "rateLimited: {url: \"" + gateways.url(0) +
                              "/collections\", burst: 60, proves: limited}") +
          task("unlimited", "rateLimited: {url: \"" + gateways.url(1) +
                                "/collections\", burst: 60, proves: unlimited}") +
          task("validated", "httpStatus: {method: POST, url: \"" + q +
                                "/collections/docs/points/query\", body: \"{not json\", expect: "
                                "[400, 422], proves: validated}") +
          task("valid-is-not-400", "httpStatus: {url: \"" + q +
                                       "/collections\", expect: [400], proves: valid-is-not-400}") +
          task("rest-tcp", "serviceReachable: {host: vdb, service: rest, proves: rest-tcp}") +
          task("rest-http",
               "serviceReachable: {host: vdb, service: rest, http: /healthz, proves: rest-http}") +
          task("grpc-tcp",
               "serviceReachable: {host: vdb, service: grpc, timeout: 2s, proves: grpc-tcp}") +
          task("grpc-serving",
               "serviceReachable: {host: vdb, service: health, grpc: {}, proves: grpc-serving}") +
          task("grpc-qdrant",
               "serviceReachable: {host: vdb, service: health, grpc: {service: qdrant}, "
               "proves: grpc-qdrant}") +
          task("grpc-draining",
               "serviceReachable: {host: vdb, service: health, grpc: {service: draining}, "
               "proves: grpc-draining}") +
          task("grpc-unknown",
               "serviceReachable: {host: vdb, service: health, grpc: {service: nosuch}, "
               "proves: grpc-unknown}") +
          task("grpc-not-grpc",
               "serviceReachable: {host: vdb, service: gateway, grpc: {}, "
               "proves: grpc-not-grpc}"));
  hx::test::Run valid = h.run("validate -f specs");
  INFO(valid.out << valid.err);
  REQUIRE(valid.code == 0);
  const std::string env = "HX_ACC_ADMIN=acc-admin HX_ACC_RO=acc-ro";
  auto tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json", env));
  std::string all;
  for (const auto& [id, t] : tasks) all += id + ": " + t.dump() + "\n";
  INFO(all);
  for (const char* id : {"read-only-denied", "limited", "validated", "rest-tcp", "rest-http",
                         "grpc-serving", "grpc-qdrant"})
    CHECK(tasks[id]["status"] == "completed");
  for (const char* id : {"admin-not-denied", "unlimited", "valid-is-not-400", "grpc-tcp",
                         "grpc-draining", "grpc-unknown", "grpc-not-grpc"})
    CHECK(tasks[id]["status"] == "ready");
  CHECK(tasks["grpc-serving"].dump().find("\"value\":\"SERVING\"") != std::string::npos);
  CHECK(tasks["grpc-draining"].dump().find("the server reports NOT_SERVING") != std::string::npos);
  CHECK(tasks["grpc-unknown"].dump().find("grpc-status 5: unknown service") != std::string::npos);
  // An HTTP/1.1 server (the gateway; not Qdrant, whose exchanges are checked against its
  // OpenAPI document) refuses the HTTP/2 preface: no answer, not a pass.
  CHECK(tasks["grpc-not-grpc"].dump().find("\"value\":\"no answer\"") != std::string::npos);
  CHECK(tasks["read-only-denied"].dump().find("read: 200, write: 403") != std::string::npos);
  CHECK(tasks["admin-not-denied"].dump().find("the key may do more than its role grants") !=
        std::string::npos);
  CHECK(tasks["limited"].dump().find("x 429") != std::string::npos);
  CHECK(tasks["unlimited"].dump().find("no request was refused with 429") != std::string::npos);
  CHECK(tasks["validated"].dump().find("\"value\":\"400\"") != std::string::npos);
  CHECK(tasks["valid-is-not-400"].dump().find("answered 200") != std::string::npos);
  CHECK(tasks["rest-tcp"].dump().find("connected to 127.0.0.1:" + std::to_string(qdrant.port(0))) !=
        std::string::npos);
  CHECK(tasks["grpc-tcp"].dump().find("Couldn't connect") != std::string::npos);
  // Keys delivered nowhere (held by the operators, presented by the checks) are valid and quiet:
  // no conflict whose advice cannot be followed, nothing to apply, exit 0 (issue 17).
  hx::test::Run plan = h.run("plan -f specs --detailed-exitcode", env);
  INFO(plan.out << plan.err);
  CHECK(plan.code == 0);
  CHECK(plan.out.find("No changes.") != std::string::npos);
  CHECK(h.run("apply --auto-approve -f specs", env).code == 0);
  // No key's secret is in what status shows.
  CHECK(all.find("acc-ro") == std::string::npos);
  CHECK(all.find("acc-admin") == std::string::npos);
}

TEST_CASE(
    "a load, an overhead and a service check through a gateway that enforces keys send the "
    "ApiKey they name and pass, and without it fail with the gateway's 401",
    "[backlog][access][e2e]") {
  CliHarness h("gateway-keyed", HX_BIN);
  // The gateway's key file as hxctl delivers it: the client's secret salted (here with nothing)
  // and hashed, sha256("gw-secret").
  const std::string keyFile = (h.dir() / "api-keys.yaml").string();
  std::ofstream(keyFile) << "keys:\n  - name: clients\n    hash: "
                            "\"sha256::b53b5edf5d9f8c56815de368f9857e6f3fbf912eb140850af60e82cd4ca"
                            "364fa\"\n    expires: null\n";
  SimProcess qdrant({{"--qdrant", "{PORT}", "--api-key", "gw-admin"}}, "");
  SimProcess gateway({{"--gateway", "{PORT}", "--upstream", qdrant.url(0), "--upstream-key",
                       "gw-admin", "--key-file", keyFile}},
                     "");
  const std::string gw = gateway.url(0);
  auto both = [&](const std::string& name, const std::string& criterion) {
    return task(name + "-keyed", criterion + ", key: clients, proves: " + name + "-keyed}") +
           task(name + "-keyless", criterion + ", proves: " + name + "-keyless}");
  };
  h.writeSpec(
      "estate.yaml",
      hx::test::specDoc("Host", "vdb",
                        "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" + qdrant.url(0) +
                            "\", auth: {env: HX_GW_ADMIN}}\n  services:\n"
                            "    - {name: gateway, port: " +
                            std::to_string(gateway.port(0)) + ", proto: tcp}\n") +
          hx::test::specDoc("Collection", "docs",
                            "  server: vdb\n  vectors: {size: 4, distance: Cosine}\n") +
          hx::test::specDoc("Role", "user", "  qdrant: {global: r}\n") +
          hx::test::specDoc("ApiKey", "clients", "  role: user\n  secret: {env: HX_GW_CLIENT}\n") +
          both("load", "load: {target: {collection: docs}, via: \"" + gw +
                           "\", requests: 200, concurrency: 4, thresholds: {maxErrorRate: 0.01}") +
          both("overhead",
               "overhead: {collection: docs, via: \"" + gw + "\", requests: 40, max: 1s") +
          both("health", "serviceReachable: {host: vdb, service: gateway, http: /collections"));
  const std::string env = "HX_GW_ADMIN=gw-admin HX_GW_CLIENT=gw-secret";
  hx::test::Run applied = h.run("apply --auto-approve -f specs", env);
  INFO(applied.out << applied.err);
  REQUIRE(applied.code == 0);
  auto tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json", env));
  std::string all;
  for (const auto& [id, t] : tasks) all += id + ": " + t.dump() + "\n";
  INFO(all);
  for (const char* check : {"load", "overhead", "health"}) {
    INFO(check);
    CHECK(tasks[std::string(check) + "-keyed"]["status"] == "completed");
    CHECK(tasks[std::string(check) + "-keyless"]["status"] == "ready");
    CHECK(tasks[std::string(check) + "-keyless"].dump().find("401") != std::string::npos);
  }
  CHECK(tasks["load-keyed"].dump().find("Collection/docs with ApiKey/clients") !=
        std::string::npos);
  CHECK(tasks["load-keyless"].dump().find("100.00% errors (200 of 200)") != std::string::npos);
  CHECK(all.find("gw-secret") == std::string::npos);
}

TEST_CASE(
    "corsAllowed passes where Qdrant's CORS lets a page at the origin call it with its key, and "
    "modelHealthy only for a model that is on its host and answers",
    "[backlog][access][e2e]") {
  SimProcess sims({{"--qdrant", "{PORT}", "--api-key", "cors-admin"},
                   {"--qdrant", "{PORT}", "--api-key", "cors-admin", "--no-cors"},
                   {"--ollama", "{PORT}", "--model", "present:1b"}},
                  "");
  CliHarness h("cors-and-health", HX_BIN);
  const std::string origin = "http://127.0.0.1:3999";
  auto qdrantHost = [&](const std::string& name, int i) {
    return hx::test::specDoc("Host", name,
                             "  address: 127.0.0.1\n  api: {type: qdrant, url: \"" + sims.url(i) +
                                 "\", auth: {env: HX_CORS_ADMIN}}\n");
  };
  // The task, its criterion proving its one completion criterion.
  auto proven = [](const std::string& name, std::string criterion) {
    criterion.pop_back();
    return task(name, criterion + ", proves: " + name + "}");
  };
  auto cors = [&](int i, const std::string& path, const std::string& key) {
    return "corsAllowed: {url: \"" + sims.url(i) + path + "\", origin: \"" + origin + "\"" +
           (key.empty() ? "" : ", key: " + key) + "}";
  };
  h.writeSpec(
      "estate.yaml",
      qdrantHost("open", 0) + qdrantHost("closed", 1) +
          hx::test::specDoc(
              "Host", "llm",
              "  address: 127.0.0.1\n  api: {type: ollama, url: \"" + sims.url(2) + "\"}\n") +
          hx::test::specDoc("Model", "present",
                            "  host: llm\n  model: \"present:1b\"\n  capability: generate\n") +
          hx::test::specDoc("Model", "absent",
                            "  host: llm\n  model: \"absent:1b\"\n  capability: generate\n") +
          hx::test::specDoc("Role", "admin", "  qdrant: {global: m}\n") +
          hx::test::specDoc("ApiKey", "ui", "  role: admin\n  secret: {env: HX_CORS_ADMIN}\n") +
          hx::test::specDoc("ApiKey", "wrong", "  role: admin\n  secret: {env: HX_CORS_WRONG}\n") +
          proven("cors-with-key", cors(0, "/collections", "ui")) +
          proven("cors-health", cors(0, "/healthz", "")) +
          proven("cors-no-key", cors(0, "/collections", "")) +
          proven("cors-wrong-key", cors(0, "/collections", "wrong")) +
          proven("cors-disabled", cors(1, "/collections", "ui")) +
          proven("healthy", "modelHealthy: {model: present}") +
          proven("not-pulled", "modelHealthy: {model: absent}"));
  const std::string env = "HX_CORS_ADMIN=cors-admin HX_CORS_WRONG=not-the-key";
  hx::test::Run valid = h.run("validate -f specs");
  INFO(valid.out << valid.err);
  REQUIRE(valid.code == 0);
  auto tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json", env));
  std::string all;
  for (const auto& [id, t] : tasks) all += id + ": " + t.dump() + "\n";
  INFO(all);
  for (const char* id : {"cors-with-key", "cors-health", "healthy"})
    CHECK(tasks[id]["status"] == "completed");
  for (const char* id : {"cors-no-key", "cors-wrong-key", "cors-disabled", "not-pulled"})
    CHECK(tasks[id]["status"] == "ready");
  CHECK(tasks["cors-with-key"].dump().find("preflight 200, GET 200 allowed for the origin") !=
        std::string::npos);
  CHECK(tasks["cors-no-key"].dump().find("the request with the key was answered 401") !=
        std::string::npos);
  CHECK(tasks["cors-wrong-key"].dump().find("answered 401") != std::string::npos);
  CHECK(tasks["cors-disabled"].dump().find("the preflight allows no origin") != std::string::npos);
  CHECK(tasks["healthy"].dump().find("present; generates: ") != std::string::npos);
  CHECK(tasks["not-pulled"].dump().find("absent:1b is not on llm") != std::string::npos);
  CHECK(all.find("cors-admin") == std::string::npos);
}
