// MON.1 "Grafana Dashboard Setup" is proven by Grafana itself: hx-sim's Grafana personality
// (sim/grafana_personality.h, from Grafana's HTTP API and source) holds dashboards and data
// sources, and its data source health check really queries the Prometheus it names (Debian's
// real prometheus here), and its data source proxy passes the panels' queries on to it. The task
// stays ready while Grafana lacks the dashboard, a panel, a working data source, or data for a
// panel it names, and completes once all are there.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "child_process.h"
#include "cli_harness.h"
#include "prometheus_process.h"
#include "sim_process.h"

using namespace hx;
using hx::test::CliHarness;
using hx::test::PrometheusProcess;
using hx::test::SimProcess;

namespace {

const char* kToken = "glsa_hxsim_test_token";

int grafanaPost(const std::string& base, const std::string& path, const Json& body,
                Json* answer = nullptr) {
  return hx::test::grafanaPost(base, kToken, path, body, answer);
}

Json shippedDashboard() {
  std::ifstream in(std::string(HX_SOURCE_DIR) + "/examples/monitoring/grafana-dashboard.json");
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

std::string monTask(const std::string& grafana, const std::string& uid) {
  return "---\napiVersion: hx/v1\nkind: Task\nmetadata: {name: MON.1}\nspec:\n"
         "  title: Grafana Dashboard Setup\n  priority: low\n"
         "  completionCriteria: [System health overview]\n  criteria:\n"
         "    - grafanaDashboard: {url: \"" +
         grafana + "\", uid: " + uid +
         ", token: {env: HX_GRAFANA_TOKEN}, panels: [Host status, Backlog tasks by status], "
         "proves: System health overview}\n";
}

}  // namespace

TEST_CASE(
    "grafanaDashboard: MON.1 stays ready until Grafana has the dashboard, its panels and a "
    "working Prometheus data source, then completes",
    "[backlog][grafana][e2e]") {
  CliHarness h("grafana-dashboard", HX_BIN);
  // What Prometheus scrapes: a file of metrics served as is (Python's http.server), at first
  // only the backlog's series, not the hosts'.
  std::filesystem::create_directories(h.dir() / "exporter");
  auto exportMetrics = [&](const std::string& text) {
    std::ofstream(h.dir() / "exporter" / "metrics.tmp") << text;
    std::filesystem::rename(h.dir() / "exporter" / "metrics.tmp", h.dir() / "exporter" / "metrics");
  };
  exportMetrics("# TYPE hxctl_tasks gauge\nhxctl_tasks{status=\"ready\"} 1\n");
  const int exporterPort = hx::test::freePort();
  hx::test::ChildProcess exporter({"/usr/bin/python3", "-m", "http.server",
                                   std::to_string(exporterPort), "--bind", "127.0.0.1",
                                   "--directory", (h.dir() / "exporter").string()});
  REQUIRE(exporter.started());
  PrometheusProcess prometheus(h.dir(),
                               "  - {job_name: self, static_configs: [{targets: ['127.0.0.1:" +
                                   std::to_string(exporterPort) + "']}]}\n");
  REQUIRE(prometheus.ready());
  SimProcess sim({{"--grafana", "{PORT}", "--api-key", kToken}},
                 hx::test::freshExchangeLog("grafana-dashboard"));
  const std::string grafana = "http://127.0.0.1:" + std::to_string(sim.port(0));
  const Json dashboard = shippedDashboard();
  const std::string uid = dashboard.value("uid", "");
  REQUIRE_FALSE(uid.empty());
  h.writeSpec("backlog.yaml", monTask(grafana, uid));
  const std::string env = std::string("HX_GRAFANA_TOKEN=") + kToken;
  auto status = [&] {
    return hx::test::tasksById(h.run("status -f specs --refresh -o json", env))["MON.1"];
  };

  // No dashboard yet: ready (nothing it waits on), not completed, and the reason is Grafana's.
  Json t = status();
  INFO(t.dump());
  CHECK(t["status"] == "ready");
  CHECK(t.dump().find("Grafana has no dashboard with uid " + uid) != std::string::npos);

  // Without the token Grafana refuses, and the check says so (the token is never printed).
  Json refused = hx::test::tasksById(
      h.run("status -f specs --refresh -o json", "HX_GRAFANA_TOKEN=wrong"))["MON.1"];
  CHECK(refused["status"] != "completed");
  CHECK(refused.dump().find("Grafana refused the token") != std::string::npos);
  CHECK(refused.dump().find("wrong") == std::string::npos);

  // The dashboard without a data source: it would show nothing.
  REQUIRE(grafanaPost(grafana, "/api/dashboards/db", {{"dashboard", dashboard}}) == 200);
  t = status();
  CHECK(t["status"] == "ready");
  CHECK(t.dump().find("Grafana has no data source for ${datasource}") != std::string::npos);

  // A Prometheus data source that is down fails Grafana's own health check.
  const int nothing = hx::test::freePort();
  REQUIRE(grafanaPost(grafana, "/api/datasources",
                      {{"name", "Dead"},
                       {"type", "prometheus"},
                       {"url", "http://127.0.0.1:" + std::to_string(nothing)},
                       {"isDefault", true}}) == 200);
  t = status();
  CHECK(t["status"] == "ready");
  CHECK(t.dump().find("data source Dead fails its health check") != std::string::npos);

  // The real Prometheus as the default Prometheus data source: MON.1 completes.
  Json added;
  REQUIRE(grafanaPost(grafana, "/api/datasources",
                      {{"name", "Prometheus"},
                       {"type", "prometheus"},
                       {"url", prometheus.url()},
                       {"isDefault", true}},
                      &added) == 200);
  // A second data source of the same name is Grafana's 409.
  CHECK(grafanaPost(grafana, "/api/datasources",
                    {{"name", "Prometheus"}, {"type", "prometheus"}, {"url", prometheus.url()}}) ==
        409);
  // Only one default: the dead one stops being it, as Grafana keeps one default per org. The
  // host status panel draws nothing yet: not done, and it says which panel.
  REQUIRE(hx::test::eventually(
      [&] {
        t = status();
        return t.dump().find("no data in panel 'Host status': its queries return no series") !=
               std::string::npos;
      },
      20));
  INFO(t.dump());
  CHECK(t["status"] == "ready");
  // Once the hosts' series are scraped too, every named panel shows data: MON.1 completes.
  exportMetrics(
      "# TYPE hxctl_tasks gauge\nhxctl_tasks{status=\"ready\"} 1\n# TYPE hxctl_host_status "
      "gauge\nhxctl_host_status{host=\"llm\",status=\"active\"} 1\n"
      "hxctl_host_status{host=\"llm\",status=\"degraded\"} 0\n");
  REQUIRE(hx::test::eventually(
      [&] {
        t = status();
        return t["status"] == "completed";
      },
      20));
  INFO(t.dump());
  CHECK(t.dump().find("2 showing data, data source Prometheus healthy") != std::string::npos);

  // A panel the criterion names that the dashboard lacks fails it.
  Json cut = dashboard;
  cut["panels"].erase(0);  // "Host status"
  cut["version"] = 1;
  REQUIRE(grafanaPost(grafana, "/api/dashboards/db", {{"dashboard", cut}}) == 200);
  t = status();
  CHECK(t["status"] != "completed");
  CHECK(t.dump().find("no panel titled Host status") != std::string::npos);

  // Saving over a newer version without overwrite is Grafana's 412.
  Json stale = dashboard;
  stale["version"] = 0;
  Json answer;
  CHECK(grafanaPost(grafana, "/api/dashboards/db", {{"dashboard", stale}}, &answer) == 412);
  CHECK(answer.value("status", "") == "version-mismatch");
}
