#include "reconciler/validate.h"

#include <map>
#include <set>

#include "reconciler/graph.h"
#include "reconciler/kinds.h"
#include "reconciler/schema.h"

namespace hx {
namespace {

std::string where(const SourceLoc& loc) {
  return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

class CrossChecker {
 public:
  explicit CrossChecker(const DesiredState& desired) : desired_(desired) {}

  Diagnostics run() {
    checkDuplicates();
    if (!diags_.empty()) return diags_;
    for (const auto& r : desired_.resources) checkReferences(r);
    for (const auto& r : desired_.resources) checkShapes(r);
    if (diags_.empty()) checkCycles();
    return diags_;
  }

 private:
  void report(const Resource& r, const std::string& path, std::string message, SourceLoc loc) {
    diags_.push_back(Diagnostic{std::move(loc), r.id.str() + " " + path, std::move(message)});
  }

  void checkDuplicates() {
    // One calendar for the backlog: two would disagree on when a review is due.
    auto calendars = desired_.ofKind(kind::kBacklog);
    for (size_t i = 1; i < calendars.size(); ++i)
      report(*calendars[i], "",
             "a second Backlog (the first is " + calendars[0]->id.str() + " in " +
                 calendars[0]->loc.file + ":" + std::to_string(calendars[0]->loc.line) +
                 "): declare one",
             calendars[i]->loc);
    std::map<ResourceId, const Resource*> first;
    for (const auto& r : desired_.resources) {
      auto [it, inserted] = first.emplace(r.id, &r);
      if (!inserted)
        diags_.push_back(Diagnostic{r.locate("metadata.name"), r.id.str() + " metadata.name",
                                    "duplicate " + r.id.str() + ": first defined at " +
                                        where(it->second->locate("metadata.name"))});
    }
  }

  void checkReferences(const Resource& r) {
    for (const auto& ref : r.references) {
      const KindDescriptor* kind = findKind(ref.target.kind);
      if (!kind) {
        report(
            r, ref.path,
            "unknown kind \"" + ref.target.kind + "\"" + didYouMean(ref.target.kind, kindNames()),
            ref.loc);
        continue;
      }
      if (ref.role == RefRole::kGates && !kind->managed) {
        report(r, ref.path, "a task can only gate managed resources, not " + kind->name, ref.loc);
        continue;
      }
      if (desired_.find(ref.target)) continue;
      // A role may grant a collection under its alias: Qdrant checks a token's collection by the
      // name in the request path, alias or not.
      if (r.id.kind == kind::kRole && ref.target.kind == kind::kCollection &&
          isAliasOfDeclaredCollection(ref.target.name))
        continue;
      std::vector<std::string> names;
      for (const auto* other : desired_.ofKind(ref.target.kind)) names.push_back(other->id.name);
      report(r, ref.path,
             "refers to unknown " + ref.target.str() + didYouMean(ref.target.name, names), ref.loc);
    }
  }

  bool isAliasOfDeclaredCollection(const std::string& name) const {
    for (const auto* c : desired_.ofKind(kind::kCollection)) {
      const Json* aliases = c->field("aliases");
      if (!aliases || !aliases->is_array()) continue;
      for (const auto& a : *aliases)
        if (a.is_string() && a.get<std::string>() == name) return true;
    }
    return false;
  }

  const Resource* target(const Resource& r, const std::string& specField) {
    const Json* v = r.field(specField);
    if (!v || !v->is_string()) return nullptr;
    for (const auto& ref : r.references)
      if (ref.path == "spec." + specField) return desired_.find(ref.target);
    return nullptr;
  }

  void requireHostType(const Resource& r, const std::string& field,
                       const std::set<std::string>& types, const std::string& what) {
    const Resource* host = target(r, field);
    if (!host) return;
    std::string type = host->spec["api"].value("type", "");
    if (!types.count(type))
      report(r, "spec." + field, host->id.str() + " has api.type " + type + "; expected " + what,
             r.locate("spec." + field));
  }

  void checkShapes(const Resource& r) {
    const std::string& k = r.id.kind;
    if (k == kind::kModel)
      requireHostType(r, "host", {"ollama", "openai"}, "an LLM host (ollama | openai)");
    if (k == kind::kCollection) {
      requireHostType(r, "server", {"qdrant"}, "a qdrant server");
      checkEmbeddingModel(r);
    }
    if (k == kind::kFirewallRule) {
      const Resource* host = target(r, "host");
      if (host && !host->spec.contains("firewall"))
        report(r, "spec.host", host->id.str() + " has no spec.firewall to manage",
               r.locate("spec.host"));
    }
    if (k == kind::kApiKey) {
      for (const auto& ref : r.references)
        if (ref.path == "spec.deliver.qdrant.server") {
          const Resource* host = desired_.find(ref.target);
          if (host && host->spec["api"].value("type", "") != "qdrant")
            report(r, ref.path, host->id.str() + " is not a qdrant server", ref.loc);
        }
    }
  }

  void checkEmbeddingModel(const Resource& r) {
    const Resource* model = target(r, "embeddingModel");
    if (!model) return;
    const std::string path = "spec.embeddingModel";
    if (model->spec.value("capability", "") != "embed") {
      report(r, path,
             model->id.str() + " is not an embedding model (capability: " +
                 model->spec.value("capability", "?") + ")",
             r.locate(path));
      return;
    }
    if (!model->spec.contains("dimensions")) return;
    int64_t dims = model->spec["dimensions"];
    const Json& vectors = r.spec["vectors"];
    if (vectors.contains("size")) {
      if (vectors["size"] != dims)
        report(r, "spec.vectors.size",
               "is " + vectors["size"].dump() + " but embedding model " + model->id.str() +
                   " produces " + std::to_string(dims) + " dimensions",
               r.locate("spec.vectors.size"));
      return;
    }
    for (const auto& [name, params] : vectors.items())
      if (params.value("size", 0) == dims) return;
    report(r, "spec.vectors",
           "no named vector has the " + std::to_string(dims) + " dimensions of embedding model " +
               model->id.str(),
           r.locate("spec.vectors"));
  }

  void checkCycles() {
    DependencyGraph graph(desired_);
    if (auto cycle = graph.findCycle()) {
      ResourceId first{
          cycle->substr(0, cycle->find('/')),
          cycle->substr(cycle->find('/') + 1, cycle->find(" -> ") - cycle->find('/') - 1)};
      const Resource* r = desired_.find(first);
      diags_.push_back(Diagnostic{r ? r->loc : SourceLoc{}, "", "dependency cycle: " + *cycle});
    }
  }

  const DesiredState& desired_;
  Diagnostics diags_;
};

}  // namespace

Diagnostics validateDesiredState(const DesiredState& desired) {
  return CrossChecker(desired).run();
}

Diagnostics specWarnings(const DesiredState& desired) {
  Diagnostics out;
  for (const auto* role : desired.ofKind(kind::kRole)) {
    const Json q = role->spec.value("qdrant", Json::object());
    const Json list = q.is_object() ? q.value("collections", Json::array()) : Json::array();
    std::set<std::string> granted;
    for (const auto& c : list)
      if (c.is_object()) granted.insert(c.value("collection", ""));
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_object()) continue;
      const std::string name = list[i].value("collection", "");
      const Resource* collection = desired.find({kind::kCollection, name});
      if (!collection || !collection->spec.contains("aliases")) continue;
      std::string missing;
      for (const auto& alias : collection->spec["aliases"])
        if (alias.is_string() && !granted.count(alias.get<std::string>()))
          missing += (missing.empty() ? "" : ", ") + alias.get<std::string>();
      if (missing.empty()) continue;
      const std::string path = "spec.qdrant.collections[" + std::to_string(i) + "].collection";
      out.push_back(Diagnostic{
          role->locate(path), role->id.str() + " " + path,
          name + " is also reached as " + missing +
              " (its alias), which this role does not grant: Qdrant checks the name in the "
              "request path before it resolves an alias, so the role's tokens get 403 there; "
              "list the alias too if clients use it"});
    }
  }
  return out;
}

}  // namespace hx
