#include "src/views/exports.h"

#include <map>
#include <regex>
#include <set>

#include "reconciler/identity.h"
#include "reconciler/kinds.h"

namespace hx {

namespace {

Json sinceOf(int64_t t) { return t ? Json(formatTime(t)) : Json(); }

// A model's status in the file: its host's, and whether the host has it.
std::string modelStatus(const ExportInput& in, const Resource& m) {
  const std::string host = objectHost(m);
  const HostObservation h = in.observed->host(host);
  if (h.status != HostStatus::kActive) return hostStatusName(h.status);
  return in.observed->find(kind::kModel, host, objectKey(m)) ? "active" : "missing";
}

void collectEnv(const Json& j, const std::string& path, const std::string& owner,
                std::map<std::string, std::set<std::string>>& out) {
  static const std::regex kName("^[A-Za-z_][A-Za-z0-9_]*$");
  if (j.is_object()) {
    // A secret reference: {env: NAME} (with nothing but a file alternative beside it).
    if (j.contains("env") && j["env"].is_string() && j.size() <= 2 &&
        std::regex_match(j["env"].get<std::string>(), kName))
      out[j["env"].get<std::string>()].insert(owner + " " + path);
    for (const auto& [k, v] : j.items()) collectEnv(v, path + "." + k, owner, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i)
      collectEnv(j[i], path + "[" + std::to_string(i) + "]", owner, out);
  }
}

}  // namespace

std::optional<IngestEvidence> lastIngest(const std::vector<TaskEvaluation>& evaluations,
                                         const ResourceId& collection) {
  std::optional<IngestEvidence> found;
  const std::string id = collection.str();
  for (const auto& e : evaluations)
    for (const auto& r : e.criteria)
      if (r.kind == "ingest" && r.subject.size() >= id.size() &&
          r.subject.compare(r.subject.size() - id.size(), std::string::npos, id) == 0)
        found = IngestEvidence{&r, e.task,
                               r.pass      ? "passed"
                               : r.unknown ? "not checked"
                                           : "failed"};
  return found;
}

Json externalModels(const ExportInput& in) {
  const DesiredState& d = *in.desired;
  Json servers = Json::array(), models = Json::array();
  for (const auto* h : d.ofKind(kind::kHost)) {
    const std::string type = h->spec.value("api", Json::object()).value("type", "");
    if (type != "ollama" && type != "openai") continue;
    const HostObservation o = in.observed->host(h->id.name);
    Json names = Json::array();
    for (const auto* m : d.ofKind(kind::kModel))
      if (objectHost(*m) == h->id.name) names.push_back(m->id.name);
    servers.push_back({{"name", h->id.name},
                       {"address", h->spec.value("address", "")},
                       {"api", type},
                       {"url", h->spec["api"].value("url", "")},
                       {"status", hostStatusName(o.status)},
                       {"since", sinceOf(o.since)},
                       {"version", o.version.empty() ? Json() : Json(o.version)},
                       {"reachability", reachName(o.reach.state)},
                       {"models", names}});
  }
  for (const auto* m : d.ofKind(kind::kModel)) {
    const Resource* host = d.find({kind::kHost, objectHost(*m)});
    Json entry = {{"name", m->id.name},
                  {"server", objectHost(*m)},
                  {"model", m->spec.value("model", "")},
                  {"capability", m->spec.value("capability", "")},
                  {"endpoint", host ? host->spec["api"].value("url", "") : ""},
                  {"status", modelStatus(in, *m)}};
    if (m->spec.contains("dimensions")) entry["dimensions"] = m->spec["dimensions"];
    models.push_back(entry);
  }
  return {{"generator",
           "hxctl export: from the specs and the recorded state; edit the specs, "
           "not this file"},
          {"servers", servers},
          {"models", models}};
}

Json modelCollections(const ExportInput& in) {
  const DesiredState& d = *in.desired;
  Json collections = Json::array();
  for (const auto* c : d.ofKind(kind::kCollection)) {
    const std::string server = objectHost(*c);
    const HostObservation o = in.observed->host(server);
    const std::string embedding = c->spec.value("embeddingModel", "");
    const Resource* em = embedding.empty() ? nullptr : d.find({kind::kModel, embedding});
    std::string status = hostStatusName(o.status);
    if (o.status == HostStatus::kActive)
      status = in.observed->find(kind::kCollection, server, objectKey(*c)) ? "present" : "missing";
    Json ingest = {
        {"status", "not run yet"}, {"evidence", nullptr}, {"task", nullptr}, {"at", nullptr}};
    if (auto last = lastIngest(*in.evaluations, c->id))
      ingest = {{"status", last->status},
                {"evidence", last->result->value},
                {"task", last->task},
                {"at", sinceOf(last->result->at)}};
    auto label = c->labels.find("model");
    collections.push_back({{"name", c->id.name},
                           {"server", server},
                           {"model", label == c->labels.end() ? Json() : Json(label->second)},
                           {"embeddingModel", embedding.empty() ? Json() : Json(embedding)},
                           {"embeddingServer", em ? Json(objectHost(*em)) : Json()},
                           {"vectors", c->spec.value("vectors", Json::object())},
                           {"aliases", c->spec.value("aliases", Json::array())},
                           {"status", status},
                           {"integration", ingest}});
  }
  return {{"generator",
           "hxctl export: from the specs and the recorded state; edit the specs, "
           "not this file"},
          {"collections", collections}};
}

std::vector<std::pair<std::string, std::vector<std::string>>> secretVariables(
    const DesiredState& desired) {
  std::map<std::string, std::set<std::string>> found;
  for (const auto& r : desired.resources) collectEnv(r.spec, "spec", r.id.str(), found);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [name, users] : found) out.push_back({name, {users.begin(), users.end()}});
  return out;
}

std::string secretsEnvTemplate(const ExportInput& in) {
  std::string out =
      "# The environment variables hxctl reads secrets from, as the specs name them (written by\n"
      "# hxctl export; edit the specs, not this file). Fill in each value where hxctl runs (e.g.\n"
      "# an EnvironmentFile= of its unit, mode 0600); never commit the filled copy.\n";
  for (const auto& [name, users] : secretVariables(*in.desired)) {
    out += "\n";
    for (const auto& u : users) out += "# read by " + u + "\n";
    out += name + "=\n";
  }
  return out;
}

}  // namespace hx
