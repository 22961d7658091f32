// One retry policy for every request hxctl makes to a host (Qdrant, Ollama, OpenAI-compatible
// servers): a request that is safe to repeat and failed with kTransient (a refused or cut
// connection, a timeout, 5xx, 408, 429) is tried again, up to `attempts` times, with capped
// exponential back-off and jitter. What still fails is kUnavailable, naming the attempts, so that
// callers above (the executor) do not multiply the retries. Health probes are not retried here:
// the host status machine counts their failures.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>

#include "reconciler/clock.h"
#include "reconciler/status.h"

namespace hx {

struct RetryPolicy {
  int attempts = 5;
  int64_t initialBackoffMs = 100;
  int64_t maxBackoffMs = 2000;
};

template <typename T>
Result<T> withRetries(Clock& clock, const RetryPolicy& policy,
                      const std::function<Result<T>()>& once) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    Result<T> r = once();
    if (r || !r.status().retryable()) return r;
    if (attempt >= policy.attempts)
      return Status::error(ErrorKind::kUnavailable, r.status().message() + " (after " +
                                                        std::to_string(attempt) + " attempts)");
    int64_t backoff = std::min(policy.initialBackoffMs << (attempt - 1), policy.maxBackoffMs);
    clock.sleepMillis(std::uniform_int_distribution<int64_t>(backoff / 2, backoff)(rng));
  }
}

}  // namespace hx
