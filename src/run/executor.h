// Carries out a plan through the providers: dependencies first, up to `parallelism` actions at
// once, transient failures retried with capped exponential back-off and jitter, dependents of a
// failed action skipped while independent branches go on. Deletes run after everything else.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/clock.h"
#include "reconciler/plan.h"
#include "reconciler/provider.h"

namespace hx {

// How an action ended: carried out, failed (after its retries), not started because something
// it depends on did not succeed, or not started because hxctl was stopping.
enum class ActionOutcome { kSucceeded, kFailed, kSkipped, kCancelled };
// "succeeded" | "failed" | "skipped" | "cancelled": the words of the store, history and output.
const char* actionOutcomeName(ActionOutcome o);

struct ActionResult {
  ResourceId id;
  ActionType type = ActionType::kNoOp;
  ActionOutcome outcome = ActionOutcome::kFailed;
  Status error;
  int attempts = 0;
  int64_t durationMs = 0;
};

// Told about every action as it starts and ends, always on the thread that called
// Executor::run, one call at a time: implementations need no locking of their own.
class ExecutionListener {
 public:
  virtual ~ExecutionListener() = default;
  virtual void started(const PlanAction& action) = 0;
  virtual void finished(const PlanAction& action, const ActionResult& result) = 0;
  // Around each burst of started() and finished() calls: the actions handed out together, or
  // the results that arrived together. A recorder writes a burst as one batch. Work is handed
  // out only after endBurst, so what started() records is recorded before the action runs.
  virtual void beginBurst() {}
  virtual void endBurst() {}
};

struct ExecutorOptions {
  int parallelism = 10;
  int maxAttempts = 4;
  int64_t initialBackoffMs = 250;
  int64_t maxBackoffMs = 8000;
  // Set from another thread (SIGTERM): actions in flight finish, none starts after, retries
  // stop, and every action not started is reported "cancelled".
  const std::atomic<bool>* cancel = nullptr;
};

class Executor {
 public:
  Executor(ProviderSet& providers, Clock& clock, ExecutionListener& listener,
           ExecutorOptions options);
  // Runs every create / update / replace / delete of `plan`; other actions are not results.
  std::vector<ActionResult> run(const Plan& plan);

 private:
  ActionResult execute(const PlanAction& action);
  int64_t backoffMs(int attempt);
  bool cancelled() const { return options_.cancel && options_.cancel->load(); }

  ProviderSet& providers_;
  Clock& clock_;
  ExecutionListener& listener_;
  ExecutorOptions options_;
};

}  // namespace hx
