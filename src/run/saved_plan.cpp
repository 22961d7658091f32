#include "src/run/saved_plan.h"

#include <filesystem>
#include <set>

#include "src/platform/jwt.h"
#include "state/store.h"

namespace hx {

namespace {

constexpr const char* kFormat = "hxctl-saved-plan/1";
// Keys the hashes in a saved plan: they compare, they do not reveal (a digest of a digest).
constexpr const char* kHashKey = "hxctl saved plan";

std::string hashOf(const std::string& text) { return toHex(hmacSha256(kHashKey, text)); }

std::string absolute(const std::string& path) {
  if (Store::isUrl(path)) return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

// Each resource's spec as declared. A secret's digest is left out: a changed secret shows as a
// changed action, and a generated one has no digest until apply writes it.
Json resourcesOf(const DesiredState& desired) {
  Json out = Json::object();
  for (const auto& r : desired.resources) {
    Json spec = r.spec;
    if (spec.is_object()) spec.erase("secretDigest");
    out[r.id.str()] = hashOf(Json{{"labels", r.labels}, {"spec", spec}}.dump());
  }
  return out;
}

constexpr const char* kGeneratedOnApply = "(generated on apply)";

// A secret the plan showed as generated on apply has its digest now: the same plan.
void acceptGeneratedSecrets(const Json& saved, Json& now) {
  if (!saved.contains("changes") || !now.contains("changes")) return;
  for (const auto& c : saved["changes"]) {
    if (c.value("after", Json()) != Json(kGeneratedOnApply)) continue;
    for (auto& n : now["changes"])
      if (n.value("path", "") == c.value("path", "")) n["after"] = kGeneratedOnApply;
  }
}

Json optionsOf(const PlanCommandOptions& o) {
  return {{"prune", o.plan.prune},
          {"allow_mass_prune", o.plan.allowMassPrune},
          {"allow_replace", o.plan.allowReplace},
          {"force", o.plan.force},
          {"target", o.target}};
}

// "+ Collection/docs (create)" for a fingerprinted action.
std::string actionLine(const Json& a) {
  return a.value("resource", "?") + " (" + a.value("action", "?") + ")";
}

}  // namespace

Json actionsFingerprint(const Plan& plan) {
  Json out = Json::array();
  for (const auto& a : plan.actions) {
    if (a.type == ActionType::kNoOp) continue;
    Json changes = Json::array();
    for (const auto& c : a.changes)
      changes.push_back({{"path", c.path},
                         {"before", c.sensitive ? Json(hashOf(c.before.dump())) : c.before},
                         {"after", c.sensitive && c.after != Json(kGeneratedOnApply)
                                       ? Json(hashOf(c.after.dump()))
                                       : c.after},
                         {"replace", c.forcesReplace}});
    out.push_back({{"resource", a.id.str()},
                   {"action", actionTypeName(a.type)},
                   {"host", a.host},
                   {"key", a.key},
                   {"adopting", a.adopting},
                   {"changes", changes}});
  }
  return out;
}

SavedPlan savePlanOf(const LoadResult& loaded, const Plan& plan, const PlanCommandOptions& options,
                     const RunOptions& common, const std::string& version, Json readable,
                     const std::string& createdAt) {
  SavedPlan s;
  s.version = version;
  for (const auto& f : common.files) s.files.push_back(absolute(f));
  s.statePath = absolute(common.statePath);
  s.estate = common.estate;
  s.configPath = common.configPath;
  s.options = optionsOf(options);
  s.resources = resourcesOf(loaded.desired);
  s.actions = actionsFingerprint(plan);
  s.readable = std::move(readable);
  s.createdAt = createdAt;
  return s;
}

Json savedPlanJson(const SavedPlan& s) {
  return {{"format", kFormat},    {"hxctl_version", s.version}, {"created_at", s.createdAt},
          {"files", s.files},     {"state", s.statePath},       {"options", s.options},
          {"estate", s.estate},   {"config", s.configPath},     {"resources", s.resources},
          {"actions", s.actions}, {"plan", s.readable}};
}

Result<SavedPlan> parseSavedPlan(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  auto bad = [](const std::string& why) {
    return Status::error(ErrorKind::kInvalidSpec, "not a plan hxctl saved: " + why);
  };
  if (!j.is_object()) return bad("it is not JSON (write one with hxctl plan -out FILE)");
  if (!j["format"].is_string()) return bad("it has no \"format\"");
  if (j["format"] != kFormat)
    return bad("its format is " + j["format"].get<std::string>() + ", this hxctl reads " + kFormat);
  SavedPlan s;
  try {
    s.version = j.at("hxctl_version").get<std::string>();
    s.files = j.at("files").get<std::vector<std::string>>();
    s.statePath = j.at("state").get<std::string>();
    s.estate = j.value("estate", "");
    s.configPath = j.value("config", "");
    s.options = j.at("options");
    s.resources = j.at("resources");
    s.actions = j.at("actions");
    s.readable = j.value("plan", Json());
    s.createdAt = j.value("created_at", "");
    if (!s.options.is_object() || !s.resources.is_object() || !s.actions.is_array())
      return bad("options, resources or actions are of the wrong type");
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  if (s.files.empty()) return bad("it names no spec files");
  return s;
}

void restorePlanOptions(const SavedPlan& saved, PlanCommandOptions& o) {
  o.plan.prune = saved.options.value("prune", false);
  o.plan.allowMassPrune = saved.options.value("allow_mass_prune", false);
  o.plan.allowReplace = saved.options.value("allow_replace", false);
  o.plan.force = saved.options.value("force", false);
  o.target = saved.options.value("target", "");
}

std::vector<std::string> stalenessOf(const SavedPlan& saved, const LoadResult& now,
                                     const Plan& planNow) {
  std::vector<std::string> why;
  const Json resourcesNow = resourcesOf(now.desired);
  for (const auto& [id, hash] : saved.resources.items()) {
    if (!resourcesNow.contains(id))
      why.push_back("the specs no longer declare " + id);
    else if (resourcesNow[id] != hash)
      why.push_back("the spec of " + id + " changed");
  }
  for (const auto& [id, hash] : resourcesNow.items())
    if (!saved.resources.contains(id)) why.push_back("the specs now declare " + id);

  const Json actionsNow = actionsFingerprint(planNow);
  std::map<std::string, Json> before, after;
  for (const auto& a : saved.actions) before[a.value("resource", "")] = a;
  for (const auto& a : actionsNow) after[a.value("resource", "")] = a;
  for (const auto& [id, a] : before) {
    auto it = after.find(id);
    if (it != after.end()) acceptGeneratedSecrets(a, it->second);
    if (it == after.end())
      why.push_back("planned " + actionLine(a) + ", now no change is needed");
    else if (it->second != a)
      why.push_back("planned " + actionLine(a) + ", now " + actionLine(it->second) +
                    (it->second.value("action", "") == a.value("action", "")
                         ? " with other values (the estate changed since the plan)"
                         : ""));
  }
  for (const auto& [id, a] : after)
    if (!before.count(id)) why.push_back("not planned: " + actionLine(a) + " is needed now");
  return why;
}

}  // namespace hx
