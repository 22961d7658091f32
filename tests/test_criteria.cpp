// The completion checks in-process: what a manual criterion and an httpOk with `contains` report,
// on a scripted transport and a manual clock.
#include <catch2/catch.hpp>

#include "fakes/manual_clock.h"
#include "fakes/scripted_http.h"
#include "reconciler/spec_parser.h"
#include "src/backlog/criteria.h"
#include "src/backlog/load_generator.h"

using namespace hx;
using fake::ScriptedHttp;

namespace {

std::vector<CriterionResult> runTask(const std::string& criteria, ScriptedHttp& http) {
  ParsedSpecs parsed = parseSpecs(R"(apiVersion: hx/v1
kind: Task
metadata: {name: t}
spec:
  title: t
  priority: low
  criteria:
)" + criteria,
                                  "t.yaml");
  REQUIRE(parsed.diagnostics.empty());
  DesiredState desired;
  desired.resources = parsed.resources;
  fake::ManualClock clock;
  CriteriaRunner runner(http, clock, true);
  return runner.run(desired.resources[0], desired, ObservedState{}, Plan{});
}

}  // namespace

TEST_CASE("criteria: a manual criterion needs a person until the spec records who confirmed it",
          "[unit][criteria]") {
  ScriptedHttp http;
  auto open = runTask("    - manual: {criterion: Dashboards configured, why: no Grafana}\n", http);
  REQUIRE(open.size() == 1);
  CHECK_FALSE(open[0].pass);
  CHECK(open[0].value == "needs a person");
  CHECK(open[0].detail == "needs a person: Dashboards configured (no Grafana)");
  auto done = runTask(
      "    - manual: {criterion: Dashboards configured, confirmed: {by: dana, on: 2026-11-20}}\n",
      http);
  REQUIRE(done.size() == 1);
  CHECK(done[0].pass);
  CHECK(done[0].value == "confirmed by dana on 2026-11-20");
  CHECK(http.requests().empty());  // a manual criterion never reaches the network
}

TEST_CASE("criteria: httpOk with `contains` fails when another application answers",
          "[unit][criteria]") {
  ScriptedHttp http;
  http.on("GET", "/",
          {ScriptedHttp::text(200, "<title>Welcome to nginx!</title>"),
           ScriptedHttp::text(200, "<title>Qdrant Web UI</title>")});
  const std::string check =
      "    - httpOk: {url: \"http://127.0.0.1:3000/\", contains: Qdrant, proves: WebUI}\n";
  auto nginx = runTask(check, http);
  REQUIRE(nginx.size() == 1);
  CHECK_FALSE(nginx[0].pass);
  CHECK(nginx[0].detail == "the answer does not contain \"Qdrant\": another application answers");
  auto qdrant = runTask(check, http);
  CHECK(qdrant[0].pass);
  CHECK(qdrant[0].threshold == "2xx containing \"Qdrant\"");
}

TEST_CASE("the error-rate threshold is strict, as the seed's <1% is, counted in whole requests",
          "[backlog][criteria]") {
  CHECK(errorsBelow(199, 20000, 0.01));
  CHECK_FALSE(errorsBelow(200, 20000, 0.01));  // exactly 1.00 %: not below 1 %
  CHECK_FALSE(errorsBelow(201, 20000, 0.01));
  CHECK_FALSE(errorsBelow(3, 100, 0.01));
  CHECK(errorsBelow(0, 20000, 0.01));
  // 0 admits no error at all; a rate that no count reaches admits every one below it.
  CHECK(errorsBelow(0, 10, 0));
  CHECK_FALSE(errorsBelow(1, 1000000, 0));
  CHECK(errorsBelow(9, 10, 1.0));
  CHECK_FALSE(errorsBelow(10, 10, 1.0));
}
