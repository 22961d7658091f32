// Completion criteria as live checks. Each returns a CriterionResult with what was measured, what
// was required, and why it failed. Checks only read, except `ingest`, which writes probe points
// into the collection and removes them again.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "reconciler/clock.h"
#include "reconciler/observed.h"
#include "reconciler/plan.h"
#include "reconciler/task_status.h"
#include "src/platform/http.h"

namespace hx {

struct LoadSpec;

// The search `load` and `overhead` send a collection: a query with a constant vector of its
// width, to its server's REST root or to `via` (a gateway in front of it).
void collectionSearch(const DesiredState& desired, const Resource& collection,
                      const std::optional<std::string>& via, LoadSpec& spec);

class CriteriaRunner {
 public:
  CriteriaRunner(HttpTransport& http, Clock& clock, bool loopbackOnly)
      : http_(http), clock_(clock), loopbackOnly_(loopbackOnly) {}

  // Where `availability` reads a host's recorded status transitions (the store's); without it,
  // that check says it has no history to read.
  using HostHistory = std::function<Result<std::vector<HostTransition>>(const std::string& host)>;
  void setHostHistory(HostHistory history) { history_ = std::move(history); }

  // Runs every criterion of `task`, in order, each dated now. With `reuseHeavyFor` > 0, a
  // passing `load` or `ingest` result in `previous` (the task's last results) younger than that
  // many seconds is kept rather than run again: those checks put real load on the estate.
  std::vector<CriterionResult> run(const Resource& task, const DesiredState& desired,
                                   const ObservedState& observed, const Plan& plan,
                                   const std::vector<CriterionResult>& previous = {},
                                   int64_t reuseHeavyFor = 0);
  // Runs the check of each of `task`'s prerequisites that has one, in order, each dated now and
  // marked with the prerequisite's words.
  std::vector<CriterionResult> runPrerequisites(const Resource& task, const DesiredState& desired,
                                                const ObservedState& observed, const Plan& plan);

 private:
  CriterionResult checkGuarded(const Json& criterion, const DesiredState& desired,
                               const ObservedState& observed, const Plan& plan);
  CriterionResult check(const Json& criterion, const DesiredState& desired,
                        const ObservedState& observed, const Plan& plan);
  CriterionResult generate(const Json& c, const DesiredState& desired);
  CriterionResult modelAvailable(const Json& c, const DesiredState& desired,
                                 const ObservedState& observed);
  CriterionResult modelHealthy(const Json& c, const DesiredState& desired,
                               const ObservedState& observed);
  CriterionResult corsAllowed(const Json& c, const DesiredState& desired);
  CriterionResult embed(const Json& c, const DesiredState& desired);
  CriterionResult ingest(const Json& c, const DesiredState& desired);
  CriterionResult load(const Json& c, const DesiredState& desired);
  CriterionResult httpGet(const std::string& kind, const Json& c, const DesiredState& desired);
  CriterionResult portExposureOf(const Json& c, const ObservedState& observed);
  // src/backlog/access_checks.cpp: who gets in, what a key may do, how much, and the ports.
  CriterionResult keyEnforced(const Json& c, const DesiredState& desired);
  CriterionResult keyDenied(const Json& c, const DesiredState& desired);
  CriterionResult rateLimited(const Json& c, const DesiredState& desired);
  CriterionResult httpStatus(const Json& c, const DesiredState& desired);
  CriterionResult serviceReachable(const Json& c, const DesiredState& desired);
  CriterionResult grpcHealth(const std::string& subject, const std::string& authority,
                             const std::string& service, HttpRequest request);
  // src/backlog/monitoring_checks.cpp: the estate's Prometheus and Grafana, asked directly.
  CriterionResult prometheusTarget(const Json& c);
  CriterionResult prometheusRules(const Json& c);
  CriterionResult grafanaDashboard(const Json& c);
  CriterionResult availability(const Json& c, const ObservedState& observed);
  CriterionResult overhead(const Json& c, const DesiredState& desired);

  HttpTransport& http_;
  Clock& clock_;
  bool loopbackOnly_;
  HostHistory history_;
};

}  // namespace hx
