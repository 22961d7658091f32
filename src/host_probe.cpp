#include "src/host_probe.h"

#include "reconciler/values.h"

namespace hx {

namespace {
std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}
}  // namespace

std::string HttpHostProber::check(const Resource& host, std::string* detail) {
  const Json& api = host.spec["api"];
  const std::string type = api.value("type", "");
  const std::string base = trimSlash(api.value("url", ""));
  int64_t timeout = 5000;
  if (const Json* t = host.field("health.timeout"))
    timeout = parseDurationMs(t->get<std::string>()).value_or(5000);
  auto get = [&](const std::string& path, HttpResponse* out) -> std::string {
    HttpRequest req;
    req.url = base + path;
    req.timeoutMs = timeout;
    auto r = http_.send(req);
    if (!r) return r.status().message();
    *out = r.value();
    if (r.value().status < 200 || r.value().status >= 300)
      return "GET " + path + " -> " + std::to_string(r.value().status);
    return "";
  };
  HttpResponse r;
  std::string custom =
      host.field("health.path") ? host.field("health.path")->get<std::string>() : "";
  if (!custom.empty()) return get(custom, &r);
  if (type == "qdrant") {
    if (auto e = get("/healthz", &r); !e.empty()) return e;
    if (auto e = get("/readyz", &r); !e.empty()) return e;
    if (get("/", &r).empty()) {
      Json root = Json::parse(r.body, nullptr, false);
      if (root.is_object()) *detail = "qdrant " + root.value("version", "?");
    }
    return "";
  }
  if (type == "ollama") {
    if (auto e = get("/", &r); !e.empty()) return e;
    if (r.body.rfind("Ollama is running", 0) != 0) return "GET / did not say \"Ollama is running\"";
    if (auto e = get("/api/version", &r); !e.empty()) return e;
    Json v = Json::parse(r.body, nullptr, false);
    if (!v.is_object() || !v.contains("version")) return "GET /api/version did not answer JSON";
    *detail = "ollama " + v.value("version", "?");
    return "";
  }
  if (type == "openai") return get("/health", &r);
  return get("", &r);
}

HostObservation HttpHostProber::probe(const Resource& host, const HostObservation& previous) {
  int64_t start = clock_.nowMillis();
  std::string detail;
  std::string failure = check(host, &detail);
  int64_t ms = clock_.nowMillis() - start;
  HostObservation h = previous;
  bool wasUp = previous.status == HostStatus::kActive || previous.status == HostStatus::kDegraded;
  HostStatus next = failure.empty()
                        ? HostStatus::kActive
                        : (wasUp ? HostStatus::kDegraded : HostStatus::kPendingInstallation);
  if (next != previous.status || (next == HostStatus::kActive && previous.since == 0))
    h.since = next == HostStatus::kPendingInstallation ? 0 : clock_.nowSeconds();
  h.status = next;
  h.evidence = failure.empty() ? "healthy in " + std::to_string(ms) + " ms" +
                                     (detail.empty() ? "" : " (" + detail + ")")
                               : failure;
  return h;
}

}  // namespace hx
