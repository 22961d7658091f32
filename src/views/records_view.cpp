#include "src/views/records_view.h"

namespace hx {

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

Json runJson(const RunRecord& r) {
  return {{"id", r.id},
          {"started_at", formatTime(r.startedAt)},
          {"ended_at", r.endedAt ? Json(formatTime(r.endedAt)) : Json()},
          {"duration_ms", r.endedAt ? Json(r.durationMs) : Json()},
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
