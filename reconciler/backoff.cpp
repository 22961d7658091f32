#include "reconciler/backoff.h"

#include <algorithm>
#include <set>

#include "reconciler/observed.h"

namespace hx {

int64_t backoffDelaySeconds(int failures, const BackoffPolicy& policy) {
  if (failures < 1) return 0;
  int shift = std::min(failures - 1, 30);
  int64_t delay = policy.initialSeconds << shift;
  return std::min(delay, policy.maxSeconds);
}

Backoff afterFailure(const Backoff& previous, const std::string& error, int64_t now,
                     const BackoffPolicy& policy) {
  Backoff b;
  b.failures = previous.failures + 1;
  b.nextRetryAt = now + backoffDelaySeconds(b.failures, policy);
  b.lastError = error;
  return b;
}

int holdBackOff(Plan& plan, const std::map<std::string, Backoff>& backoffs, int64_t now) {
  std::set<ResourceId> held;
  for (auto& a : plan.actions) {
    if (!isChange(a.type)) continue;
    auto it = backoffs.find(a.id.str());
    if (it == backoffs.end() || it->second.nextRetryAt <= now) continue;
    const Backoff& b = it->second;
    a.reason = "backing off after " + std::to_string(b.failures) + " failure" +
               (b.failures == 1 ? "" : "s") + ": next retry at " + formatTime(b.nextRetryAt) +
               " (last error: " + b.lastError + ")";
    a.type = ActionType::kDeferred;
    held.insert(a.id);
  }
  // What depends on a held-back change waits with it, or it would fail for want of it.
  for (bool more = !held.empty(); more;) {
    more = false;
    for (auto& a : plan.actions) {
      if (!isChange(a.type)) continue;
      auto dep = std::find_if(a.dependsOn.begin(), a.dependsOn.end(),
                              [&](const ResourceId& d) { return held.count(d) > 0; });
      if (dep == a.dependsOn.end()) continue;
      a.reason = "waits for " + dep->str() + ", which is backing off";
      a.type = ActionType::kDeferred;
      held.insert(a.id);
      more = true;
    }
  }
  return static_cast<int>(held.size());
}

}  // namespace hx
