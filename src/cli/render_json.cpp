#include "src/cli/render.h"

namespace hx {

std::string toJsonText(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

Json diagnosticsJson(const LoadResult& loaded) {
  auto located = [](const Diagnostic& d) {
    return Json{{"file", d.loc.file},
                {"line", d.loc.line},
                {"column", d.loc.column},
                {"path", d.path},
                {"message", d.message}};
  };
  Json errors = Json::array(), warnings = Json::array();
  for (const auto& d : loaded.diagnostics) errors.push_back(located(d));
  for (const auto& w : loaded.warnings) warnings.push_back(located(w));
  // "errors" holds the ones kept (spec_parser.h); "errorCount" counts them all.
  return {{"valid", loaded.ok()},
          {"files", loaded.files.size()},
          {"errorCount", loaded.errorCount()},
          {"errors", errors},
          {"warnings", warnings}};
}

Json planJson(const Plan& plan) {
  Json hosts = Json::array();
  for (const auto& h : plan.hosts)
    hosts.push_back(
        {{"name", h.name},
         {"status", hostStatusName(h.observation.status)},
         {"since", h.observation.since > 0 ? Json(formatTime(h.observation.since)) : Json()},
         {"evidence", h.observation.evidence}});
  Json actions = Json::array();
  for (const auto& a : plan.actions) {
    Json changes = Json::array();
    for (const auto& c : a.changes)
      changes.push_back({{"path", c.path},
                         {"before", c.sensitive ? Json("(sensitive)") : c.before},
                         {"after", c.sensitive ? Json("(sensitive)") : c.after},
                         {"sensitive", c.sensitive},
                         {"forces_replacement", c.forcesReplace}});
    Json deps = Json::array();
    for (const auto& d : a.dependsOn) deps.push_back(d.str());
    actions.push_back({{"resource", a.id.str()},
                       {"kind", a.id.kind},
                       {"name", a.id.name},
                       {"action", actionTypeName(a.type)},
                       {"reason", a.reason},
                       {"host", a.host},
                       {"key", a.key},
                       {"adopting", a.adopting},
                       {"depends_on", deps},
                       {"changes", changes}});
  }
  PlanSummary s = plan.summary();
  return {{"format_version", "1"},
          {"hosts", hosts},
          {"actions", actions},
          {"notes", plan.notes},
          {"summary",
           {{"add", s.add},
            {"change", s.change},
            {"replace", s.replace},
            {"destroy", s.destroy},
            {"deferred", s.deferred},
            {"refused", s.refused},
            {"orphaned", s.orphaned},
            {"line", summaryLine(s)}}}};
}

Json resultsJson(const std::vector<ActionResult>& results) {
  Json out = Json::array();
  for (const auto& r : results)
    out.push_back({{"resource", r.id.str()},
                   {"action", actionTypeName(r.type)},
                   {"outcome", actionOutcomeName(r.outcome)},
                   {"attempts", r.attempts},
                   {"duration_ms", r.durationMs},
                   {"error", r.error.isOk() ? Json() : Json(r.error.message())},
                   {"error_kind", r.error.isOk() ? Json() : Json(errorKindName(r.error.kind()))}});
  return out;
}

Json runJson(const RunRecord& r) {
  return {{"id", r.id},
          {"started_at", formatTime(r.startedAt)},
          {"ended_at", r.endedAt ? Json(formatTime(r.endedAt)) : Json()},
          {"user", r.user},
          {"hostname", r.hostname},
          {"pid", r.pid},
          {"command", r.command},
          {"spec_digest", r.specDigest},
          {"status", r.status},
          {"exit_code", r.exitCode ? Json(*r.exitCode) : Json()},
          {"summary", r.summary}};
}

Json actionJson(const ActionRecord& a) {
  return {{"id", a.id},
          {"run", a.runId},
          {"resource", a.resource},
          {"action", a.action},
          {"status", a.status},
          {"reason", a.reason},
          {"error", a.error},
          {"error_kind", a.errorKind},
          {"attempts", a.attempts},
          {"started_at", formatTime(a.startedAt)},
          {"duration_ms", a.durationMs}};
}

}  // namespace hx
