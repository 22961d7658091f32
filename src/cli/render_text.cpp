#include <iomanip>
#include <map>

#include "reconciler/kinds.h"
#include "src/cli/render.h"
#include "src/platform/command_runner.h"
#include "src/providers/ufw/ufw_provider.h"

namespace hx {

namespace {
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kRed = "31";
constexpr const char* kCyan = "36";
constexpr const char* kDim = "2";
constexpr const char* kBold = "1";

const char* symbolOf(ActionType t) {
  switch (t) {
    case ActionType::kCreate:
      return "+";
    case ActionType::kUpdate:
      return "~";
    case ActionType::kReplace:
      return "-/+";
    case ActionType::kDelete:
      return "-";
    case ActionType::kDeferred:
      return "…";
    case ActionType::kOrphan:
      return "?";
    default:
      return "!";
  }
}

const char* colorOf(ActionType t) {
  switch (t) {
    case ActionType::kCreate:
      return kGreen;
    case ActionType::kUpdate:
      return kYellow;
    case ActionType::kReplace:
    case ActionType::kDelete:
      return kRed;
    case ActionType::kDeferred:
      return kCyan;
    case ActionType::kOrphan:
      return kDim;
    default:
      return kRed;
  }
}

std::string where(const PlanAction& a) {
  std::string host = a.host.empty() ? a.previousHost : a.host;
  return host.empty() ? "" : "  (on " + host + ")";
}
}  // namespace

std::string Style::paint(const std::string& text, const char* code) const {
  if (!color) return text;
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

std::string showValue(const Json& v, bool sensitive) {
  if (sensitive) return "(sensitive)";
  if (v.is_null()) return "(none)";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void renderDiagnosticsText(std::ostream& out, const LoadResult& loaded, const Style& style) {
  const auto& diags = loaded.diagnostics;
  for (const auto& w : loaded.warnings)
    out << style.paint("warning: ", kYellow) << formatDiagnostic(w) << "\n";
  for (size_t i = 0; i < diags.size() && i < kPrintedDiagnostics; ++i)
    out << style.paint("error: ", kRed) << formatDiagnostic(diags[i]) << "\n";
  const size_t total = loaded.errorCount();
  if (total > kPrintedDiagnostics)
    out << "... and " << total - kPrintedDiagnostics << " more errors, not shown (" << total
        << " in all; fix these first)\n";
  const size_t files = loaded.files.size();
  if (total == 0)
    out << "Valid: " << files << " file" << (files == 1 ? "" : "s") << ", no errors.\n";
  else
    out << total << " error" << (total == 1 ? "" : "s") << "; nothing was changed.\n";
}

// What a firewall action will run, so a reviewer sees the exact ufw calls (and that a no-op
// runs none). Rule numbers for `insert` are as the spec gives them.
static std::vector<std::vector<std::string>> ufwCommandsOf(const PlanAction& a) {
  if (!isChange(a.type)) return {};
  if (a.id.kind == kind::kFirewallRule) return UfwHost::ruleCommands(a, 1 << 20, 1 << 21);
  if (a.id.kind == kind::kFirewall)
    return UfwHost::stateCommands(a.desired, a.observed.is_null() ? Json::object() : a.observed);
  return {};
}

void renderPlanText(std::ostream& out, const Plan& plan, const Style& style) {
  if (!plan.hosts.empty()) {
    out << style.paint("Hosts:", kBold) << "\n";
    for (const auto& h : plan.hosts) {
      std::string status = hostStatusName(h.observation.status);
      const char* color = h.observation.status == HostStatus::kActive ? kGreen : kYellow;
      out << "  " << std::left << std::setw(20) << h.name << style.paint(status, color);
      if (h.observation.since > 0)
        out << " since " << formatTime(h.observation.since);
      else
        out << " (never seen healthy)";
      if (!h.observation.evidence.empty()) out << style.paint("  " + h.observation.evidence, kDim);
      out << "\n";
    }
    out << "\n";
  }
  bool any = false;
  for (const auto& a : plan.actions) {
    if (a.type == ActionType::kNoOp) continue;
    if (!any) out << style.paint("Actions:", kBold) << "\n";
    any = true;
    out << "  " << style.paint(std::string(symbolOf(a.type)) + " " + a.id.str(), colorOf(a.type))
        << where(a);
    if (a.adopting) out << "  (adopting)";
    out << "\n";
    if (!a.reason.empty() && a.type != ActionType::kCreate)
      out << "      " << style.paint(a.reason, a.type == ActionType::kDeferred ? kCyan : kDim)
          << "\n";
    if (a.type == ActionType::kDeferred || a.type == ActionType::kOrphan ||
        a.type == ActionType::kConflict || a.type == ActionType::kUnobservable ||
        a.type == ActionType::kUnfixable)
      continue;
    for (const auto& line : ufwCommandsOf(a))
      out << "      " << style.paint("ufw " + formatCommand(line), kDim) << "\n";
    for (const auto& c : a.changes) {
      out << "      " << c.path << ": ";
      if (a.type == ActionType::kCreate)
        out << showValue(c.after, c.sensitive);
      else if (c.sensitive)
        out << "(sensitive) changed";
      else
        out << showValue(c.before, false) << " -> " << showValue(c.after, false);
      if (c.forcesReplace && a.type != ActionType::kCreate)
        out << style.paint("  (forces replacement)", kRed);
      out << "\n";
    }
  }
  if (any) out << "\n";
  if (!plan.notes.empty()) {
    out << style.paint("Notes:", kBold) << "\n";
    for (const auto& n : plan.notes) out << "  " << style.paint(n, kYellow) << "\n";
    out << "\n";
  }
  PlanSummary s = plan.summary();
  out << style.paint(summaryLine(s), kBold) << "\n";
  if (s.refused > 0)
    out << s.refused << " resource" << (s.refused == 1 ? "" : "s")
        << " cannot be applied as planned (marked !); see the reasons above.\n";
  if (s.orphaned > 0)
    out << s.orphaned << " object" << (s.orphaned == 1 ? " is" : "s are")
        << " no longer declared and left in place (marked ?).\n";
}

void renderResultsText(std::ostream& out, const std::vector<ActionResult>& results,
                       const Style& style) {
  if (results.empty()) return;
  out << "\n" << style.paint("Results:", kBold) << "\n";
  std::map<std::string, int> counts;
  for (const auto& r : results) {
    ++counts[actionOutcomeName(r.outcome)];
    const char* color = r.outcome == ActionOutcome::kSucceeded ? kGreen
                        : r.outcome == ActionOutcome::kFailed  ? kRed
                                                               : kYellow;
    out << "  " << std::left << std::setw(34) << r.id.str() << std::setw(9)
        << actionTypeName(r.type) << style.paint(actionOutcomeName(r.outcome), color);
    if (r.attempts > 1) out << " after " << r.attempts << " attempts";
    if (r.outcome != ActionOutcome::kSkipped) out << " (" << r.durationMs << " ms)";
    if (!r.error.isOk()) out << "\n      " << r.error.message();
    out << "\n";
  }
  out << "\nApplied: " << counts["succeeded"] << " succeeded, " << counts["failed"] << " failed, "
      << counts["skipped"] << " skipped.\n";
}

void renderHistoryText(std::ostream& out, const std::vector<RunRecord>& runs) {
  if (runs.empty()) {
    out << "No runs recorded yet.\n";
    return;
  }
  out << std::left << std::setw(6) << "RUN" << std::setw(22) << "STARTED" << std::setw(9)
      << "COMMAND" << std::setw(13) << "STATUS" << std::setw(6) << "EXIT" << std::setw(16) << "WHO"
      << "SUMMARY\n";
  for (const auto& r : runs) {
    out << std::left << std::setw(6) << r.id << std::setw(22) << formatTime(r.startedAt)
        << std::setw(9) << r.command << std::setw(13) << r.status << std::setw(6)
        << (r.exitCode ? std::to_string(*r.exitCode) : "-") << std::setw(16)
        << (r.user + "@" + r.hostname).substr(0, 15) << r.summary << "\n";
  }
}

void renderRunText(std::ostream& out, const RunRecord& run,
                   const std::vector<ActionRecord>& actions) {
  out << "Run " << run.id << ": " << run.command << " by " << run.user << "@" << run.hostname
      << " (pid " << run.pid << "), started " << formatTime(run.startedAt) << ", " << run.status;
  if (run.exitCode) out << ", exit " << *run.exitCode;
  out << "\nSpecs digest: " << run.specDigest << "\n";
  if (!run.summary.empty()) out << run.summary << "\n";
  out << "\n";
  for (const auto& a : actions) {
    out << "  " << std::left << std::setw(34) << a.resource << std::setw(14) << a.action
        << std::setw(12) << a.status;
    if (a.attempts > 0) out << a.attempts << " attempt" << (a.attempts == 1 ? "" : "s") << ", ";
    out << a.durationMs << " ms\n";
    if (!a.error.empty())
      out << "      " << a.error << "\n";
    else if (!a.reason.empty() && a.status != "succeeded")
      out << "      " << a.reason << "\n";
  }
}

}  // namespace hx
