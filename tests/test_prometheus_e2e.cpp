// The backlog asks a real Prometheus (Debian's `prometheus`, on loopback) whether it scrapes the
// estate: `prometheusTarget` passes only when the job's targets are up in Prometheus itself, not
// when a server merely serves metrics.
#include <catch2/catch.hpp>
#include <fstream>

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
