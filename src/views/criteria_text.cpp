#include "src/views/criteria_text.h"

namespace hx {

namespace {

std::string text(const Json& c, const char* field, const std::string& fallback = "?") {
  if (!c.is_object() || !c.contains(field)) return fallback;
  const Json& v = c[field];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "field=value, ..." for what a sentence does not say.
std::string fields(const Json& c) {
  std::string out;
  if (!c.is_object()) return c.dump();
  for (const auto& [k, v] : c.items())
    out += (out.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string loadSentence(const Json& c) {
  std::string target = "?";
  if (c.contains("target") && c["target"].is_object() && !c["target"].empty())
    target = c["target"].begin().key() + " " + text(c["target"], c["target"].begin().key().c_str());
  std::string s = text(c, "requests", "the default number of") + " requests to " + target +
                  (c.contains("via") ? " via " + text(c, "via") : "") + ", " +
                  text(c, "concurrency", "default") + " at once";
  if (c.contains("thresholds")) s += ", meeting " + fields(c["thresholds"]);
  return s;
}

}  // namespace

std::string criterionSentence(const Json& criterion) {
  if (!criterion.is_object() || criterion.size() != 1) return criterion.dump();
  const std::string kind = criterion.begin().key();
  const Json& c = criterion.begin().value();
  if (kind == "hostActive") return "host " + text(c, "host") + " is active";
  if (kind == "reachable")
    return "hosts " + text(c, "hosts") + " answer an ICMP echo or a TCP connect";
  if (kind == "modelAvailable") return "model " + text(c, "model") + " is on its host";
  if (kind == "modelHealthy")
    return "model " + text(c, "model") + " is on its host and answers within " +
           text(c, "timeout", "30s");
  if (kind == "corsAllowed")
    return "a page at " + text(c, "origin") + " may call " + text(c, "url") +
           (c.contains("key") ? " with ApiKey/" + text(c, "key") : "") + " (CORS)";
  if (kind == "generate")
    return "model " + text(c, "model") + " answers a prompt within " + text(c, "maxLatency", "30s");
  if (kind == "embed") return "model " + text(c, "model") + " embeds to its declared dimensions";
  if (kind == "collectionReady")
    return "collection " + text(c, "collection") + " exists, is green and matches its spec";
  if (kind == "ingest")
    return text(c, "samples", "3") + " texts embedded by " + text(c, "model") + " are stored in " +
           text(c, "collection") + " and each is found first";
  if (kind == "load") return "load: " + loadSentence(c);
  if (kind == "httpOk")
    return "GET " + text(c, "url") + " answers 2xx" +
           (c.contains("contains") ? " containing \"" + text(c, "contains") + "\"" : "");
  if (kind == "metricsScraped")
    return text(c, "url") + " serves metrics" +
           (c.contains("metric") ? " including " + text(c, "metric") : "");
  if (kind == "availability")
    return "host " + text(c, "host") + " was up at least " + text(c, "min") + "% of the last " +
           text(c, "window", "7d");
  if (kind == "portExposure")
    return "port " + text(c, "port") + " on " + text(c, "host") + " is open only from " +
           text(c, "from");
  if (kind == "keyEnforced")
    return text(c, "url") + " refuses requests without ApiKey/" + text(c, "key") +
           " and accepts them with it";
  if (kind == "keyDenied")
    return "ApiKey/" + text(c, "key") + " may read " + text(c, "url") + " but not write";
  if (kind == "rateLimited") return "a burst to " + text(c, "url") + " is partly refused with 429";
  if (kind == "overhead")
    return "searching " + text(c, "collection") + " via " + text(c, "via") + " adds at most " +
           text(c, "max");
  if (kind == "serviceReachable")
    return "service " + text(c, "service") + " on " + text(c, "host") + " answers";
  if (kind == "prometheusTarget")
    return "Prometheus " + text(c, "url") + " scrapes job " + text(c, "job") + " and it is up";
  if (kind == "prometheusRules") return "Prometheus " + text(c, "url") + " has the alert rules";
  if (kind == "grafanaDashboard")
    return "Grafana " + text(c, "url") + " has dashboard " + text(c, "uid") +
           " with healthy data sources";
  if (kind == "httpStatus")
    return text(c, "method", "GET") + " " + text(c, "url") + " answers one of " + text(c, "expect");
  if (kind == "manual") return "a person confirms: " + text(c, "criterion");
  return kind + ": " + fields(c);
}

}  // namespace hx
