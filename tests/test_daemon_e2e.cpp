// hxctl daemon end to end: the real hxctl as a long-running child process against hx-sim, with
// its signals, spec edits, lock, metrics and systemd protocol exercised from outside, as an
// operator and systemd would.
#include <sys/socket.h>
#include <sys/un.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include "daemon_process.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::DaemonProcess;
using hx::test::eventually;
using hx::test::httpGet;
using hx::test::metricsOf;
using hx::test::Run;
using hx::test::SimProcess;

namespace {

const std::string kKeyEnv = "HX_DAEMON_KEY=daemon-admin-key";

std::string doc(const std::string& kind, const std::string& name, const std::string& spec) {
  return hx::test::specDoc(kind, name, spec);
}

std::string qdrantHost(int port, const std::string& health = "{interval: 1s, timeout: 800ms}") {
  return doc("Host", "vector-db",
             "  address: 127.0.0.1\n  api: {type: qdrant, url: \"http://127.0.0.1:" +
                 std::to_string(port) + "\", auth: {env: HX_DAEMON_KEY}}\n  health: " + health +
                 "\n");
}

std::string collection(const std::string& name) {
  return doc("Collection", name, "  {server: vector-db, vectors: {size: 8, distance: Cosine}}\n");
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool collectionExists(const SimProcess& sim, size_t host, const std::string& name) {
  return sim.collectionExists(host, name, "daemon-admin-key");
}

// Exchanges the simulator logged with this method.
int exchangesWithMethod(const std::string& log, const std::string& method) {
  return hx::test::countExchanges(log, [&](const Json& e) { return e["method"] == method; });
}

void deleteCollection(const SimProcess& sim, size_t host, const std::string& name) {
  CurlTransport http(true);
  HttpRequest req;
  req.method = "DELETE";
  req.url = sim.url(host) + "/collections/" + name;
  req.headers.emplace_back("api-key", "daemon-admin-key");
  REQUIRE(http.send(req));
}

std::string daemonArgs(int metricsPort, const std::string& extra = "") {
  return "-f specs --interval 60s --metrics-address 127.0.0.1:" + std::to_string(metricsPort) +
         " " + extra;
}

// Starts creating collections a, b and c one at a time, each taking 1.5 s at the simulator, and
// returns once the first create has begun: the daemon is mid-apply.
void startSlowApply(SimProcess& sim, CliHarness& h, DaemonProcess& daemon) {
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  sim.admin(0, "faults", R"({"latency_ms": 1500})");
  h.writeSpec("more.yaml", collection("a") + collection("b") + collection("c"));
  REQUIRE(daemon.waitLog(": create started", 30));
}

Json statusJson(const CliHarness& h) {
  return Json::parse(h.run("status -f specs -o json", kKeyEnv).out);
}

std::string taskStatus(const CliHarness& h, const std::string& task) {
  auto r = h.run("status -f specs -o json", kKeyEnv);
  Json status = Json::parse(r.out, nullptr, false);
  if (!status.is_object()) {
    UNSCOPED_INFO("status: exit " << r.code << ": " << r.err);
    return "";
  }
  for (const auto& t : status["tasks"])
    if (t["id"] == task) return t["status"];
  return "";
}

Json lastRun(const CliHarness& h) {
  Json runs = Json::parse(h.run("history -o json").out);
  REQUIRE(!runs.empty());
  return Json::parse(h.run("history -o json " + std::to_string(runs[0]["id"].get<int>())).out);
}

int runShell(const std::string& cmd, std::string* output = nullptr) {
  std::string file = std::filesystem::temp_directory_path() /
                     ("hxctl-daemon-sh-" + std::to_string(getpid()) + ".out");
  int status = std::system((cmd + " > " + file + " 2>&1").c_str());
  if (output) *output = hx::test::slurp(file);
  std::filesystem::remove(file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("daemon: a host that comes up gets its deferred work within one probe interval",
          "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-host-up");
  SimProcess sim(
      {{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"},
       {"--ollama", "{PORT}", "--registry", "chat:7b", "--registry", "embed=8", "--up-after", "5"}},
      log);
  CliHarness h("daemon-host-up", HX_BIN);
  h.writeSpec(
      "estate.yaml",
      qdrantHost(sim.port(0)) +
          doc("Host", "llm",
              "  address: 127.0.0.1\n  api: {type: ollama, url: \"http://127.0.0.1:" +
                  std::to_string(sim.port(1)) + "\"}\n  health: {interval: 1s, timeout: 500ms}\n") +
          doc("Model", "chat", "  {host: llm, model: \"chat:7b\", capability: generate}\n") +
          doc("Model", "embed", "  {host: llm, model: embed, capability: embed, dimensions: 8}\n") +
          doc("Collection", "docs",
              "  {server: vector-db, embeddingModel: embed, vectors: {size: 8, distance: "
              "Cosine}}\n") +
          doc("Task", "models",
              "  title: models answer\n  group: Live\n  priority: high\n  dependsOn: "
              "{hosts: [llm]}\n  resources: [Model/chat, Model/embed, Collection/docs]\n"
              "  criteria:\n    - modelAvailable: {model: chat}\n"
              "    - collectionReady: {collection: docs}\n"));
  int metricsPort = hx::test::freePort();
  DaemonProcess daemon(h, daemonArgs(metricsPort), kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  CHECK(taskStatus(h, "models") == "blocked");
  CHECK_FALSE(collectionExists(sim, 0, "docs"));

  SECTION("an apply by hand is refused with the daemon named; plan and status still work") {
    auto apply = h.run("apply --auto-approve -f specs", kKeyEnv);
    CHECK(apply.code == 4);
    CHECK(apply.err.find("hxctl daemon (pid " + std::to_string(daemon.pid())) != std::string::npos);
    auto plan = h.run("plan -f specs", kKeyEnv);
    CHECK((plan.code == 0 || plan.code == 2));
    Json status = statusJson(h);
    CHECK(status["writer"]["operation"] == "daemon");
    CHECK(status["writer"]["pid"] == daemon.pid());
  }

  // The install finishes: the simulator starts answering. Measure from the first answer.
  int64_t upAt = 0;
  REQUIRE(eventually(
      [&] {
        auto r = httpGet(sim.url(1) + "/");
        if (r && r->status == 200) upAt = nowMs();
        return upAt > 0;
      },
      20));
  int64_t pullAt = 0;
  REQUIRE(eventually(
      [&] {
        for (const Json& e : hx::test::readExchanges(log))
          if (e["path"] == "/api/pull" && e["status"] == 200) {
            pullAt = e["at_ms"].get<int64_t>();
            return true;
          }
        return false;
      },
      20));
  REQUIRE(eventually([&] { return taskStatus(h, "models") == "completed"; }, 30));
  int64_t doneAt = nowMs();
  CHECK(collectionExists(sim, 0, "docs"));
  std::cout << "daemon: host up -> first pull answered " << (pullAt - upAt)
            << " ms (probe interval 1000 ms); -> task completed " << (doneAt - upAt) << " ms\n";
  // One probe interval (1 s) plus the time to probe and plan; generous for sanitizer builds.
  CHECK(pullAt - upAt <= 1000 + 4000);
  CHECK(daemon.log().find("host llm: pending_installation -> active: reconciling now") !=
        std::string::npos);

  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
  // The lock is gone with it: an apply by hand now runs, and finds nothing to do.
  auto after = h.run("apply --auto-approve -f specs", kKeyEnv);
  CHECK(after.code == 0);
  CHECK(after.out.find("Nothing to apply.") != std::string::npos);
}

TEST_CASE(
    "daemon: spec edits are applied without a restart, and a broken edit leaves the last good "
    "specs in force",
    "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-edit");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-edit", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0)) + collection("a"));
  int metricsPort = hx::test::freePort();
  DaemonProcess daemon(h, daemonArgs(metricsPort), kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  CHECK(collectionExists(sim, 0, "a"));
  // On loopback every route, the probes and /metrics too, refuses a Host that is not loopback's:
  // a page a DNS-rebinding attack points here gets nothing.
  for (const char* path : {"/metrics", "/healthz", "/readyz", "/", "/api/status"}) {
    INFO(path);
    hx::CurlTransport http(true);
    hx::HttpRequest req;
    req.method = "GET";
    req.url = "http://127.0.0.1:" + std::to_string(metricsPort) + path;
    req.headers.emplace_back("Host", "evil.example:" + std::to_string(metricsPort));
    auto refused = http.send(req);
    REQUIRE(refused);
    CHECK(refused.value().status == 403);
  }
  CHECK(hx::test::httpGet("http://127.0.0.1:" + std::to_string(metricsPort) + "/healthz")->status ==
        200);

  h.writeSpec("b.yaml", collection("b"));
  CHECK(eventually([&] { return collectionExists(sim, 0, "b"); }, 15));
  CHECK(daemon.waitLog("(spec_change", 10));

  // A typo: the daemon says where, and keeps to what it had.
  h.writeSpec("broken.yaml", doc("Collection", "c",
                                 "  {server: vector-db, vectors: {sizee: 8, distance: Cosine}}\n"));
  REQUIRE(daemon.waitLog("do not validate", 15));
  CHECK(daemon.log().find("broken.yaml:") != std::string::npos);
  CHECK(metricsOf(metricsPort).find("hxctl_spec_valid 0") != std::string::npos);
  CHECK(metricsOf(metricsPort).find("hxctl_spec_last_good_timestamp_seconds ") !=
        std::string::npos);
  // Ready, and saying on what: the last good specs, with the first error of the ones on disk.
  const std::string readyz = "http://127.0.0.1:" + std::to_string(metricsPort) + "/readyz";
  CHECK(eventually(
      [&] {
        auto r = hx::test::httpGet(readyz);
        return r && r->status == 200 &&
               r->body.rfind("ready: serving the last good specs, loaded ", 0) == 0 &&
               r->body.find("; specs invalid: ") != std::string::npos &&
               r->body.find("broken.yaml:") != std::string::npos;
      },
      10));
  // Still reconciling on the last good specs: drift is repaired on SIGHUP, c is not created.
  deleteCollection(sim, 0, "a");
  daemon.signal(SIGHUP);
  CHECK(eventually([&] { return collectionExists(sim, 0, "a"); }, 15));
  CHECK_FALSE(collectionExists(sim, 0, "c"));
  CHECK_FALSE(daemon.waitExit(0).has_value());  // still running

  h.writeSpec("broken.yaml", collection("c"));
  CHECK(eventually([&] { return collectionExists(sim, 0, "c"); }, 15));
  CHECK(metricsOf(metricsPort).find("hxctl_spec_valid 1") != std::string::npos);
  CHECK(hx::test::httpGet(readyz)->body == "ready\n");  // valid again: nothing to add
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
}

TEST_CASE(
    "daemon: SIGTERM mid-apply finishes the action in flight, records it, releases the "
    "lock and exits 0",
    "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-sigterm");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-sigterm", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0), "{interval: 4s, timeout: 3s}"));
  DaemonProcess daemon(h, daemonArgs(hx::test::freePort(), "--parallelism 1"), kKeyEnv);
  startSlowApply(sim, h, daemon);
  INFO(daemon.log());
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
  CHECK(daemon.log().find("SIGTERM: finishing the action in flight") != std::string::npos);
  CHECK(daemon.log().find("lock released") != std::string::npos);

  Json run = lastRun(h);
  CHECK(run["command"] == "daemon");
  CHECK(run["status"] == "interrupted");
  std::map<std::string, int> outcomes;
  for (const auto& a : run["actions"]) ++outcomes[a["status"].get<std::string>()];
  CHECK(outcomes["succeeded"] == 1);
  CHECK(outcomes["cancelled"] == 2);
  CHECK(outcomes["started"] == 0);
  CHECK(statusJson(h)["writer"].is_null());
}

TEST_CASE("daemon: after SIGKILL mid-apply, the next start breaks the stale lock and converges",
          "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-sigkill");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-sigkill", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0), "{interval: 4s, timeout: 3s}"));
  {
    DaemonProcess daemon(h, daemonArgs(hx::test::freePort(), "--parallelism 1"), kKeyEnv);
    startSlowApply(sim, h, daemon);
    daemon.signal(SIGKILL);
    CHECK(daemon.waitExit(10) == 128 + SIGKILL);
  }
  // The dead daemon's lock is still there; the next daemon breaks it (an apply by hand would
  // too: test_cli.cpp, "a process killed mid-apply ...").
  sim.admin(0, "faults", R"({"latency_ms": 0})");
  DaemonProcess again(h, daemonArgs(hx::test::freePort()), kKeyEnv);
  REQUIRE(again.waitLog("cycle ", 30));
  INFO(again.log());
  CHECK(again.log().find("breaking a stale lock") != std::string::npos);
  CHECK(again.log().find("were interrupted") != std::string::npos);
  CHECK(eventually([&] {
    return collectionExists(sim, 0, "a") && collectionExists(sim, 0, "b") &&
           collectionExists(sim, 0, "c");
  }));
  again.signal(SIGTERM);
  CHECK(again.waitExit(30) == 0);
  auto plan = h.run("plan -f specs --detailed-exitcode", kKeyEnv);
  CHECK(plan.code == 0);
}

TEST_CASE("daemon: --no-self-heal reports drift and changes nothing", "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-noheal");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-noheal", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0)) + collection("a"));
  int metricsPort = hx::test::freePort();
  DaemonProcess daemon(h, daemonArgs(metricsPort, "--no-self-heal"), kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  CHECK(daemon.log().find("1 drifted (self-heal off)") != std::string::npos);
  CHECK_FALSE(collectionExists(sim, 0, "a"));
  Json run = lastRun(h);
  REQUIRE(run["actions"].size() == 1);
  CHECK(run["actions"][0]["status"] == "drift");
  CHECK(metricsOf(metricsPort)
            .find("hxctl_reconcile_total{kind=\"Collection\",result=\"drift\"} 1") !=
        std::string::npos);
  CHECK(hx::test::countExchanges(log, [](const Json& e) { return e["method"] != "GET"; }) == 0);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
}

TEST_CASE("daemon: a failing resource backs off, and status shows until when", "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-backoff");
  // hxctl holds the read-only key: it can observe, every write is refused (403).
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key", "--read-only-key",
                   "daemon-read-key"}},
                 log);
  CliHarness h("daemon-backoff", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0)) + collection("a"));
  const std::string readKey = "HX_DAEMON_KEY=daemon-read-key";
  DaemonProcess daemon(h, daemonArgs(hx::test::freePort()), readKey);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  Json status = Json::parse(h.run("status -f specs -o json", readKey).out);
  REQUIRE(status["backoffs"].size() == 1);
  CHECK(status["backoffs"][0]["resource"] == "Collection/a");
  CHECK(status["backoffs"][0]["failures"] == 1);
  CHECK(status["backoffs"][0]["last_error"].get<std::string>().find("403") != std::string::npos);
  auto text = h.run("status -f specs", readKey);
  CHECK(text.out.find("Backing off after failures:") != std::string::npos);
  CHECK(text.out.find("Daemon: running (pid " + std::to_string(daemon.pid())) != std::string::npos);

  // A cycle within the back-off does not try again; it says why.
  int putsBefore = exchangesWithMethod(log, "PUT");
  daemon.signal(SIGHUP);
  REQUIRE(daemon.waitLog("cycle 2 ", 30));
  CHECK(exchangesWithMethod(log, "PUT") == putsBefore);
  Json run = lastRun(h);
  REQUIRE(run["actions"].size() == 1);
  CHECK(run["actions"][0]["status"] == "deferred");
  CHECK(run["actions"][0]["reason"].get<std::string>().rfind("backing off after 1 failure: next "
                                                             "retry at ",
                                                             0) == 0);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
}

TEST_CASE(
    "daemon: /metrics passes promtool, /healthz and /readyz answer, and the monitoring "
    "examples use only metrics it serves",
    "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-metrics");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-metrics", HX_BIN);
  h.writeSpec("estate.yaml",
              qdrantHost(sim.port(0)) + collection("a") +
                  doc("Task", "ready",
                      "  title: a is ready\n  group: Live\n  priority: high\n  dependsOn: {hosts: "
                      "[vector-db]}\n  resources: [Collection/a]\n  criteria:\n"
                      "    - collectionReady: {collection: a}\n"
                      "    - availability: {host: vector-db, min: 99, window: 1h}\n"));
  int metricsPort = hx::test::freePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(metricsPort);
  DaemonProcess daemon(h, daemonArgs(metricsPort), kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  auto ready = httpGet(base + "/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  auto health = httpGet(base + "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto metrics = httpGet(base + "/metrics");
  REQUIRE(metrics);
  CHECK(metrics->contentType.find("text/plain; version=0.0.4") == 0);
  const std::string& body = metrics->body;
  for (const char* line :
       {"hxctl_host_status{host=\"vector-db\",status=\"active\"} 1",
        "hxctl_host_breaker_state{host=\"vector-db\",state=\"closed\"} 1",
        "hxctl_reconcile_total{kind=\"Collection\",result=\"success\"} 1",
        "hxctl_reconcile_time_seconds_count{kind=\"Collection\"} 1",
        "hxctl_reconcile_cycles_total{trigger=\"host_status\",result=\"success\"} 1",
        "hxctl_tasks{status=\"completed\"} 1", "hxctl_tasks{status=\"regressed\"} 0",
        "hxctl_lock_held 1", "hxctl_spec_valid 1",
        "hxctl_host_availability_ratio{host=\"vector-db\",window=\"1h\"} 1"})
    CHECK(body.find(line) != std::string::npos);
  std::string scrape = (h.dir() / "scrape.txt").string();
  std::ofstream(scrape) << body;
  std::string out;
  CHECK(runShell("promtool check metrics < " + scrape, &out) == 0);
  CHECK(out == "");

  // Every hxctl_* name the alerts and the dashboard use is a family the daemon serves.
  std::set<std::string> served;
  std::regex help("# TYPE (hxctl_[a-z_]+) (counter|gauge|histogram)");
  for (std::sregex_iterator it(body.begin(), body.end(), help), end; it != end; ++it) {
    served.insert((*it)[1]);
    if ((*it)[2] == "histogram") {
      served.insert((*it)[1].str() + "_bucket");
      served.insert((*it)[1].str() + "_count");
      served.insert((*it)[1].str() + "_sum");
    }
  }
  const std::string dir = std::string(HX_SOURCE_DIR) + "/examples/monitoring/";
  std::regex used("hxctl_[a-z_]+");
  int references = 0;
  for (const char* file : {"alerts.yml", "grafana-dashboard.json"}) {
    std::string text = hx::test::slurp(dir + file);
    for (std::sregex_iterator it(text.begin(), text.end(), used), end; it != end; ++it) {
      ++references;
      INFO(file << " uses " << it->str());
      CHECK(served.count(it->str()) == 1);
    }
  }
  CHECK(references >= 10);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
}

TEST_CASE("monitoring examples: promtool check config, check rules and test rules pass",
          "[daemon][monitoring]") {
  const std::string dir = std::string(HX_SOURCE_DIR) + "/examples/monitoring";
  std::string out;
  CHECK(runShell("cd " + dir + " && promtool check config prometheus.yml", &out) == 0);
  INFO(out);
  CHECK(runShell("cd " + dir + " && promtool check rules alerts.yml", &out) == 0);
  CHECK(out.find("SUCCESS: 8 rules found") != std::string::npos);
  CHECK(runShell("cd " + dir + " && promtool test rules alerts.test.yml", &out) == 0);
  CHECK(out.find("SUCCESS") != std::string::npos);
  Json dashboard = Json::parse(hx::test::slurp(dir + "/grafana-dashboard.json"));
  std::set<std::string> titles;
  for (const auto& p : dashboard["panels"]) titles.insert(p["title"]);
  for (const char* t : {"Host status", "Backlog tasks by status", "Reconcile rate by result",
                        "Action latency (p50 / p95 / p99)", "Deferred items by kind"})
    CHECK(titles.count(t) == 1);
}

TEST_CASE(
    "monitoring examples: estate-prometheus.yml is what hxctl renders for specs/, and promtool "
    "accepts it",
    "[daemon][monitoring]") {
  const std::string dir = std::string(HX_SOURCE_DIR) + "/examples/monitoring";
  std::string rendered;
  REQUIRE(runShell(std::string(HX_BIN) + " monitoring-config -f " + HX_SOURCE_DIR + "/specs",
                   &rendered) == 0);
  CHECK(rendered == hx::test::slurp(dir + "/estate-prometheus.yml"));
  for (const char* job : {"job_name: \"hxctl\"", "job_name: \"qdrant\"", "job_name: \"llm-probe\"",
                          "credentials_file: "})
    CHECK(rendered.find(job) != std::string::npos);
  std::string out;
  // Syntax only: the rule file and credentials file it names live on the estate's machine.
  CHECK(runShell("promtool check config --syntax-only " + dir + "/estate-prometheus.yml", &out) ==
        0);
  INFO(out);
  // -o json: one document, the config of each Prometheus by name.
  std::string json;
  REQUIRE(
      runShell(std::string(HX_BIN) + " monitoring-config -o json -f " + HX_SOURCE_DIR + "/specs",
               &json) == 0);
  CHECK(Json::parse(json)["estate"]["scrape_configs"].size() == 4);
}

TEST_CASE("systemd: hxctl.service passes systemd-analyze verify", "[daemon][systemd]") {
  // The unit names the installed binary; verify the one just built in its place.
  std::string unit = hx::test::slurp(std::string(HX_SOURCE_DIR) + "/systemd/hxctl.service");
  for (const char* needed :
       {"Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
        "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=", "PrivateTmp=yes",
        "StateDirectory=hxctl", "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW",
        "WatchdogSec=", "MemoryMax=", "MemoryHigh=", "TasksMax="})
    CHECK(unit.find(needed) != std::string::npos);
  auto dir = std::filesystem::temp_directory_path() / ("hxctl-unit-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string text = std::regex_replace(unit, std::regex("/usr/local/bin/hxctl"), HX_BIN);
  std::ofstream(dir / "hxctl.service") << text;
  std::string out;
  int rc = runShell("systemd-analyze verify " + (dir / "hxctl.service").string(), &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out == "");  // warnings (an unknown or misspelt setting) fail too
  // With the shared store's drop-in (systemd reads hxctl.service.d/ beside the unit).
  std::filesystem::create_directories(dir / "hxctl.service.d");
  std::string dropIn = hx::test::slurp(std::string(HX_SOURCE_DIR) +
                                       "/systemd/hxctl.service.d/shared-store.conf.example");
  CHECK(dropIn.find("Environment=PGPASSFILE=") != std::string::npos);
  std::ofstream(dir / "hxctl.service.d" / "shared-store.conf")
      << std::regex_replace(dropIn, std::regex("/usr/local/bin/hxctl"), HX_BIN);
  rc = runShell("systemd-analyze verify " + (dir / "hxctl.service").string(), &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out == "");
  std::filesystem::remove_all(dir);
}

TEST_CASE("daemon: speaks sd_notify (READY, STATUS, WATCHDOG, STOPPING) and logs for journald",
          "[daemon][e2e][systemd]") {
  std::string log = hx::test::freshExchangeLog("daemon-notify");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"},
                  {"--ollama", "{PORT}", "--registry", "chat:7b"}},
                 log);
  CliHarness h("daemon-notify", HX_BIN);
  h.writeSpec("estate.yaml", qdrantHost(sim.port(0)) + collection("a"));
  // Stand in for systemd: a datagram socket the daemon reports to.
  std::string socketPath = (h.dir() / "notify.sock").string();
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socketPath.c_str());
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::vector<std::string> messages;
  auto receive = [&] {
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) messages.emplace_back(buf, n);
  };
  auto saw = [&](const std::string& prefix) {
    receive();
    for (const auto& m : messages)
      if (m.find(prefix) != std::string::npos) return true;
    return false;
  };
  {
    DaemonProcess daemon(
        h, daemonArgs(hx::test::freePort()),
        kKeyEnv + " NOTIFY_SOCKET=" + socketPath + " WATCHDOG_USEC=1000000 JOURNAL_STREAM=8:12345");
    REQUIRE(daemon.waitLog("cycle 1 ", 30));
    CHECK(eventually([&] { return saw("READY=1"); }, 10));
    CHECK(eventually([&] { return saw("STATUS=run 1: 1 applied, 0 failed"); }, 10));
    CHECK(eventually([&] { return saw("WATCHDOG=1"); }, 10));
    daemon.signal(SIGTERM);
    CHECK(daemon.waitExit(30) == 0);
    CHECK(saw("STOPPING=1"));
    // journald adds the time; hxctl gives it the priority.
    std::istringstream lines(daemon.log());
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      INFO(line);
      CHECK(std::regex_search(line, std::regex("^<[2-7]>")));
      CHECK(line.find("[20") == std::string::npos);
    }
    CHECK(n >= 3);
  }
  close(fd);

  // A model to pull, so that pull progress shows up in the log too: as JSON like the rest.
  h.writeSpec(
      "llm.yaml",
      doc("Host", "llm",
          "  address: 127.0.0.1\n  api: {type: ollama, url: \"http://127.0.0.1:" +
              std::to_string(sim.port(1)) + "\"}\n  health: {interval: 1s, timeout: 500ms}\n") +
          doc("Model", "chat", "  {host: llm, model: \"chat:7b\", capability: generate}\n"));
  DaemonProcess json(h, daemonArgs(hx::test::freePort(), "--log-format json"), kKeyEnv);
  REQUIRE(json.waitLog("cycle ", 30));
  json.signal(SIGTERM);
  CHECK(json.waitExit(30) == 0);
  std::istringstream lines(json.log());
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    Json j = Json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE(j.is_object());
    CHECK(j.contains("ts"));
    CHECK(j.contains("level"));
    CHECK(j.contains("msg"));
  }
  CHECK(n >= 3);
  CHECK(json.log().find("\"msg\":\"Model/chat: pull succeeded\"") != std::string::npos);
}

TEST_CASE("daemon: a passing load check is not re-run every cycle, only after --recheck-heavy",
          "[daemon][e2e]") {
  std::string log = hx::test::freshExchangeLog("daemon-recheck");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-recheck", HX_BIN);
  h.writeSpec("estate.yaml",
              qdrantHost(sim.port(0)) + collection("a") +
                  doc("Task", "fast",
                      "  title: a answers fast\n  group: Live\n  priority: high\n  dependsOn: "
                      "{hosts: [vector-db]}\n  resources: [Collection/a]\n  criteria:\n"
                      "    - load: {target: {collection: a}, requests: 50, concurrency: 4, "
                      "thresholds: {maxErrorRate: 0.01}}\n"));
  auto queries = [&] {
    return hx::test::countExchanges(
        log, [](const Json& e) { return e["path"] == "/collections/a/points/query"; });
  };
  for (const char* recheck : {"15m", "0s"}) {
    DaemonProcess daemon(
        h, daemonArgs(hx::test::freePort(), "--recheck-heavy " + std::string(recheck)), kKeyEnv);
    REQUIRE(daemon.waitLog("cycle ", 30));
    INFO(daemon.log());
    CHECK(taskStatus(h, "fast") == "completed");
    int before = queries();
    daemon.signal(SIGHUP);
    REQUIRE(daemon.waitLog("(sighup", 30));
    int after = queries();
    if (std::string(recheck) == "15m")
      CHECK(after == before);  // the pass of the first cycle still stands
    else
      CHECK(after == before + 50);
    CHECK(taskStatus(h, "fast") == "completed");
    daemon.signal(SIGTERM);
    CHECK(daemon.waitExit(30) == 0);
  }
}

TEST_CASE("daemon: a spec file truncated, emptied or turned into a dangling link deletes nothing",
          "[daemon][e2e][prune]") {
  std::string log = hx::test::freshExchangeLog("daemon-vanishing");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-vanishing", HX_BIN);
  h.writeSpec("hosts.yaml", qdrantHost(sim.port(0)));
  const std::string collections = collection("a") + collection("b") + collection("c");
  h.writeSpec("collections.yaml", collections);
  DaemonProcess daemon(h, "-f specs --interval 1s --metrics-address off --prune", kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  INFO(daemon.log());
  for (const char* c : {"a", "b", "c"}) REQUIRE(collectionExists(sim, 0, c));

  // An editor's save: truncated to nothing, then (later) written again.
  h.writeSpec("collections.yaml", "");
  REQUIRE(daemon.waitLog("declares no resource", 10));
  usleep(2500000);  // two more intervals
  for (const char* c : {"a", "b", "c"}) CHECK(collectionExists(sim, 0, c));
  // A dangling link where the file was.
  h.removeSpec("collections.yaml");
  std::filesystem::create_symlink(h.dir() / "nowhere.yaml", h.dir() / "specs" / "collections.yaml");
  REQUIRE(daemon.waitLog("a dangling symbolic link", 10));
  usleep(2500000);
  for (const char* c : {"a", "b", "c"}) CHECK(collectionExists(sim, 0, c));
  // The file gone for good, by mistake: the mass-prune guard refuses (3 of 3 is more than half).
  h.removeSpec("collections.yaml");
  bool refusedLogged = daemon.waitLog(" 3 refused", 10);
  INFO(daemon.log());
  REQUIRE(refusedLogged);
  for (const char* c : {"a", "b", "c"}) CHECK(collectionExists(sim, 0, c));
  CHECK(exchangesWithMethod(log, "DELETE") == 0);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);

  // The same from the command line: validate names the file; a deliberate prune goes through
  // with the flag.
  std::filesystem::create_symlink(h.dir() / "nowhere.yaml", h.dir() / "specs" / "gone.yaml");
  Run v = h.run("validate -f specs", kKeyEnv);
  CHECK(v.code == 3);
  CHECK((v.out + v.err).find("gone.yaml: a dangling symbolic link") != std::string::npos);
  h.removeSpec("gone.yaml");
  Run refused = h.run("apply --auto-approve -f specs --prune", kKeyEnv);
  CHECK(refused.out.find("refused: --prune would delete 3 of the 3 Collection objects") !=
        std::string::npos);
  CHECK(collectionExists(sim, 0, "a"));
  Run meant = h.run("apply --auto-approve -f specs --prune --allow-mass-prune", kKeyEnv);
  INFO(meant.out << meant.err);
  CHECK(meant.code == 0);
  for (const char* c : {"a", "b", "c"}) CHECK_FALSE(collectionExists(sim, 0, c));
}

TEST_CASE("daemon: a spec line starting with a comma is reported at its line, memory stays bounded",
          "[daemon][e2e][bad-input]") {
  std::string log = hx::test::freshExchangeLog("daemon-comma");
  SimProcess sim({{"--qdrant", "{PORT}", "--api-key", "daemon-admin-key"}}, log);
  CliHarness h("daemon-comma", HX_BIN);
  h.writeSpec("hosts.yaml", qdrantHost(sim.port(0)));
  h.writeSpec("collections.yaml", collection("a") + collection("b"));
  const int metricsPort = hx::test::freePort();
  DaemonProcess daemon(
      h,
      "-f specs --interval 1s --prune --metrics-address 127.0.0.1:" + std::to_string(metricsPort),
      kKeyEnv);
  REQUIRE(daemon.waitLog("cycle 1 ", 30));
  for (const char* c : {"a", "b"}) REQUIRE(collectionExists(sim, 0, c));
  const long before = daemon.peakRssKb();

  // yaml-cpp 0.7 allocates without bound on this (about 250 MB/s); the daemon must not.
  h.writeSpec("collections.yaml", collection("a") + "---\n, oops\n");
  bool reported =
      daemon.waitLog("specs/collections.yaml:8:1: YAML syntax error: unexpected \",\"", 10);
  INFO(daemon.log());
  REQUIRE(reported);
  usleep(2500000);  // two more intervals on the broken file
  const long after = daemon.peakRssKb();
  INFO("peak RSS before " << before << " KiB, after " << after << " KiB");
  CHECK(after > 0);
  CHECK(after - before < 64 * 1024);
  auto health = hx::test::httpGet("http://127.0.0.1:" + std::to_string(metricsPort) + "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  // The last good specs stay in force: b is still declared there, so nothing is pruned.
  for (const char* c : {"a", "b"}) CHECK(collectionExists(sim, 0, c));
  CHECK(exchangesWithMethod(log, "DELETE") == 0);
  CHECK(metricsOf(metricsPort).find("hxctl_spec_loads_total{result=\"invalid\"} 1") !=
        std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit(30) == 0);
}
