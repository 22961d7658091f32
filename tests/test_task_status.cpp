#include <catch2/catch.hpp>

#include "reconciler/spec_parser.h"
#include "reconciler/task_status.h"

using namespace hx;

namespace {

const char* kBacklog = R"(apiVersion: hx/v1
kind: Host
metadata: {name: llm}
spec: {address: 127.0.0.1, api: {type: ollama, url: "http://127.0.0.1:1"}}
---
apiVersion: hx/v1
kind: Model
metadata: {name: m}
spec: {host: llm, model: "m:1b", capability: generate}
---
apiVersion: hx/v1
kind: Task
metadata: {name: first}
spec:
  title: first
  priority: high
  dependsOn: {hosts: [llm]}
  resources: [Model/m]
  criteria: [{modelAvailable: {model: m}}, {generate: {model: m}}]
---
apiVersion: hx/v1
kind: Task
metadata: {name: second}
spec:
  title: second
  priority: low
  dependsOn: {tasks: [first]}
  criteria: [{hostActive: {host: llm}}]
---
apiVersion: hx/v1
kind: Task
metadata: {name: later}
spec:
  title: later
  priority: low
  hold: {reason: not now}
  criteria: [{hostActive: {host: llm}}]
)";

struct Backlog {
  DesiredState desired;
  ObservedState observed;
  Plan plan;
  std::map<std::string, std::vector<bool>> passes;  // task -> criteria pass/fail
  std::set<std::string> cannotRun;                  // tasks whose failing checks could not run
  std::map<std::string, TaskRecord> previous;
  std::set<ResourceId> applying;

  Backlog() {
    ParsedSpecs parsed = parseSpecs(kBacklog, "backlog.yaml");
    REQUIRE(parsed.diagnostics.empty());
    desired.resources = parsed.resources;
  }
  void hostActive(bool up) {
    observed.hosts["llm"].status = up ? HostStatus::kActive : HostStatus::kPendingInstallation;
    observed.hosts["llm"].since = up ? 100 : 0;
  }
  std::map<std::string, TaskEvaluation> evaluate(int64_t now) {
    CriteriaSource criteria = [&](const Resource& task) {
      std::vector<CriterionResult> out;
      for (bool pass : passes[task.id.name]) {
        out.push_back(CriterionResult{"x", "y", pass, "", "", pass ? "" : "fails", now});
        out.back().unknown = !pass && cannotRun.count(task.id.name);
      }
      return out;
    };
    std::map<std::string, TaskEvaluation> out;
    for (auto& e : evaluateTasks(desired, observed, plan, applying, criteria, previous, now)) {
      previous[e.task] = TaskRecord{e.status, e.since};
      out[e.task] = std::move(e);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("task status: held, blocked on a host, blocked on a task", "[backlog]") {
  Backlog b;
  b.hostActive(false);
  auto e = b.evaluate(1000);
  CHECK(e["later"].status == TaskStatus::kHeld);
  CHECK(e["later"].waitingOn == std::vector<std::string>{"held: not now"});
  CHECK(e["first"].status == TaskStatus::kBlocked);
  CHECK(e["first"].waitingOn ==
        std::vector<std::string>{"host llm is pending_installation (never seen healthy)"});
  CHECK(e["first"].criteria.empty());  // blocked tasks are not checked
  CHECK(e["second"].status == TaskStatus::kBlocked);
  CHECK(e["second"].waitingOn ==
        std::vector<std::string>{"task first is blocked since 1970-01-01T00:16:40Z"});
  CHECK(e["first"].changed);
  CHECK(e["first"].since == 1000);
}

TEST_CASE("task status: ready, in progress, completed, regressed, and back", "[backlog]") {
  Backlog b;
  b.hostActive(true);
  b.passes["first"] = {false, false};
  PlanAction pull;
  pull.id = {"Model", "m"};
  pull.type = ActionType::kCreate;
  b.plan.actions.push_back(pull);  // its resource is not converged: the work can start
  auto e = b.evaluate(1000);
  CHECK(e["first"].status == TaskStatus::kReady);
  CHECK(e["first"].waitingOn.size() == 2);
  CHECK(e["second"].status == TaskStatus::kBlocked);

  b.applying.insert({"Model", "m"});  // this run is applying it (the pull failed half-way)
  e = b.evaluate(1050);
  CHECK(e["first"].status == TaskStatus::kInProgress);
  CHECK(e["first"].previous == TaskStatus::kReady);
  b.applying.clear();
  CHECK(b.evaluate(1060)["first"].status == TaskStatus::kReady);  // not applied, not underway

  b.plan.actions.clear();  // applied: converged, awaiting proof
  CHECK(b.evaluate(1100)["first"].status == TaskStatus::kInProgress);

  b.passes["first"] = {true, false};  // some criteria pass
  e = b.evaluate(1200);
  CHECK(e["first"].status == TaskStatus::kInProgress);
  CHECK_FALSE(e["first"].changed);
  CHECK(e["first"].since == 1100);

  b.passes["first"] = {true, true};
  b.passes["second"] = {false};
  e = b.evaluate(1250);
  CHECK(e["second"].status == TaskStatus::kReady);  // no resources of its own, nothing proven
  b.passes["second"] = {true};
  e = b.evaluate(1300);
  CHECK(e["first"].status == TaskStatus::kCompleted);
  CHECK(e["second"].status == TaskStatus::kCompleted);  // unblocked in the same pass

  b.passes["first"] = {true, false};
  e = b.evaluate(1400);
  CHECK(e["first"].status == TaskStatus::kRegressed);
  CHECK(e["first"].previous == TaskStatus::kCompleted);
  CHECK(e["second"].status == TaskStatus::kRegressed);  // was completed on top of it
  CHECK(e["second"].waitingOn ==
        std::vector<std::string>{"task first is regressed since 1970-01-01T00:23:20Z"});
  CHECK(b.evaluate(1450)["first"].status ==
        TaskStatus::kRegressed);  // stays regressed while failing

  b.passes["first"] = {true, true};
  CHECK(b.evaluate(1500)["first"].status == TaskStatus::kCompleted);
  b.hostActive(false);  // done work whose host is gone: regressed, not "blocked" (issue 17)
  CHECK(b.evaluate(1600)["first"].status == TaskStatus::kRegressed);
}

TEST_CASE(
    "task status: a completed task whose host dies is regressed, naming the host, and so "
    "is what was completed on top of it",
    "[backlog]") {
  Backlog b;
  b.hostActive(true);
  b.passes["first"] = {true, true};
  b.passes["second"] = {true};
  auto e = b.evaluate(1000);
  REQUIRE(e["first"].status == TaskStatus::kCompleted);
  REQUIRE(e["second"].status == TaskStatus::kCompleted);
  b.observed.hosts["llm"].status = HostStatus::kDegraded;
  b.observed.hosts["llm"].since = 1100;
  e = b.evaluate(1100);
  CHECK(e["first"].status == TaskStatus::kRegressed);
  CHECK(e["first"].waitingOn ==
        std::vector<std::string>{"host llm is degraded since 1970-01-01T00:18:20Z"});
  CHECK(e["second"].status == TaskStatus::kRegressed);
  CHECK(e["second"].waitingOn.front().rfind("task first is regressed", 0) == 0);
  b.hostActive(true);  // back: proven again
  CHECK(b.evaluate(1200)["first"].status == TaskStatus::kCompleted);
}

TEST_CASE("task status: a check that could not run is neither proof nor failure", "[backlog]") {
  Backlog b;
  b.hostActive(true);
  b.passes["first"] = {true, false};
  b.cannotRun.insert("first");
  auto e = b.evaluate(1000);
  CHECK(e["first"].status == TaskStatus::kInProgress);  // not proven: not completed
  CHECK(e["first"].waitingOn == std::vector<std::string>{"x y: could not check: fails"});
  b.passes["first"] = {true, true};
  REQUIRE(b.evaluate(1100)["first"].status == TaskStatus::kCompleted);
  b.passes["first"] = {true, false};
  e = b.evaluate(1200);
  CHECK(e["first"].status == TaskStatus::kCompleted);  // completed stays so: nothing disproved
  CHECK_FALSE(e["first"].changed);
  b.cannotRun.clear();  // now it runs, and fails
  CHECK(b.evaluate(1300)["first"].status == TaskStatus::kRegressed);
}

TEST_CASE(
    "task status: a check that presents a key another task delivers waits for that task, "
    "named, and a key sent as is couples nothing",
    "[backlog]") {
  ParsedSpecs parsed = parseSpecs(R"(apiVersion: hx/v1
kind: Host
metadata: {name: q}
spec: {address: 127.0.0.1, api: {type: qdrant, url: "http://127.0.0.1:1"}}
---
apiVersion: hx/v1
kind: Role
metadata: {name: reader}
spec: {qdrant: {global: r}}
---
apiVersion: hx/v1
kind: ApiKey
metadata: {name: jwt}
spec:
  role: reader
  secret: {env: K1}
  deliver: {qdrant: {server: q, tokenFile: /tmp/none.jwt}}
---
apiVersion: hx/v1
kind: ApiKey
metadata: {name: plain}
spec: {role: reader, secret: {env: K2}}
---
apiVersion: hx/v1
kind: Task
metadata: {name: hardening}
spec:
  title: hardening
  priority: low
  hold: {reason: "deferred by the users"}
  resources: [ApiKey/jwt, ApiKey/plain]
---
apiVersion: hx/v1
kind: Task
metadata: {name: auth}
spec:
  title: auth
  priority: high
  criteria: [{keyEnforced: {url: "http://127.0.0.1:1/collections", key: jwt}}]
---
apiVersion: hx/v1
kind: Task
metadata: {name: perf}
spec:
  title: perf
  priority: high
  criteria: [{load: {target: {url: "http://127.0.0.1:2/"}, key: plain}}]
)",
                                  "keys.yaml");
  REQUIRE(parsed.diagnostics.empty());
  DesiredState desired;
  desired.resources = parsed.resources;
  ObservedState observed;
  int checked = 0;
  CriteriaSource criteria = [&](const Resource&) {
    ++checked;
    return std::vector<CriterionResult>{CriterionResult{"x", "y", true, "", "", "", 5}};
  };
  std::map<std::string, TaskRecord> previous;
  std::map<std::string, TaskEvaluation> e;
  for (auto& t : evaluateTasks(desired, observed, Plan{}, {}, criteria, previous, 10))
    e[t.task] = std::move(t);
  CHECK(e["hardening"].status == TaskStatus::kHeld);
  CHECK(e["auth"].status == TaskStatus::kBlocked);
  CHECK(e["auth"].waitingOn ==
        std::vector<std::string>{"ApiKey/jwt, which its keyEnforced check presents, is not "
                                 "delivered until task hardening completes (task hardening is "
                                 "held: deferred by the users)"});
  CHECK(e["auth"].criteria.empty());
  // X-API-Key to a gateway works before delivery: perf is checked, and completes.
  CHECK(e["perf"].status == TaskStatus::kCompleted);
  CHECK(checked == 1);
  // A task that completed and then waits on such a key again has regressed, as with a host.
  previous["auth"] = TaskRecord{TaskStatus::kCompleted, 5};
  for (auto& t : evaluateTasks(desired, observed, Plan{}, {}, criteria, previous, 20))
    if (t.task == "auth") CHECK(t.status == TaskStatus::kRegressed);
}

TEST_CASE(
    "task status: a checked prerequisite that fails blocks the task with its words, before its "
    "criteria run, and regresses a done one",
    "[backlog]") {
  ParsedSpecs parsed = parseSpecs(R"(apiVersion: hx/v1
kind: Host
metadata: {name: web}
spec: {address: 127.0.0.1, api: {type: ollama, url: "http://127.0.0.1:1"}}
---
apiVersion: hx/v1
kind: Task
metadata: {name: ui}
spec:
  title: ui
  priority: high
  prerequisites:
    - words only are shown, never checked
    - {prerequisite: web server operational, check: {hostActive: {host: web}}}
  criteria: [{hostActive: {host: web}}]
)",
                                  "pre.yaml");
  REQUIRE(parsed.diagnostics.empty());
  DesiredState desired;
  desired.resources = parsed.resources;
  REQUIRE(checkedPrerequisites(desired.resources[1]).size() == 1);
  CHECK(checkedPrerequisites(desired.resources[1])[0].first == "web server operational");
  bool up = false;
  int criteriaRun = 0;
  CriteriaSource prerequisites = [&](const Resource&) {
    CriterionResult r{"hostActive", "Host/web", up, "", "active", up ? "" : "host web is down", 5};
    r.prerequisite = "web server operational";
    return std::vector<CriterionResult>{r};
  };
  CriteriaSource criteria = [&](const Resource&) {
    ++criteriaRun;
    return std::vector<CriterionResult>{
        CriterionResult{"hostActive", "Host/web", true, "active", "active", "", 5}};
  };
  std::map<std::string, TaskRecord> previous;
  auto ui = [&](int64_t now) {
    for (auto& t : evaluateTasks(desired, ObservedState{}, Plan{}, {}, criteria, previous, now,
                                 prerequisites))
      if (t.task == "ui") {
        previous["ui"] = TaskRecord{t.status, t.since};
        return t;
      }
    FAIL("no evaluation of ui");
    return TaskEvaluation{};
  };
  TaskEvaluation e = ui(10);
  CHECK(e.status == TaskStatus::kBlocked);
  CHECK(e.waitingOn == std::vector<std::string>{"prerequisite not met: web server operational "
                                                "(hostActive Host/web: host web is down)"});
  CHECK(criteriaRun == 0);
  // Kept with the evaluation, marked, so the records alone give the same reason.
  REQUIRE(e.criteria.size() == 1);
  CHECK(e.criteria[0].prerequisite == "web server operational");
  up = true;
  e = ui(20);
  CHECK(e.status == TaskStatus::kCompleted);
  CHECK(criteriaRun == 1);
  CHECK(e.criteria.size() == 1);
  CHECK(e.criteria[0].prerequisite.empty());
  up = false;
  CHECK(ui(30).status == TaskStatus::kRegressed);
}
