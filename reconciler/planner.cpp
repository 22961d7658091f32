#include "reconciler/planner.h"

#include <algorithm>
#include <map>
#include <set>

#include "reconciler/diff.h"
#include "reconciler/firewall_guard.h"
#include "reconciler/graph.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/state_index.h"
#include "reconciler/values.h"

namespace hx {
namespace {

// Kinds come from the inventory too, which an older or newer hxctl may have written.
bool isCredential(const std::string& kind) {
  const KindDescriptor* k = findKind(kind);
  return k && k->credential;
}

std::string hostState(const std::string& name, const HostObservation& h) {
  std::string s = "host " + name + " is " + hostStatusName(h.status);
  if (h.since > 0) return s + " since " + formatTime(h.since);
  return s + " (never seen healthy)";
}

size_t kindIndex(const std::string& kind) {
  const auto& table = kinds();
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].name == kind) return i;
  return table.size();
}

class Planner {
 public:
  Planner(const DesiredState& desired, const ObservedState& observed, const Inventory& inventory,
          const PlanOptions& options, int64_t now)
      : now_(now),
        desired_(desired),
        observed_(observed),
        inventory_(inventory),
        options_(options),
        index_(desired, observed, inventory),
        graph_(desired) {}

  Plan run() {
    selectTargets();
    for (const auto* host : desired_.ofKind(kind::kHost))
      plan_.hosts.push_back(HostLine{host->id.name, observed_.host(host->id.name)});
    for (const auto& id : graph_.topologicalOrder()) {
      if (!selected_.count(id)) continue;
      const Resource* r = index_.resource(id);
      if (id.kind == kind::kHost)
        noteHost(*r);
      else if (id.kind == kind::kTask)
        noteTask(*r);
      else if (findKind(id.kind)->managed)
        plan_.actions.push_back(lightened(planManaged(*r)));
    }
    planUndeclared();
    planExclusiveFirewalls();
    guardFirewalls();
    return std::move(plan_);
  }

 private:
  void selectTargets() {
    if (!options_.target && options_.labels.empty()) {
      for (const auto& r : desired_.resources) selected_.insert(r.id);
      return;
    }
    std::vector<ResourceId> todo;
    if (options_.target) todo.push_back(*options_.target);
    if (!options_.labels.empty())
      for (const auto& r : desired_.resources)
        if (std::all_of(options_.labels.begin(), options_.labels.end(), [&](const auto& kv) {
              auto it = r.labels.find(kv.first);
              return it != r.labels.end() && it->second == kv.second;
            }))
          todo.push_back(r.id);
    while (!todo.empty()) {
      ResourceId id = todo.back();
      todo.pop_back();
      if (!selected_.insert(id).second) continue;
      for (const auto& dep : graph_.dependenciesOf(id)) todo.push_back(dep);
    }
  }

  void noteHost(const Resource& r) {
    HostObservation h = observed_.host(r.id.name);
    if (auto s = options_.suspended.find(r.id); s != options_.suspended.end())
      blocked_[r.id] = {"host " + r.id.name + " is suspended " + s->second};
    else if (h.status != HostStatus::kActive)
      blocked_[r.id] = {hostState(r.id.name, h)};
  }

  // A task's gate is closed while it is held or waits on something not yet there.
  void noteTask(const Resource& r) {
    const std::string name = "task " + r.id.name;
    if (r.spec.contains("hold")) {
      blocked_[r.id] = {name + " is held: " + r.spec["hold"].value("reason", ""), true};
      return;
    }
    for (const auto& dep : graph_.dependenciesOf(r.id)) {
      if (dep.kind == kind::kHost && blocked_.count(dep)) {
        blocked_[r.id] = {name + " is blocked: " + blocked_[dep].why};
        return;
      }
      if (dep.kind == kind::kTask) {
        auto it = observed_.tasks.find(dep.name);
        if (it == observed_.tasks.end() || it->second != TaskProgress::kCompleted) {
          blocked_[r.id] = {name + " is blocked: task " + dep.name + " is not completed"};
          return;
        }
      }
    }
  }

  // The most actionable blocker first: a human hold, then a host, then anything else.
  std::optional<std::string> deferralReason(const Resource& r) {
    std::optional<std::string> host, other;
    for (const auto& dep : graph_.dependenciesOf(r.id)) {
      auto it = blocked_.find(dep);
      if (it == blocked_.end()) continue;
      if (it->second.hold) return it->second.why;
      if (dep.kind == kind::kHost && !host) host = it->second.why;
      if (!other)
        other = (dep.kind == kind::kHost || dep.kind == kind::kTask)
                    ? it->second.why
                    : "depends on " + dep.str() + ", which " + it->second.why;
    }
    return host ? host : other;
  }

  PlanAction planManaged(const Resource& r) {
    const KindDescriptor& kind = *findKind(r.id.kind);
    PlanAction a;
    a.id = r.id;
    a.host = objectHost(r);
    a.key = objectKey(r);
    a.desired = comparableFields(r);
    a.spec = r.spec;
    a.sourceFile = r.loc.file;
    for (const auto& dep : graph_.dependenciesOf(r.id))
      if (findKind(dep.kind)->managed) a.dependsOn.push_back(dep);

    if (r.id.kind == kind::kGatewayKeyFile) dropExpiredEntries(a.desired);
    if (auto expired = planExpiry(r, a)) {
      if (expired->type == ActionType::kDelete || !deferralReason(r)) return *expired;
    }
    if (auto s = options_.suspended.find(r.id); s != options_.suspended.end()) {
      a.type = ActionType::kDeferred;
      a.reason = "deferred: suspended " + s->second + " (hxctl resume " + r.id.str() + ")";
      blocked_[r.id] = {"is suspended"};
      return a;
    }
    if (auto reason = deferralReason(r)) {
      a.type = ActionType::kDeferred;
      a.reason = "deferred: " + *reason;
      blocked_[r.id] = {"is deferred"};
      return a;
    }
    auto unresolved = desired_.unresolved.find(r.id);
    if (unresolved != desired_.unresolved.end()) {
      a.type = ActionType::kUnobservable;
      a.reason = "cannot resolve the desired value: " + unresolved->second;
      blocked_[r.id] = {"could not be resolved"};
      return a;
    }
    auto failure = observed_.failures.find(ObservationScope{r.id.kind, a.host});
    if (failure != observed_.failures.end() || !observed_.configureFailure.empty()) {
      a.type = ActionType::kUnobservable;
      a.reason =
          "cannot observe " + r.id.kind + " on " +
          (a.host.empty() ? std::string("the estate") : "host " + a.host) + ": " +
          (failure != observed_.failures.end() ? failure->second : observed_.configureFailure);
      blocked_[r.id] = {"could not be observed"};
      return a;
    }
    const InventoryEntry* owned = index_.owned(r.id);
    const ObservedObject* seen = index_.observed(r.id.kind, a.host, a.key);
    if (!seen && servedByFixedSet(r)) {
      a.type = ActionType::kUnfixable;
      a.reason = "drift: host " + a.host + " does not serve " + a.key +
                 "; an OpenAI-compatible server's models are fixed by its configuration "
                 "(vLLM --served-model-name, llama-server -m / --alias), so hxctl cannot add it";
      blocked_[r.id] = {"is missing and cannot be added by hxctl"};
      return a;
    }
    if (seen && !seen->problem.empty()) {
      a.type = ActionType::kUnfixable;
      a.reason = seen->problem;
      blocked_[r.id] = {"cannot be brought to its desired state"};
      return a;
    }
    if (kind.inert && kind.inert(r, seen ? &seen->fields : nullptr)) {
      a.type = ActionType::kNoOp;
      if (seen) a.observed = seen->fields;
      return a;
    }
    if (!seen) return planAbsent(r, kind, owned, std::move(a));
    a.observed = seen->fields;
    const InventoryEntry* ownerOfKey = index_.ownerOf(r.id.kind, a.host, a.key);
    bool adoptAllowed = kind.adoptsExisting || r.spec.value("adopt", false);
    if (!owned && !ownerOfKey) {
      if (!adoptAllowed) {
        a.type = ActionType::kConflict;
        a.reason = r.id.kind + " \"" + a.key + "\" already exists" +
                   (a.host.empty() ? std::string() : " on " + a.host) +
                   " and was not created by hxctl; set spec.adopt: true to manage it";
        blocked_[r.id] = {"cannot be applied (conflict)"};
        return a;
      }
      a.adopting = true;
    }
    a.changes = diffFields(a.desired, seen->fields, r.id.kind);
    bool immutable = std::any_of(a.changes.begin(), a.changes.end(),
                                 [](const FieldChange& c) { return c.forcesReplace; });
    if (immutable) return planReplace(kind, std::move(a));
    a.type = a.changes.empty() ? ActionType::kNoOp : ActionType::kUpdate;
    if (a.adopting) a.reason = "adopting the existing object";
    return a;
  }

  // An action with nothing to do keeps its identity, type and reason; the copies of the spec,
  // the desired and the observed fields (several KiB per object) are only read to carry out or
  // show a change. A no-op plan of 5 000 collections held 40 MiB of them (issue 18).
  static PlanAction lightened(PlanAction a) {
    if (a.type == ActionType::kNoOp && !a.adopting) a.releaseFields();
    return a;
  }

  // A Model on an OpenAI-compatible host: the server decides its models, hxctl only observes.
  bool servedByFixedSet(const Resource& r) const {
    if (r.id.kind != kind::kModel) return false;
    const Resource* host = index_.resource({kind::kHost, objectHost(r)});
    return host && host->spec["api"].value("type", "") == "openai";
  }

  PlanAction planAbsent(const Resource& r, const KindDescriptor& kind, const InventoryEntry* owned,
                        PlanAction a) {
    // Known under another identity (model tag or rule changed, collection moved): replace it.
    if (owned && (owned->key != a.key || owned->host != a.host) &&
        index_.observed(r.id.kind, owned->host, owned->key)) {
      a.previousHost = owned->host;
      a.previousKey = owned->key;
      a.observed = index_.observed(r.id.kind, owned->host, owned->key)->fields;
      a.changes = diffFields(a.desired, a.observed, r.id.kind);
      return planReplace(kind, std::move(a));
    }
    a.type = ActionType::kCreate;
    for (const auto& [k, v] : a.desired.items()) {
      auto sub = diffFields(Json{{k, v}}, Json::object(), r.id.kind);
      a.changes.insert(a.changes.end(), sub.begin(), sub.end());
    }
    return a;
  }

  PlanAction planReplace(const KindDescriptor& kind, PlanAction a) {
    if (kind.replaceIsDestructive && !options_.allowReplace) {
      a.type = ActionType::kNeedsReplace;
      std::string fields;
      for (const auto& c : a.changes)
        if (c.forcesReplace) fields += (fields.empty() ? "" : ", ") + c.path;
      a.reason = "changing " + fields + " needs the " + kind.name +
                 " to be deleted and re-created, which destroys its data; re-run with "
                 "--allow-replace to do it";
      return a;
    }
    a.type = ActionType::kReplace;
    std::string fields;
    for (const auto& c : a.changes)
      if (c.forcesReplace) fields += (fields.empty() ? "" : ", ") + c.path;
    a.reason = fields.empty() ? "its identity changed" : fields + " cannot be changed in place";
    return a;
  }

  // Objects hxctl recorded as its own that the specs no longer declare.
  void planUndeclared() {
    std::vector<PlanAction> deletes;
    for (const auto& e : inventory_.entries) {
      if (index_.resource(e.id)) continue;
      if (options_.target && *options_.target != e.id) continue;
      if (!options_.labels.empty()) continue;  // undeclared objects carry no labels to select
      const ObservedObject* seen = index_.observed(e.id.kind, e.host, e.key);
      if (!seen) continue;  // already gone, or not observable now
      PlanAction a;
      a.id = e.id;
      a.host = e.host;
      a.key = e.key;
      a.observed = seen->fields;
      if (e.origin != "created") {
        a.type = ActionType::kOrphan;
        a.reason = "no longer declared; it was adopted, not created, by hxctl, so it is left alone";
      } else if (isCredential(e.id.kind)) {
        // A key is a credential: once the specs drop it, it must stop working, prune or not.
        a.type = ActionType::kDelete;
        a.trigger = ActionTrigger::kPrune;
        a.reason = "no longer declared: revoked from every delivery";
      } else if (!options_.prune) {
        a.type = ActionType::kOrphan;
        a.reason = "no longer declared; re-run with --prune to delete it";
      } else {
        a.type = ActionType::kDelete;
        a.trigger = ActionTrigger::kPrune;
        a.reason = "no longer declared (--prune)";
      }
      deletes.push_back(std::move(a));
    }
    guardMassPrune(deletes);
    guardVanishedFiles(deletes);
    // Dependents go first: keys before rules before collections before models.
    std::stable_sort(deletes.begin(), deletes.end(), [](const PlanAction& x, const PlanAction& y) {
      return kindIndex(x.id.kind) > kindIndex(y.id.kind);
    });
    for (auto& d : deletes) plan_.actions.push_back(std::move(d));
  }

  // A prune of what a spec file declared at the last apply, when that file is no longer among the
  // specs at all (deleted, moved out of the directory, lost in a checkout), is refused unless
  // asked for, however few objects it held. Keys are exempt, as below.
  void guardVanishedFiles(std::vector<PlanAction>& deletes) const {
    if (!options_.prune || options_.allowMassPrune || desired_.sourceFiles.empty()) return;
    for (auto& a : deletes) {
      if (a.type != ActionType::kDelete || isCredential(a.id.kind)) continue;
      const InventoryEntry* e = index_.owned(a.id);
      if (!e || e->sourceFile.empty() || desired_.sourceFiles.count(e->sourceFile)) continue;
      a.type = ActionType::kUnsafe;
      a.reason = "refused: --prune would delete it because " + e->sourceFile +
                 ", which declared it at the last apply, is no longer among the specs; if the "
                 "file was removed on purpose, re-run with --allow-mass-prune";
    }
  }

  // The mass-prune guard (Argo CD's allowEmpty=false, Flux's safeguards): a prune that would
  // delete more than half of what hxctl created of a kind is refused, whole, unless asked for.
  // Keys are exempt: a key the specs drop must stop working at once.
  void guardMassPrune(std::vector<PlanAction>& deletes) const {
    if (!options_.prune || options_.allowMassPrune) return;
    std::map<std::string, int> created, pruned;
    for (const auto& e : inventory_.entries)
      if (e.origin == "created") ++created[e.id.kind];
    auto isPrune = [](const PlanAction& a) {
      return a.type == ActionType::kDelete && !isCredential(a.id.kind);
    };
    for (const auto& a : deletes)
      if (isPrune(a)) ++pruned[a.id.kind];
    for (auto& a : deletes) {
      if (!isPrune(a)) continue;
      int n = pruned[a.id.kind], of = created[a.id.kind];
      if (n * 2 <= of) continue;
      a.type = ActionType::kUnsafe;
      a.reason = "refused: --prune would delete " + std::to_string(n) + " of the " +
                 std::to_string(of) + " " + a.id.kind +
                 " objects hxctl created (more than half), which is what a spec file that went "
                 "missing, empty or unreadable looks like; if it is meant, re-run with "
                 "--allow-mass-prune";
    }
  }

  // Rules on a host whose rule set is exclusive that no spec declares and hxctl did not record.
  void planExclusiveFirewalls() {
    for (const auto* host : desired_.ofKind(kind::kHost)) {
      const Json* fw = host->field("firewall");
      if (!fw || !fw->value("exclusive", false) || blocked_.count(host->id)) continue;
      if (options_.target || !options_.labels.empty()) continue;  // a partial run: its own only
      if (observed_.failures.count(ObservationScope{kind::kFirewallRule, host->id.name})) continue;
      std::set<std::string> declared;
      for (const auto* r : desired_.ofKind(kind::kFirewallRule))
        if (objectHost(*r) == host->id.name) declared.insert(objectKey(*r));
      for (const auto& o : observed_.objects) {
        if (o.kind != kind::kFirewallRule || o.host != host->id.name || declared.count(o.key))
          continue;
        if (index_.ownerOf(kind::kFirewallRule, o.host, o.key)) continue;  // planned above
        PlanAction a;
        a.id = {kind::kFirewallRule, "(unmanaged) " + o.key};
        a.host = o.host;
        a.key = o.key;
        a.observed = o.fields;
        a.type = options_.prune ? ActionType::kDelete : ActionType::kOrphan;
        a.trigger = ActionTrigger::kPrune;
        a.reason = options_.prune
                       ? "not declared, and " + host->id.name + "'s rule set is exclusive (--prune)"
                       : "not declared, and " + host->id.name +
                             "'s rule set is exclusive; re-run with --prune to delete it";
        plan_.actions.push_back(std::move(a));
      }
    }
  }

  // The lockout guard: a host's firewall changes go ahead only if SSH stays reachable from the
  // operators' network once they are all done (or with --force).
  void guardFirewalls() {
    for (const auto* host : desired_.ofKind(kind::kHost)) {
      const Json* fw = host->field("firewall");
      if (!fw) continue;
      const std::string name = host->id.name;
      auto onHost = [&](const PlanAction& a) {
        return a.host == name && (a.id.kind == kind::kFirewallRule || a.id.kind == kind::kFirewall);
      };
      bool changes = std::any_of(plan_.actions.begin(), plan_.actions.end(),
                                 [&](const auto& a) { return onHost(a) && isChange(a.type); });
      if (!changes) continue;
      auto problem = sshLockout(outcomeOf(name), fw->value("sshPort", 22),
                                fw->value("operatorNetwork", std::string("any")));
      if (!problem) continue;
      for (auto& a : plan_.actions) {
        if (!onHost(a) || !isChange(a.type)) continue;
        if (options_.force) {
          a.reason += std::string(a.reason.empty() ? "" : "; ") + "forced: " + *problem;
          continue;
        }
        a.type = ActionType::kUnsafe;
        a.reason = "refused: " + *problem +
                   (fw->contains("operatorNetwork")
                        ? ""
                        : " (spec.firewall.operatorNetwork is not set, so every address counts)") +
                   "; no firewall change on " + name +
                   " is made. Re-run with --force to apply anyway";
      }
    }
  }

  // The host's firewall as it would be after this plan's changes: observed rules in ufw's order,
  // without the ones deleted or replaced, with the new ones at their positions or appended.
  FirewallOutcome outcomeOf(const std::string& host) const {
    std::vector<std::pair<int, UfwRule>> rules;
    for (const auto& o : observed_.objects)
      if (o.kind == kind::kFirewallRule && o.host == host)
        rules.emplace_back(o.fields.value("position", 0), ufwRuleFromSpec(o.fields));
    std::stable_sort(rules.begin(), rules.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<UfwRule> order;
    for (auto& r : rules) order.push_back(std::move(r.second));
    auto drop = [&](const std::string& key) {
      order.erase(std::remove_if(order.begin(), order.end(),
                                 [&](const UfwRule& r) { return r.key() == key; }),
                  order.end());
    };
    FirewallOutcome out;
    const ObservedObject* state = index_.observed(kind::kFirewall, host, "ufw");
    Json fw = state ? state->fields : Json::object();
    for (const auto& a : plan_.actions) {
      if (a.host != host || !isChange(a.type)) continue;
      if (a.id.kind == kind::kFirewall) {
        for (const auto& [k, v] : a.desired.items()) fw[k] = v;
        continue;
      }
      if (a.id.kind != kind::kFirewallRule) continue;
      drop(a.type == ActionType::kDelete ? a.key : a.previousKey.empty() ? a.key : a.previousKey);
      if (a.type == ActionType::kDelete) continue;
      UfwRule r = ufwRuleFromSpec(a.desired);
      int pos = a.desired.value("position", 0);
      if (pos > 0 && static_cast<size_t>(pos) <= order.size())
        order.insert(order.begin() + (pos - 1), r);
      else
        order.push_back(r);
    }
    out.enabled = fw.value("enabled", false);
    out.incoming = fw.contains("defaults") ? fw["defaults"].value("incoming", "deny") : "deny";
    out.rules = std::move(order);
    return out;
  }

  // An ApiKey past its expiry is revoked from every delivery; one about to expire is announced.
  std::optional<PlanAction> planExpiry(const Resource& r, PlanAction a) {
    if (r.id.kind != kind::kApiKey || !r.spec.contains("expires")) return std::nullopt;
    std::string date = r.spec["expires"];
    auto start = parseDateSeconds(date);
    if (!start) return std::nullopt;
    int64_t end = *start + 86400;  // valid through that day (UTC)
    if (now_ < end) {
      int64_t days = (end - now_ + 86399) / 86400 - 1;
      if (days <= 7)
        plan_.notes.push_back(r.id.str() + " expires in " + std::to_string(days) + " day" +
                              (days == 1 ? "" : "s") + " (" + date +
                              "): it will then be revoked from every delivery");
      return std::nullopt;
    }
    const ObservedObject* seen = index_.observed(r.id.kind, a.host, a.key);
    if (seen) {
      a.type = ActionType::kDelete;
      a.observed = seen->fields;
    } else {
      a.type = ActionType::kNoOp;
    }
    a.reason = "expired on " + date + ": revoked from every delivery";
    a.trigger = ActionTrigger::kExpiry;
    return a;  // not a blocker: the gateway file still drops its entry
  }

  void dropExpiredEntries(Json& file) const {
    if (!file.contains("entries")) return;
    for (auto it = file["entries"].begin(); it != file["entries"].end();) {
      auto start = it.value()["expires"].is_string()
                       ? parseDateSeconds(it.value()["expires"].get<std::string>())
                       : std::nullopt;
      if (start && now_ >= *start + 86400)
        it = file["entries"].erase(it);
      else
        ++it;
    }
  }

  int64_t now_;
  const DesiredState& desired_;
  const ObservedState& observed_;
  const Inventory& inventory_;
  const PlanOptions& options_;
  const StateIndex index_;
  DependencyGraph graph_;
  std::set<ResourceId> selected_;
  // Why a resource cannot be relied on this run: the sentence, and whether it is a human hold
  // (the most actionable blocker, named first).
  struct Blocker {
    std::string why;
    bool hold = false;
  };
  std::map<ResourceId, Blocker> blocked_;
  Plan plan_;
};

}  // namespace

Plan plan(const DesiredState& desired, const ObservedState& observed, const Inventory& inventory,
          const PlanOptions& options, int64_t now) {
  return Planner(desired, observed, inventory, options, now).run();
}

}  // namespace hx
