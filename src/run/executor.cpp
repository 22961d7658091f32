#include "src/run/executor.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

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

// The calling thread keeps the schedule and does all the recording (the listener's calls, the
// results), one event at a time; the workers only carry out the actions it hands them, at most
// one each, so an action recorded as started is one a worker runs.
std::vector<ActionResult> Executor::run(const Plan& plan) {
  ApplySchedule schedule(plan);
  std::vector<ActionResult> results;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<size_t> work;                           // guarded by mu: handed out, not yet taken
  std::deque<std::pair<size_t, ActionResult>> done;  // guarded by mu: ended, not yet recorded
  bool closing = false;                              // guarded by mu

  auto worker = [&]() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return closing || !work.empty(); });
      if (work.empty()) return;
      size_t i = work.front();
      work.pop_front();
      lock.unlock();
      ActionResult r = execute(schedule.action(i));  // the plan's actions do not change
      lock.lock();
      done.emplace_back(i, std::move(r));
      cv.notify_all();
    }
  };
  const size_t threads = std::min<size_t>(static_cast<size_t>(options_.parallelism),
                                          std::max<size_t>(schedule.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);

  auto record = [&](size_t i, ActionResult r) {
    listener_.finished(schedule.action(i), r);
    results.push_back(std::move(r));
  };
  size_t running = 0;
  while (true) {
    if (cancelled()) schedule.cancelRest();
    std::vector<size_t> starting;
    while (running + starting.size() < threads) {
      std::optional<size_t> i = schedule.findWork();
      if (!i) break;
      starting.push_back(*i);
    }
    std::vector<ApplySchedule::Settled> settled = schedule.takeSettled();
    if (!starting.empty() || !settled.empty()) {
      listener_.beginBurst();
      for (size_t i : starting) listener_.started(schedule.action(i));
      for (auto& s : settled) {
        const PlanAction& a = schedule.action(s.index);
        record(s.index, ActionResult{a.id, a.type, s.outcome,
                                     Status::error(ErrorKind::kUnavailable, s.why), 0, 0});
      }
      listener_.endBurst();
    }
    if (!starting.empty()) {
      running += starting.size();
      std::lock_guard<std::mutex> lock(mu);
      work.insert(work.end(), starting.begin(), starting.end());
      cv.notify_all();
    }
    if (schedule.done()) break;
    std::deque<std::pair<size_t, ActionResult>> ended;
    {
      std::unique_lock<std::mutex> lock(mu);
      // Woken by an action that ends; a cancel is noticed within the poll.
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !done.empty(); });
      ended.swap(done);
    }
    if (ended.empty()) continue;
    listener_.beginBurst();
    for (auto& [i, r] : ended) {
      --running;
      schedule.finished(i, r.outcome);
      record(i, std::move(r));
    }
    listener_.endBurst();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    closing = true;
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace hx
