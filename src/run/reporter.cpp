#include "src/run/reporter.h"

#include <spdlog/spdlog.h>

namespace hx {

namespace {

const char* prefix(Severity s) {
  switch (s) {
    case Severity::kNote:
      return "note: ";
    case Severity::kWarning:
      return "warning: ";
    case Severity::kError:
      return "error: ";
  }
  return "";
}

}  // namespace

void StreamReporter::message(Severity severity, const std::string& text,
                             const std::vector<std::string>& advice) {
  err_ << prefix(severity) << text << "\n";
  for (const auto& line : advice) err_ << line << "\n";
}

void StreamReporter::actionStarted(const PlanAction& a) {
  err_ << "  " << a.id.str() << ": " << actionTypeName(a.type) << " ...\n";
}

void StreamReporter::actionFinished(const PlanAction& a, const ActionResult& r) {
  err_ << "  " << a.id.str() << ": " << actionTypeName(a.type) << " "
       << actionOutcomeName(r.outcome) << " (" << r.durationMs << " ms)\n";
}

void LogReporter::message(Severity severity, const std::string& text,
                          const std::vector<std::string>& advice) {
  std::string line = text;
  for (const auto& a : advice) line += " " + a;
  switch (severity) {
    case Severity::kNote:
      spdlog::info("{}", line);
      break;
    case Severity::kWarning:
      spdlog::warn("{}", line);
      break;
    case Severity::kError:
      spdlog::error("{}", line);
      break;
  }
}

void LogReporter::actionStarted(const PlanAction& a) {
  spdlog::info("{}: {} started", a.id.str(), actionTypeName(a.type));
}

void LogReporter::actionFinished(const PlanAction& a, const ActionResult& r) {
  if (r.outcome == ActionOutcome::kSucceeded)
    spdlog::info("{}: {} succeeded ({} ms)", a.id.str(), actionTypeName(a.type), r.durationMs);
  else
    spdlog::warn("{}: {} {} ({} ms): {}", a.id.str(), actionTypeName(a.type),
                 actionOutcomeName(r.outcome), r.durationMs, r.error.message());
}

}  // namespace hx
