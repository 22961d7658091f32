// What a run tells its operator, as events. Who renders them is the caller's business: the CLI
// writes them as text to stderr (StreamReporter), the daemon logs them (LogReporter), tests record
// them. Code in run/ reports only through a RunEnv's report(); it never writes to a stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reconciler/plan.h"
#include "src/run/executor.h"

namespace hx {

enum class Severity { kNote, kWarning, kError };

class Reporter {
 public:
  virtual ~Reporter() = default;
  // A message; `advice` lines (what to do about it) belong to it and follow it.
  virtual void message(Severity severity, const std::string& text,
                       const std::vector<std::string>& advice = {}) = 0;
  virtual void actionStarted(const PlanAction& action) = 0;
  virtual void actionFinished(const PlanAction& action, const ActionResult& result) = 0;
};

// Text for a terminal or a pipe: "error: ...", "warning: ...", "note: ...", each advice line as
// it is; an action as "  Kind/name: create ..." and "  Kind/name: create succeeded (12 ms)".
class StreamReporter : public Reporter {
 public:
  explicit StreamReporter(std::ostream& err) : err_(err) {}
  void message(Severity severity, const std::string& text,
               const std::vector<std::string>& advice = {}) override;
  void actionStarted(const PlanAction& action) override;
  void actionFinished(const PlanAction& action, const ActionResult& result) override;

 private:
  std::ostream& err_;
};

// The daemon's: each event a log line (spdlog; journald under systemd) at its severity, an
// action's end at info when it succeeded and at warning otherwise.
class LogReporter : public Reporter {
 public:
  void message(Severity severity, const std::string& text,
               const std::vector<std::string>& advice = {}) override;
  void actionStarted(const PlanAction& action) override;
  void actionFinished(const PlanAction& action, const ActionResult& result) override;
};

}  // namespace hx
