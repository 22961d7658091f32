#include "src/host_probe.h"

#include "reconciler/values.h"

namespace hx {

namespace {
std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}
}  // namespace

// Runs the api type's checks in order; the first failure is the result.
ProbeResult HttpHostProber::check(const Resource& host, int64_t timeoutMs) {
  const Json& api = host.spec["api"];
  const std::string type = api.value("type", "");
  const std::string base = trimSlash(api.value("url", ""));
  ProbeResult result;
  HttpResponse r;
  // Empty when `path` answered 2xx, else what went wrong.
  auto get = [&](const std::string& path) -> std::string {
    HttpRequest req;
    req.url = base + path;
    req.timeoutMs = timeoutMs;
    auto answer = http_.send(req);
    if (!answer) {
      result.httpStatus = 0;
      return answer.status().message();
    }
    r = answer.value();
    result.httpStatus = r.status;
    if (r.status < 200 || r.status >= 300)
      return "GET " + (path.empty() ? std::string("/") : path) + " -> " + std::to_string(r.status) +
             (r.status == 503 ? " (still loading)" : "");
    return "";
  };
  auto fail = [&](std::string why) {
    result.ok = false;
    result.error = std::move(why);
    return result;
  };
  const Json* custom = host.field("health.path");
  if (custom) {
    if (auto e = get(custom->get<std::string>()); !e.empty()) return fail(e);
  } else if (type == "qdrant") {
    if (auto e = get("/healthz"); !e.empty()) return fail(e);
    if (auto e = get("/readyz"); !e.empty()) return fail(e);
    if (get("/").empty()) {
      Json root = Json::parse(r.body, nullptr, false);
      if (root.is_object()) result.version = "qdrant " + root.value("version", "?");
    }
  } else if (type == "ollama") {
    if (auto e = get("/"); !e.empty()) return fail(e);
    if (r.body.rfind("Ollama is running", 0) != 0)
      return fail("GET / did not say \"Ollama is running\"");
    if (auto e = get("/api/version"); !e.empty()) return fail(e);
    Json v = Json::parse(r.body, nullptr, false);
    if (!v.is_object() || !v.contains("version"))
      return fail("GET /api/version did not answer JSON");
    result.version = "ollama " + v.value("version", "?");
  } else if (type == "openai") {
    if (auto e = get("/health"); !e.empty()) return fail(e);
  } else {
    if (auto e = get(""); !e.empty()) return fail(e);
  }
  result.ok = true;
  return result;
}

HostObservation HttpHostProber::probe(const Resource& host, const HostObservation& previous) {
  HealthPolicy policy = healthPolicyOf(host);
  int64_t start = clock_.nowMillis();
  if (!probeAllowed(previous, policy, start)) return afterWithheldProbe(previous, policy);
  ProbeResult result = check(host, policy.timeoutMs);
  int64_t end = clock_.nowMillis();
  result.latencyMs = end - start;
  return afterProbe(previous, result, policy, end);
}

}  // namespace hx
