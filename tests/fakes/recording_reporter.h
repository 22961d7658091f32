// A Reporter that keeps every event, for tests that check what a run told its operator and how
// often, without parsing text.
#pragma once

#include <string>
#include <vector>

#include "src/run/reporter.h"

namespace hx::fake {

class RecordingReporter : public Reporter {
 public:
  struct Message {
    Severity severity;
    std::string text;
    std::vector<std::string> advice;
  };
  void message(Severity severity, const std::string& text,
               const std::vector<std::string>& advice = {}) override {
    messages.push_back({severity, text, advice});
  }
  void actionStarted(const PlanAction& a) override { started.push_back(a.id.str()); }
  void actionFinished(const PlanAction& a, const ActionResult& r) override {
    finished.push_back(a.id.str() + " " + actionOutcomeName(r.outcome));
  }
  std::vector<Message> messages;
  std::vector<std::string> started, finished;
};

}  // namespace hx::fake
