#include "reconciler/scrape_config.h"

#include <yaml-cpp/yaml.h>

#include <regex>

#include "reconciler/kinds.h"

namespace hx {

namespace {

struct UrlParts {
  std::string scheme, authority, path;
};

UrlParts splitUrl(std::string url) {
  UrlParts p;
  auto sep = url.find("://");
  p.scheme = sep == std::string::npos ? "http" : url.substr(0, sep);
  std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
  auto slash = rest.find('/');
  p.authority = rest.substr(0, slash);
  p.path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!p.path.empty() && p.path.back() == '/') p.path.pop_back();
  return p;
}

// One static_configs entry: the target, its host label, and the scheme and path when they are
// not Prometheus's defaults (http, /metrics).
Json targetOf(const std::string& host, const std::string& scheme, const std::string& authority,
              const std::string& metricsPath) {
  Json labels = {{"host", host}};
  if (scheme != "http") labels["__scheme__"] = scheme;
  if (metricsPath != "/metrics") labels["__metrics_path__"] = metricsPath;
  return {{"targets", Json::array({authority})}, {"labels", labels}};
}

// The blackbox exporter's way: the target is the URL to probe, the scrape goes to the exporter.
Json probeJob(const std::string& name, const Json& targets, const std::string& exporter) {
  return {
      {"job_name", name},
      {"metrics_path", "/probe"},
      {"params", {{"module", Json::array({"http_2xx"})}}},
      {"static_configs", targets},
      {"relabel_configs",
       Json::array(
           {{{"source_labels", Json::array({"__address__"})}, {"target_label", "__param_target"}},
            {{"source_labels", Json::array({"__param_target"})}, {"target_label", "instance"}},
            {{"target_label", "__address__"}, {"replacement", exporter}}})}};
}

void emit(YAML::Emitter& out, const Json& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    // A job reads from its name.
    if (v.contains("job_name")) {
      out << YAML::Key << "job_name" << YAML::Value;
      emit(out, v["job_name"]);
    }
    for (const auto& [k, item] : v.items()) {
      if (k == "job_name") continue;
      out << YAML::Key << k << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : v) emit(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    out << YAML::DoubleQuoted << v.get<std::string>();
  } else if (v.is_boolean()) {
    out << (v.get<bool>() ? "true" : "false");
  } else if (v.is_null()) {
    out << YAML::Null;
  } else {
    out << v.dump();
  }
}

Json fromNode(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : n) out[kv.first.as<std::string>()] = fromNode(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : n) out.push_back(fromNode(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted
      static const std::regex kInt("^[-+]?[0-9]+$");
      static const std::regex kFloat(R"(^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$)");
      if (std::regex_match(s, kInt)) return std::stoll(s);
      if (std::regex_match(s, kFloat)) return std::stod(s);
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Json scrapeConfigFor(const Resource& prometheus, const DesiredState& desired) {
  const Json& spec = prometheus.spec;
  const std::string interval = spec.value("scrapeInterval", "30s");
  Json qdrant = Json::array(), llm = Json::array(), probed = Json::array(), web = Json::array();
  for (const Resource* host : desired.ofKind(kind::kHost)) {
    Json api = host->spec.value("api", Json::object());
    if (!api.is_object()) api = Json::object();
    const std::string type = api.value("type", "");
    UrlParts url = splitUrl(api.value("url", ""));
    const std::string& name = host->id.name;
    if (type == "qdrant") {
      qdrant.push_back(targetOf(name, url.scheme, url.authority, url.path + "/metrics"));
    } else if (type == "openai") {
      // The OpenAI-compatible API is under /v1; the servers' /metrics is at their root.
      std::string root =
          url.path.ends_with("/v1") ? url.path.substr(0, url.path.size() - 3) : url.path;
      llm.push_back(targetOf(name, url.scheme, url.authority, root + "/metrics"));
    } else if (type == "ollama") {
      probed.push_back({{"targets", Json::array({url.scheme + "://" + url.authority + url.path +
                                                 "/api/version"})},
                        {"labels", {{"host", name}}}});
    } else if (type == "http") {
      web.push_back(
          {{"targets", Json::array({api.value("url", "")})}, {"labels", {{"host", name}}}});
    }
  }
  Json jobs = Json::array();
  // hxctl's own daemon (/metrics): what examples/monitoring/alerts.yml alerts on.
  if (spec.contains("daemonMetrics"))
    jobs.push_back(
        {{"job_name", "hxctl"},
         {"static_configs", Json::array({{{"targets", Json::array({spec["daemonMetrics"]})}}})}});
  if (!qdrant.empty()) {
    Json job = {{"job_name", "qdrant"}, {"static_configs", qdrant}};
    if (spec.contains("qdrantCredentialsFile"))
      job["authorization"] = {{"type", "Bearer"},
                              {"credentials_file", spec["qdrantCredentialsFile"]}};
    jobs.push_back(job);
  }
  if (!llm.empty()) jobs.push_back({{"job_name", "llm-metrics"}, {"static_configs", llm}});
  const std::string exporter = spec.value("blackboxExporter", "");
  if (!exporter.empty()) {
    if (!probed.empty()) jobs.push_back(probeJob("llm-probe", probed, exporter));
    if (!web.empty()) jobs.push_back(probeJob("web", web, exporter));
  }
  Json config = {{"global", {{"scrape_interval", interval}, {"evaluation_interval", interval}}},
                 {"scrape_configs", jobs}};
  if (spec.contains("ruleFiles")) config["rule_files"] = spec["ruleFiles"];
  return config;
}

std::string renderPrometheusYaml(const std::string& owner, const Json& config) {
  YAML::Emitter out;
  emit(out, config);
  return "# Written by hxctl for " + owner +
         " from the estate's specs; edit the specs, not this file.\n" + out.c_str() + "\n";
}

Json readYamlDocument(const std::string& text) { return fromNode(YAML::Load(text)); }

}  // namespace hx
