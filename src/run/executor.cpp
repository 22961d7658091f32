#include "src/run/executor.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "src/run/apply_schedule.h"

namespace hx {

const char* actionOutcomeName(ActionOutcome o) {
  switch (o) {
    case ActionOutcome::kSucceeded:
      return "succeeded";
    case ActionOutcome::kFailed:
      return "failed";
    case ActionOutcome::kSkipped:
      return "skipped";
    case ActionOutcome::kCancelled:
      return "cancelled";
  }
  return "?";
}

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
  ActionResult result{action.id, action.type, ActionOutcome::kFailed, Status::ok(), 0, 0};
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
  result.outcome = result.error.isOk() ? ActionOutcome::kSucceeded : ActionOutcome::kFailed;
  result.durationMs = clock_.nowMillis() - start;
  return result;
}

// The workers: each takes what the schedule (apply_schedule.h) hands out, runs it, and reports
// back; the schedule and the listener are used under one lock, so they see one thread at a time.
std::vector<ActionResult> Executor::run(const Plan& plan) {
  ApplySchedule schedule(plan);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ActionResult> results;  // guarded by mu

  // Reports actions the schedule settled without running; mu must be held.
  auto reportSettled = [&]() {
    for (auto& s : schedule.takeSettled()) {
      const PlanAction& a = schedule.action(s.index);
      ActionResult r{a.id, a.type, s.outcome, Status::error(ErrorKind::kUnavailable, s.why), 0, 0};
      listener_.finished(a, r);
      results.push_back(std::move(r));
    }
  };

  auto worker = [&]() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      if (cancelled()) schedule.cancelRest();
      std::optional<size_t> i = schedule.findWork();
      reportSettled();
      if (!i) {
        if (schedule.allTaken()) {
          cv.notify_all();
          return;
        }
        cv.wait(lock);
        continue;
      }
      const PlanAction& a = schedule.action(*i);
      listener_.started(a);
      lock.unlock();
      ActionResult r = execute(a);
      lock.lock();
      schedule.finished(*i, r.outcome);
      listener_.finished(a, r);
      results.push_back(std::move(r));
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  int threads = std::min<int>(options_.parallelism, std::max<size_t>(schedule.size(), 1));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace hx
