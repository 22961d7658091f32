// The daemon's metrics, named after controller-runtime's where they apply
// (controller_runtime_reconcile_total -> hxctl_reconcile_total, ..._errors_total,
// ..._reconcile_time_seconds), labelled by resource kind instead of controller.
#pragma once

#include <map>
#include <set>
#include <string>

#include "reconciler/observed.h"
#include "src/daemon/metrics.h"
#include "src/run/apply_cycle.h"

namespace hx {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(const std::string& version);

  // After each cycle: trigger is why it ran ("interval", "host_status", "spec_change",
  // "sighup", "startup").
  void cycleDone(const CycleResult& cycle, const std::string& trigger, double seconds,
                 int64_t nowSeconds, bool selfHeal);
  void hosts(const std::map<std::string, HostObservation>& hosts);
  void specLoad(bool valid, int64_t lastGoodAt);
  void lockHeld(bool held);
  void backoffs(int count);
  // A daemon on a shared store: whether `instance` (this daemon) leads, in which term; counts
  // each time it starts or stops leading.
  void leadership(const std::string& instance, bool leading, int64_t term);

  std::string render() const { return registry_.render(); }

 private:
  MetricsRegistry registry_;
  std::set<std::string> drifting_;  // KIND/NAME that had drift at the last cycle
  bool leading_ = false;
};

}  // namespace hx
