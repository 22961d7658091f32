// Per-resource back-off for the daemon: a resource whose action failed is not retried on every
// cycle but after a capped exponential delay, so one broken object cannot hammer a server or
// drown the log. Pure: the store keeps the records, the daemon applies them to each plan.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "reconciler/plan.h"

namespace hx {

struct Backoff {
  int failures = 0;
  int64_t nextRetryAt = 0;  // unix seconds
  std::string lastError;
};

struct BackoffPolicy {
  int64_t initialSeconds = 10;
  int64_t maxSeconds = 600;
};

// The delay after the n-th consecutive failure (n >= 1): initial * 2^(n-1), capped. No jitter:
// the daemon's cycle interval already has it, and a visible retry time must be exact.
int64_t backoffDelaySeconds(int failures, const BackoffPolicy& policy);

// The record after one more failure at `now`.
Backoff afterFailure(const Backoff& previous, const std::string& error, int64_t now,
                     const BackoffPolicy& policy);

// Turns each change whose resource is still backing off into a deferral that says until when
// and why. Returns how many actions it held back.
int holdBackOff(Plan& plan, const std::map<std::string, Backoff>& backoffs, int64_t now);

}  // namespace hx
