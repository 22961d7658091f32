// Output formats. Renderers only format what the planner and executor decided.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reconciler/diagnostic.h"
#include "reconciler/loader.h"
#include "reconciler/plan.h"
#include "src/run/executor.h"
#include "src/views/records_view.h"
#include "state/store.h"

namespace hx {

struct Style {
  bool color = false;
  std::string paint(const std::string& text, const char* code) const;
};
// Color only on a TTY, never when NO_COLOR is set (https://no-color.org) or --no-color given.
Style detectStyle(bool isTty, bool noColorFlag);

// The first kPrintedDiagnostics errors, then how many more there are.
constexpr size_t kPrintedDiagnostics = 50;
void renderDiagnosticsText(std::ostream& out, const LoadResult& loaded, const Style& style);
Json diagnosticsJson(const LoadResult& loaded);

// What -o json prints: indented, and never throwing on text that is not UTF-8 (a host's answer
// may hold anything); such bytes become U+FFFD.
std::string toJsonText(const Json& j);
// -o yaml: the same document as YAML (src/cli/render_yaml.cpp).
std::string toYamlText(const Json& j);

void renderPlanText(std::ostream& out, const Plan& plan, const Style& style);

void renderResultsText(std::ostream& out, const std::vector<ActionResult>& results,
                       const Style& style);
Json resultsJson(const std::vector<ActionResult>& results);

void renderHistoryText(std::ostream& out, const std::vector<RunRecord>& runs);
void renderRunText(std::ostream& out, const RunRecord& run,
                   const std::vector<ActionRecord>& actions);

// A value as it may be shown: "(sensitive)" for sensitive fields, JSON otherwise.
std::string showValue(const Json& v, bool sensitive);

}  // namespace hx
