// The backlog asks a real Prometheus (Debian's `prometheus`, on loopback) whether it scrapes the
// estate: `prometheusTarget` passes only when the job's targets are up in Prometheus itself, not
// when a server merely serves metrics.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "cli_harness.h"
#include "prometheus_process.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::PrometheusProcess;
using hx::test::Run;
using hx::test::SimProcess;

TEST_CASE(
    "prometheusTarget: a task completes only when the real Prometheus scrapes its jobs, "
    "and says which target is down",
    "[backlog][prometheus][e2e]") {
  CliHarness h("prometheus-target", HX_BIN);
  SimProcess sim(
      {{"--qdrant", "{PORT}"}, {"--llama-server", "{PORT}", "--model", "m", "--metrics"}},
      hx::test::freshExchangeLog("prometheus-target"));
  const int nothing = hx::test::freePort();  // no server listens there
  PrometheusProcess prometheus(h.dir(),
                               "  - {job_name: qdrant, static_configs: [{targets: ['127.0.0.1:" +
                                   std::to_string(sim.port(0)) + "']}]}\n" +
                                   "  - {job_name: llama, static_configs: [{targets: ['127.0.0.1:" +
                                   std::to_string(sim.port(1)) + "']}]}\n" +
                                   "  - {job_name: gone, static_configs: [{targets: ['127.0.0.1:" +
                                   std::to_string(nothing) + "']}]}\n");
  REQUIRE(prometheus.ready());
  auto task = [&](const std::string& name, const std::vector<std::string>& jobs) {
    std::string out = "---\napiVersion: hx/v1\nkind: Task\nmetadata: {name: " + name +
                      "}\nspec:\n  title: " + name +
                      "\n  priority: medium\n  completionCriteria: [Metrics collection "
                      "operational]\n  criteria:\n";
    for (const auto& job : jobs)
      out += "    - prometheusTarget: {url: \"" + prometheus.url() + "\", job: " + job +
             ", proves: Metrics collection operational}\n";
    return out;
  };
  h.writeSpec("backlog.yaml", task("scraped", {"qdrant", "llama"}) + task("unscraped", {"gone"}) +
                                  task("unknown", {"nosuchjob"}));
  std::map<std::string, Json> tasks;
  REQUIRE(hx::test::eventually(
      [&] {
        tasks = hx::test::tasksById(h.run("status -f specs --refresh -o json"));
        // Until Prometheus has tried each target once, a target is "unknown": wait for both.
        return tasks["scraped"]["status"] == "completed" &&
               tasks["unscraped"].dump().find("is unknown") == std::string::npos;
      },
      30));
  std::string all;
  for (const auto& [id, t] : tasks) all += id + ": " + t.dump() + "\n";
  INFO(all);
  CHECK(tasks["scraped"].dump().find("1/1 targets up") != std::string::npos);
  CHECK(tasks["unscraped"]["status"] != "completed");
  const std::string down = tasks["unscraped"].dump();
  CHECK(down.find("127.0.0.1:" + std::to_string(nothing)) != std::string::npos);
  CHECK(down.find("connection refused") != std::string::npos);
  CHECK(tasks["unknown"]["status"] != "completed");
  CHECK(tasks["unknown"].dump().find("Prometheus has no target in job nosuchjob") !=
        std::string::npos);
}

TEST_CASE(
    "Prometheus kind: hxctl renders the estate's scrape config and delivers it, and 1.3.6 "
    "completes "
    "only when the real Prometheus scrapes every model host and has the alerting rules loaded",
    "[backlog][prometheus][e2e]") {
  CliHarness h("prometheus-estate", HX_BIN);
  // Ollama (probed: it has no /metrics) comes up late, so its probe fails first.
  SimProcess sim(
      {{"--qdrant", "{PORT}", "--api-key", "prom-admin-key", "--read-only-key", "prom-ro-key"},
       {"--ollama", "{PORT}", "--model", "m", "--up-after", "12"},
       {"--llama-server", "{PORT}", "--model", "m", "--metrics"},
       {"--vllm", "{PORT}", "--model", "m"}},
      hx::test::freshExchangeLog("prometheus-estate"));
  hx::test::BlackboxExporter blackbox(h.dir());
  REQUIRE(blackbox.ready());
  std::filesystem::create_directories(h.dir() / "prom");
  // Until hxctl writes its config, this Prometheus scrapes nothing.
  PrometheusProcess prometheus(h.dir() / "prom", "  []\n");
  REQUIRE(prometheus.ready());
  std::ofstream(h.dir() / "qdrant-ro") << "prom-ro-key";
  const std::string p = prometheus.url();
  const std::string alerts = std::string(HX_SOURCE_DIR) + "/examples/monitoring/alerts.yml";
  auto host = [&](const std::string& name, const std::string& type, int port,
                  const std::string& extra = "") {
    return "---\napiVersion: hx/v1\nkind: Host\nmetadata: {name: " + name +
           "}\nspec:\n  address: 127.0.0.1\n  api: {type: " + type +
           ", url: \"http://127.0.0.1:" + std::to_string(port) + extra + "\"" +
           (type == "qdrant" ? ", auth: {env: HX_QDRANT_KEY}" : "") +
           (type == "openai" && extra.empty() ? ", flavor: vllm" : "") + "}\n" +
           "  health: {interval: 2s, timeout: 1s, failureThreshold: 1, successThreshold: 1}\n";
  };
  h.writeSpec("hosts.yaml", host("vdb", "qdrant", sim.port(0)) +
                                host("ollama", "ollama", sim.port(1)) +
                                host("llama", "openai", sim.port(2), "/v1") +
                                host("vllm", "openai", sim.port(3)));
  h.writeSpec("monitoring.yaml",
              "apiVersion: hx/v1\nkind: Prometheus\nmetadata: {name: estate}\nspec:\n"
              "  host: vdb\n  url: \"" +
                  p + "\"\n  configFile: " + prometheus.config().string() +
                  "\n  reloadCommand: [kill, -HUP, \"" + std::to_string(prometheus.pid()) +
                  "\"]\n  scrapeInterval: 1s\n  ruleFiles: [\"" + alerts +
                  "\"]\n  qdrantCredentialsFile: " + (h.dir() / "qdrant-ro").string() +
                  "\n  blackboxExporter: \"" + blackbox.address() + "\"\n");
  const std::string proves = ", proves: Metrics collection operational}\n";
  h.writeSpec("backlog.yaml",
              "apiVersion: hx/v1\nkind: Task\nmetadata: {name: \"1.3.6\"}\nspec:\n"
              "  title: Prometheus Monitoring for Live Models\n  priority: medium\n"
              "  completionCriteria: [Metrics collection operational, Alerting rules "
              "implemented]\n  criteria:\n"
              "    - prometheusTarget: {url: \"" +
                  p + "\", job: qdrant" + proves + "    - prometheusTarget: {url: \"" + p +
                  "\", job: llm-metrics, minTargets: 2" + proves +
                  "    - prometheusTarget: {url: \"" + p + "\", job: llm-probe, probe: true" +
                  proves + "    - prometheusRules: {url: \"" + p +
                  "\", alerts: [HxctlDown, HxctlTaskRegressed], proves: Alerting rules "
                  "implemented}\n");
  const std::string env = "HX_QDRANT_KEY=prom-admin-key";
  auto task = [&] {
    return hx::test::tasksById(h.run("status -f specs --refresh -o json", env))["1.3.6"];
  };

  Json before = task();
  INFO(before.dump());
  CHECK(before["status"] == "ready");
  CHECK(before.dump().find("Prometheus has no target in job qdrant") != std::string::npos);
  CHECK(before.dump().find("Prometheus has no alerting rules loaded") != std::string::npos);

  Run plan = h.run("plan -f specs", env);
  INFO(plan.out << plan.err);
  // The Prometheus already has a config (as Debian's package ships one): hxctl takes it over,
  // and the plan says so and shows the jobs it adds.
  CHECK(plan.out.find("~ Prometheus/estate  (on vdb)  (adopting)") != std::string::npos);
  CHECK(plan.out.find("config.scrape_configs: [] -> [") != std::string::npos);
  Run apply = h.run("apply --auto-approve -f specs", env);
  INFO(apply.out << apply.err);
  REQUIRE(apply.code == 0);

  // What hxctl wrote: hxctl's header, readable by the prometheus user, every host a target.
  std::ifstream in(prometheus.config());
  std::stringstream written;
  written << in.rdbuf();
  INFO(written.str());
  CHECK(written.str().rfind("# Written by hxctl for Prometheus/estate", 0) == 0);
  CHECK((std::filesystem::status(prometheus.config()).permissions() &
         std::filesystem::perms::others_read) != std::filesystem::perms::none);
  for (const char* job : {"\"qdrant\"", "\"llm-metrics\"", "\"llm-probe\""})
    CHECK(written.str().find(job) != std::string::npos);
  CHECK(written.str().find("prom-ro-key") == std::string::npos);  // a file path, not the key
  CHECK(written.str().find("prom-admin-key") == std::string::npos);

  // The probe of Ollama fails while it is down: not completed, and the reason names it.
  Json probing;
  CHECK(hx::test::eventually(
      [&] {
        probing = task();
        return probing.dump().find("the probe of http://127.0.0.1:" + std::to_string(sim.port(1)) +
                                   "/api/version fails") != std::string::npos;
      },
      10));
  CHECK(probing["status"] != "completed");

  // Once it is up, everything is scraped and the rules are loaded: 1.3.6 completes.
  Json after;
  CHECK(hx::test::eventually(
      [&] {
        after = task();
        return after["status"] == "completed";
      },
      40));
  INFO(after.dump());
  CHECK(after.dump().find("2/2 targets up") != std::string::npos);
  CHECK(after.dump().find("1/1 probes succeed") != std::string::npos);

  // The file round-trips: a second plan has nothing to change.
  Run again = h.run("plan -f specs --detailed-exitcode", env);
  INFO(again.out << again.err);
  CHECK(again.code == 0);
  CHECK(again.out.find("No changes.") != std::string::npos);

  // A host added to the specs is a change to the config.
  h.writeSpec("more.yaml", host("vllm2", "openai", sim.port(3), "/v1"));
  Run changed = h.run("plan -f specs", env);
  INFO(changed.out);
  CHECK(changed.out.find("~ Prometheus/estate") != std::string::npos);
}
