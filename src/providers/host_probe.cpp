#include "src/providers/host_probe.h"

#include "reconciler/values.h"
#include "src/providers/json_read.h"
#include "src/providers/llm/llm_dialect.h"

namespace hx {

namespace {
std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// What a 503 from /health means, by server (vLLM: the engine died, since a loading vLLM is not
// listening yet; llama-server: still loading).
std::string unavailableMeaning(const std::string& flavor) {
  if (flavor == "vllm") return " (the engine is dead)";
  if (flavor == "llama-server") return " (still loading)";
  return " (still loading, or the engine is down)";
}
}  // namespace

// Runs the api type's checks in order; the first failure is the result.
ProbeResult HttpHostProber::check(const Resource& host, int64_t timeoutMs) {
  const Json& api = jread::object(host.spec, "api");
  const std::string type = jread::textOr(api, "type", "");
  LlmEndpoint llm = llmEndpointOf(host);
  const std::string base =
      type == "qdrant" || type == "http" ? trimSlash(jread::textOr(api, "url", "")) : llm.root;
  ProbeResult result;
  HttpResponse r;
  // Empty when `path` answered 2xx, else what went wrong.
  auto get = [&](const std::string& path, const Headers& headers = {}) -> std::string {
    HttpRequest req;
    req.url = base + path;
    req.timeoutMs = timeoutMs;
    req.headers = headers;
    const std::string route = "GET " + (path.empty() ? std::string("/") : path);
    auto answer = http_.send(req);
    if (!answer) {
      result.httpStatus = 0;
      const std::string why = answer.status().message();
      return why.rfind("GET ", 0) == 0 ? why : route + ": " + why;  // the transport names it
    }
    r = answer.value();
    result.httpStatus = r.status;
    if (r.status < 200 || r.status >= 300)
      return route + " -> " + std::to_string(r.status) +
             (r.status == 503 ? unavailableMeaning(llm.flavor) : "");
    return "";
  };
  auto fail = [&](std::string why) {
    result.ok = false;
    result.error = std::move(why);
    return result;
  };
  const Json* custom = jread::field(jread::object(host.spec, "health"), "path");
  if (custom && custom->is_string()) {
    if (auto e = get(custom->get<std::string>()); !e.empty()) return fail(e);
  } else if (type == "qdrant") {
    if (auto e = get("/healthz"); !e.empty()) return fail(e);
    if (auto e = get("/readyz"); !e.empty()) return fail(e);
    if (get("/").empty()) {
      Json root = Json::parse(r.body, nullptr, false);
      if (auto v = jread::text(root, "version")) result.version = "qdrant " + *v;
    }
  } else if (llm.ollamaServer) {
    // Ollama has no /health (an unknown path is its 404 "404 page not found"), also behind /v1.
    if (auto e = get("/"); !e.empty()) return fail(e);
    if (r.body.rfind("Ollama is running", 0) != 0)
      return fail("GET / did not say \"Ollama is running\": \"" + jread::excerpt(r.body, 60) +
                  "\"");
    if (auto e = get("/api/version"); !e.empty()) return fail(e);
    auto version = jread::text(Json::parse(r.body, nullptr, false), "version");
    if (!version)
      return fail("GET /api/version did not answer {\"version\": \"...\"}: \"" +
                  jread::excerpt(r.body, 60) + "\"");
    result.version = "ollama " + *version;
  } else if (type == "openai") {
    std::string e = get("/health");
    // A server of no declared flavor without /health (LiteLLM, a proxy): its model list shows
    // that it serves.
    if (!e.empty() && result.httpStatus == 404 && llm.flavor.empty())
      e = get("/v1/models", llm.auth);
    if (!e.empty()) return fail(e);
  } else {
    if (auto e = get(""); !e.empty()) return fail(e);
  }
  result.ok = true;
  return result;
}

ReachSpec reachSpecOf(const Resource& host) {
  ReachSpec spec;
  const Json r = host.spec.value("reachability", Json::object());
  spec.via = r.value("via", "auto");
  spec.port = host.spec.value("firewall", Json::object()).value("sshPort", 22);
  if (r.contains("port")) spec.port = r.value("port", 22);
  if (r.contains("service"))
    for (const auto& s : host.spec.value("services", Json::array()))
      if (s.value("name", "") == r.value("service", "")) spec.port = s.value("port", spec.port);
  return spec;
}

HostObservation HttpHostProber::probe(const Resource& host, const HostObservation& previous) {
  HealthPolicy policy = healthPolicyOf(host);
  int64_t start = clock_.nowMillis();
  HostObservation out;
  if (!probeAllowed(previous, policy, start)) {
    out = afterWithheldProbe(previous, policy);
  } else {
    ProbeResult result;
    try {
      result = check(host, policy.timeoutMs);
    } catch (const std::exception& e) {  // a barrier: an answer nobody expected is a failed probe
      result.ok = false;
      result.error = std::string("probe failed: ") + e.what();
    }
    int64_t end = clock_.nowMillis();
    result.latencyMs = end - start;
    out = afterProbe(previous, result, policy, end);
  }
  // The machine itself, whether or not its API answers (or its breaker lets it be asked).
  if (reach_)
    out.reach = reach_->probe(host.spec.value("address", ""), reachSpecOf(host), policy.timeoutMs,
                              previous.reach, clock_.nowMillis());
  return out;
}

}  // namespace hx
