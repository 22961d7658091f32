// hxctl describe KIND/NAME: one object's whole story from the specs and the records, as kubectl
// describe gives it: where it is declared, its spec (sensitive values hidden), what was last
// observed of it, what the plan would do, the tasks that gate it, and its recent actions. Reads
// only (the records, never the hosts).
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/cli/commands.h"
#include "src/cli/exit_codes.h"
#include "src/cli/load_specs.h"
#include "src/run/prepare.h"

namespace hx {

namespace {

// The spec as it may be shown: every sensitive field ("entries.*.secretDigest") as
// "(sensitive)".
Json shownSpec(const Resource& r) {
  Json spec = r.spec;
  const KindDescriptor* kind = findKind(r.id.kind);
  if (!kind) return spec;
  for (const auto& path : kind->sensitiveFields) {
    std::vector<Json*> at = {&spec};
    std::string rest = path;
    while (!rest.empty()) {
      const std::string part = rest.substr(0, rest.find('.'));
      rest = rest.find('.') == std::string::npos ? "" : rest.substr(rest.find('.') + 1);
      std::vector<Json*> next;
      for (Json* j : at) {
        if (!j->is_object()) continue;
        if (part == "*") {
          for (auto& [k, v] : j->items()) next.push_back(&v);
        } else if (j->contains(part)) {
          next.push_back(&(*j)[part]);
        }
      }
      at = std::move(next);
    }
    for (Json* j : at) *j = "(sensitive)";
  }
  return spec;
}

Json observedJson(const Resource& r, const Prepared& p) {
  if (r.id.kind == kind::kHost) {
    HostObservation h = p.observed.host(r.id.name);
    return {{"status", hostStatusName(h.status)},
            {"since", h.since ? Json(formatTime(h.since)) : Json()},
            {"last_probe", h.lastProbeMs ? Json(formatTime(h.lastProbeMs / 1000)) : Json()},
            {"version", h.version},
            {"evidence", h.evidence}};
  }
  const KindDescriptor* kind = findKind(r.id.kind);
  if (!kind || !kind->managed) return nullptr;
  const std::string host = objectHost(r);
  if (auto f = p.observed.failures.find(ObservationScope{r.id.kind, host});
      f != p.observed.failures.end())
    return {{"found", false}, {"could_not_observe", f->second}};
  const ObservedObject* o = p.observed.find(r.id.kind, host, objectKey(r));
  if (!o) return {{"found", false}, {"host", host}};
  return {{"found", true}, {"host", host}, {"key", o->key}, {"fields", o->fields}};
}

Json planActionJson(const PlanAction* a) {
  if (!a) return nullptr;
  Json changes = Json::array();
  for (const auto& c : a->changes)
    changes.push_back({{"path", c.path},
                       {"before", c.sensitive ? Json("(sensitive)") : c.before},
                       {"after", c.sensitive ? Json("(sensitive)") : c.after}});
  return {{"action", actionTypeName(a->type)}, {"reason", a->reason}, {"changes", changes}};
}

std::string indented(const Json& j, const std::string& pad) {
  std::string text = toJsonText(j), out;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

int cmdDescribe(CliEnv& env, const CommonOptions& common, const std::string& what) {
  auto slash = what.find('/');
  if (slash == std::string::npos) {
    env.err << "error: describe " << what << ": expected KIND/NAME, e.g. Collection/docs\n";
    return exit_code::kError;
  }
  PlanCommandOptions options;
  options.offline = true;  // the records: describe probes nothing
  Prepared p;
  if (int rc = loadAndPrepare(env, common, options, p)) return rc;
  if (p.storeMissing) noteNoRecords(env, common);
  const ResourceId id{what.substr(0, slash), what.substr(slash + 1)};
  const Resource* r = p.loaded.desired.find(id);
  if (!r) {
    std::vector<std::string> names;
    for (const auto& x : p.loaded.desired.resources) names.push_back(x.id.str());
    env.err << "error: no " << what << " in the specs" << didYouMean(what, names) << "\n";
    return exit_code::kError;
  }
  Json gatedBy = Json::array();
  for (const auto* task : p.loaded.desired.ofKind(kind::kTask))
    for (const auto& ref : task->references)
      if (ref.role == RefRole::kGates && ref.target == id) gatedBy.push_back(task->id.name);
  Json actions = Json::array();
  if (auto recent = p.store->actionsOf(id.str(), 10))
    for (const auto& a : recent.value()) actions.push_back(actionJson(a));
  Json doc{{"resource", id.str()},
           {"declared_at", r->loc.file + ":" + std::to_string(r->loc.line)},
           {"labels", r->labels},
           {"spec", shownSpec(*r)},
           {"observed", observedJson(*r, p)},
           {"plan", planActionJson(p.plan.find(id))},
           {"gated_by_tasks", gatedBy},
           {"recent_actions", actions}};
  // A task: where it stands as last recorded, and what it waits on (a host, a task, a key
  // another task delivers, a prerequisite), as `status` shows it.
  if (id.kind == kind::kTask) {
    Json recorded = nullptr;
    if (auto evaluations = p.store->taskEvaluations(); evaluations) {
      if (auto e = evaluations.value().find(id.name); e != evaluations.value().end())
        recorded = {{"status", taskStatusName(e->second.status)},
                    {"since", e->second.since ? Json(formatTime(e->second.since)) : Json()},
                    {"waiting_on", e->second.waitingOn}};
    }
    doc["task_status"] = recorded;
  }
  if (common.json()) {
    env.out << toJsonText(doc) << "\n";
    return exit_code::kOk;
  }
  env.out << "Name:        " << id.str() << "\n"
          << "Declared at: " << doc["declared_at"].get<std::string>() << "\n";
  if (!r->labels.empty()) {
    env.out << "Labels:     ";
    for (const auto& [k, v] : r->labels) env.out << " " << k << "=" << v;
    env.out << "\n";
  }
  env.out << "Spec:\n" << indented(doc["spec"], "  ");
  env.out << "Observed (the last record):\n";
  if (doc["observed"].is_null())
    env.out << "  (not an object on a host)\n";
  else
    env.out << indented(doc["observed"], "  ");
  env.out << "Plan (from the last record): ";
  if (const PlanAction* a = p.plan.find(id))
    env.out << actionTypeName(a->type) << (a->reason.empty() ? "" : ": " + a->reason) << "\n";
  else
    env.out << "nothing\n";
  if (!gatedBy.empty()) {
    env.out << "Gated by tasks:";
    for (const auto& t : gatedBy) env.out << " " << t.get<std::string>();
    env.out << "\n";
  }
  if (id.kind == kind::kTask) {
    const Json& t = doc["task_status"];
    if (t.is_null()) {
      env.out << "Status:      not evaluated yet\n";
    } else {
      env.out << "Status:      " << t["status"].get<std::string>()
              << (t["since"].is_string() ? " since " + t["since"].get<std::string>() : "") << "\n";
      if (!t["waiting_on"].empty()) env.out << "Waiting on:\n";
      for (const auto& w : t["waiting_on"]) env.out << "  " << w.get<std::string>() << "\n";
    }
  }
  env.out << "Recent actions:" << (actions.empty() ? " none\n" : "\n");
  for (const auto& a : actions)
    env.out << "  run " << a["run"].dump() << "  " << a.value("started_at", "") << "  "
            << a.value("action", "") << " " << a.value("status", "")
            << (a.value("error", "").empty() ? "" : ": " + a.value("error", "")) << "\n";
  return exit_code::kOk;
}

}  // namespace hx
