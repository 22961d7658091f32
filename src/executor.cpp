#include "src/executor.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace hx {

Executor::Executor(ProviderSet& providers, Clock& clock, ExecutionListener& listener,
                   ExecutorOptions options)
    : providers_(providers), clock_(clock), listener_(listener), options_(options) {
  if (options_.parallelism < 1) options_.parallelism = 1;
  if (options_.maxAttempts < 1) options_.maxAttempts = 1;
}

int64_t Executor::backoffMs(int attempt) {
  int64_t base = options_.initialBackoffMs << std::min(attempt - 1, 20);
  int64_t capped = std::min(base, options_.maxBackoffMs);
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int64_t> jitter(capped / 2, capped);  // "equal jitter"
  return jitter(rng);
}

ActionResult Executor::execute(const PlanAction& action) {
  ActionResult result{action.id, action.type, "failed", Status::ok(), 0, 0};
  const std::string host = action.host.empty() ? action.previousHost : action.host;
  Provider* provider = providers_.providerFor(action.id.kind, host);
  int64_t start = clock_.nowMillis();
  if (!provider) {
    result.error = Status::error(ErrorKind::kUnavailable,
                                 "no provider serves " + action.id.kind + " on host " + host);
    return result;
  }
  for (int attempt = 1; attempt <= options_.maxAttempts; ++attempt) {
    result.attempts = attempt;
    try {
      result.error = provider->apply(action);
    } catch (const std::exception& e) {  // a barrier: a host's odd answer fails this action only
      result.error = Status::error(ErrorKind::kUnavailable,
                                   std::string("unexpected answer from the host: ") + e.what());
    }
    if (result.error.isOk() || !result.error.retryable() || cancelled()) break;
    if (attempt < options_.maxAttempts) clock_.sleepMillis(backoffMs(attempt));
  }
  result.outcome = result.error.isOk() ? "succeeded" : "failed";
  result.durationMs = clock_.nowMillis() - start;
  return result;
}

// The scheduling loop: a small thread pool pulls actions whose dependencies have succeeded.
// Deletes wait until every non-delete is done, then run in the planner's (reverse) order.
std::vector<ActionResult> Executor::run(const Plan& plan) {
  std::vector<const PlanAction*> todo;
  for (const auto& a : plan.actions)
    if (isChange(a.type)) todo.push_back(&a);

  std::mutex mu;
  std::condition_variable cv;
  std::map<ResourceId, std::string> outcome;  // guarded by mu
  std::set<size_t> taken;                     // guarded by mu
  std::vector<ActionResult> results;          // guarded by mu
  size_t nonDeletesLeft = 0;                  // guarded by mu
  for (const auto* a : todo) nonDeletesLeft += a->type != ActionType::kDelete;
  std::set<ResourceId> inPlan, deleting;
  for (const auto* a : todo) inPlan.insert(a->id);
  // A dependency that this plan deletes is not waited for: deletes run last, and there is
  // nothing to wait for in something that is going away (an expired key its gateway file drops).
  for (const auto* a : todo)
    if (a->type == ActionType::kDelete) deleting.insert(a->id);

  // Records how an action ended; mu must be held.
  auto finish = [&](const PlanAction& a, ActionResult r) {
    outcome[a.id] = r.outcome;
    if (a.type != ActionType::kDelete) --nonDeletesLeft;
    listener_.finished(a, r);
    results.push_back(std::move(r));
  };
  // The result of an action that never ran, and why.
  auto notRun = [](const PlanAction& a, const std::string& how, const std::string& why) {
    return ActionResult{a.id, a.type, how, Status::error(ErrorKind::kUnavailable, why), 0, 0};
  };

  // Returns the next runnable index, marks skips; mu must be held. npos when nothing is ready.
  std::function<size_t(bool*)> pick = [&](bool* allDone) -> size_t {
    *allDone = true;
    for (size_t i = 0; i < todo.size(); ++i) {
      if (taken.count(i)) continue;
      *allDone = false;
      const PlanAction& a = *todo[i];
      if (a.type == ActionType::kDelete && nonDeletesLeft > 0) continue;
      if (a.type == ActionType::kDelete) {
        bool earlierDeletePending = false;
        for (size_t j = 0; j < i; ++j)
          if (todo[j]->type == ActionType::kDelete && !outcome.count(todo[j]->id))
            earlierDeletePending = true;
        if (earlierDeletePending) continue;
      }
      std::string failedDep;
      bool waiting = false;
      for (const auto& dep : a.dependsOn) {
        if (!inPlan.count(dep) || (a.type != ActionType::kDelete && deleting.count(dep))) continue;
        auto it = outcome.find(dep);
        if (it == outcome.end())
          waiting = true;
        else if (it->second != "succeeded")
          failedDep = dep.str();
      }
      if (!failedDep.empty()) {
        taken.insert(i);
        finish(a, notRun(a, "skipped",
                         "skipped: depends on " + failedDep + ", which did not succeed"));
        cv.notify_all();
        return pick(allDone);
      }
      if (waiting) continue;
      taken.insert(i);
      return i;
    }
    return std::string::npos;
  };

  auto worker = [&]() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      if (cancelled()) {
        for (size_t i = 0; i < todo.size(); ++i) {
          if (taken.count(i)) continue;
          taken.insert(i);
          finish(*todo[i], notRun(*todo[i], "cancelled", "cancelled: hxctl is stopping"));
        }
        cv.notify_all();
        return;
      }
      bool allDone = false;
      size_t i = pick(&allDone);
      if (allDone) return;
      if (i == std::string::npos) {
        if (taken.size() == todo.size()) return;
        cv.wait(lock);
        continue;
      }
      const PlanAction& a = *todo[i];
      listener_.started(a);
      lock.unlock();
      ActionResult r = execute(a);
      lock.lock();
      finish(a, std::move(r));
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  int threads = std::min<int>(options_.parallelism, std::max<size_t>(todo.size(), 1));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace hx
