#include "src/criteria.h"

#include <random>

#include "reconciler/firewall_guard.h"
#include "reconciler/identity.h"
#include "reconciler/values.h"
#include "src/load_generator.h"
#include "src/qdrant_api.h"
#include "src/secrets.h"

namespace hx {

namespace {

const Resource* hostOf(const DesiredState& desired, const Resource& r) {
  return desired.find({"Host", objectHost(r)});
}

std::string baseUrl(const Resource& host) {
  std::string url = host.spec["api"].value("url", "");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The credential header for a URL served by one of the declared hosts, if that host has one.
std::vector<std::pair<std::string, std::string>> authFor(const DesiredState& desired,
                                                         const std::string& url) {
  for (const auto* host : desired.ofKind("Host")) {
    std::string base = baseUrl(*host);
    if (base.empty() || url.rfind(base, 0) != 0 || !host->spec["api"].contains("auth")) continue;
    auto secret = readSecret(host->spec["api"]["auth"]);
    if (!secret) return {};
    if (host->spec["api"].value("type", "") == "qdrant") return {{"api-key", secret.value()}};
    return {{"Authorization", "Bearer " + secret.value()}};
  }
  return {};
}

CriterionResult result(const std::string& kind, const std::string& subject, bool pass,
                       std::string value, std::string threshold, std::string detail) {
  return CriterionResult{
      kind, subject, pass, std::move(value), std::move(threshold), std::move(detail), 0};
}

Result<Json> postJson(HttpTransport& http, const std::string& url, const Json& body,
                      int64_t timeoutMs,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.timeoutMs = timeoutMs;
  req.body = body.dump();
  req.headers = headers;
  req.headers.emplace_back("Content-Type", "application/json");
  auto r = http.send(req);
  if (!r) return r.status();
  if (r.value().status < 200 || r.value().status >= 300)
    return Status::error(ErrorKind::kTerminal, "HTTP " + std::to_string(r.value().status) + ": " +
                                                   r.value().body.substr(0, 200));
  Json j = Json::parse(r.value().body, nullptr, false);
  if (j.is_discarded()) return Status::error(ErrorKind::kTerminal, "the answer is not JSON");
  return j;
}

// Embeds `texts` with a model; returns one vector per text.
Result<std::vector<std::vector<double>>> embedTexts(HttpTransport& http,
                                                    const DesiredState& desired,
                                                    const Resource& model,
                                                    const std::vector<std::string>& texts) {
  const Resource* host = hostOf(desired, model);
  if (!host) return Status::error(ErrorKind::kInvalidSpec, "no host for " + model.id.str());
  std::string base = baseUrl(*host);
  bool ollama = host->spec["api"].value("type", "") == "ollama";
  auto answer = ollama ? postJson(http, base + "/api/embed",
                                  Json{{"model", objectKey(model)}, {"input", texts}}, 60000)
                       : postJson(http, base + "/v1/embeddings",
                                  Json{{"model", model.spec.value("model", "")}, {"input", texts}},
                                  60000, authFor(desired, base));
  if (!answer) return answer.status();
  std::vector<std::vector<double>> out;
  if (ollama) {
    for (const auto& v : answer.value().value("embeddings", Json::array()))
      out.push_back(v.get<std::vector<double>>());
  } else {
    for (const auto& d : answer.value().value("data", Json::array()))
      out.push_back(d.value("embedding", Json::array()).get<std::vector<double>>());
  }
  if (out.size() != texts.size())
    return Status::error(ErrorKind::kTerminal, "asked for " + std::to_string(texts.size()) +
                                                   " embeddings, got " +
                                                   std::to_string(out.size()));
  return out;
}

int64_t ms(const Json& c, const char* field, int64_t fallback) {
  return c.contains(field) ? parseDurationMs(c[field].get<std::string>()).value_or(fallback)
                           : fallback;
}

}  // namespace

std::vector<CriterionResult> CriteriaRunner::run(const Resource& task, const DesiredState& desired,
                                                 const ObservedState& observed, const Plan& plan,
                                                 const std::vector<CriterionResult>& previous,
                                                 int64_t reuseHeavyFor) {
  std::vector<CriterionResult> out;
  const Json list = task.spec.value("criteria", Json::array());
  const int64_t now = clock_.nowSeconds();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string kind = list[i].begin().key();
    bool heavy = kind == "load" || kind == "ingest";
    if (heavy && reuseHeavyFor > 0 && i < previous.size() && previous[i].kind == kind &&
        previous[i].pass && now - previous[i].at < reuseHeavyFor) {
      out.push_back(previous[i]);
      continue;
    }
    CriterionResult r = check(list[i], desired, observed, plan);
    r.at = clock_.nowSeconds();
    out.push_back(std::move(r));
  }
  return out;
}

CriterionResult CriteriaRunner::check(const Json& criterion, const DesiredState& desired,
                                      const ObservedState& observed, const Plan& plan) {
  const std::string kind = criterion.begin().key();
  const Json& c = criterion.begin().value();
  if (kind == "hostActive") {
    HostObservation h = observed.host(c["host"]);
    return result(kind, "Host/" + c["host"].get<std::string>(), h.status == HostStatus::kActive,
                  hostStatusName(h.status), "active", h.evidence);
  }
  if (kind == "modelAvailable") {
    const Resource* m = desired.find({"Model", c["model"]});
    bool there = m && observed.find("Model", objectHost(*m), objectKey(*m));
    return result(kind, "Model/" + c["model"].get<std::string>(), there,
                  there ? "present" : "missing", "present",
                  there ? "" : objectKey(*m) + " is not on " + objectHost(*m));
  }
  if (kind == "collectionReady") {
    const Resource* col = desired.find({"Collection", c["collection"]});
    const ObservedObject* o =
        col ? observed.find("Collection", objectHost(*col), objectKey(*col)) : nullptr;
    const PlanAction* a = plan.find({"Collection", c["collection"]});
    std::string status = o ? o->fields.value("status", "?") : "missing";
    bool matches = a && a->type == ActionType::kNoOp;
    bool pass = o && status == "green" && matches;
    return result(kind, "Collection/" + c["collection"].get<std::string>(), pass,
                  status + (o && !matches ? ", config differs" : ""), "green, config as declared",
                  pass ? ""
                       : (o ? (matches ? "status is " + status : "the plan still changes it")
                            : "it does not exist"));
  }
  if (kind == "generate") return generate(c, desired);
  if (kind == "embed") return embed(c, desired);
  if (kind == "ingest") return ingest(c, desired);
  if (kind == "load") return load(c, desired);
  if (kind == "httpOk" || kind == "metricsScraped") return httpGet(kind, c, desired);
  if (kind == "keyEnforced") return keyEnforced(c, desired);
  if (kind == "portExposure") return portExposureOf(c, observed);
  return result(kind, "", false, "not checked", "", "unknown criterion " + kind);
}

// Judged from the rules observed on the host (one read of its ufw files, already made).
CriterionResult CriteriaRunner::portExposureOf(const Json& c, const ObservedState& observed) {
  std::string host = c["host"];
  std::string port =
      c["port"].is_number() ? std::to_string(c["port"].get<int>()) : c["port"].get<std::string>();
  std::string proto = c.value("proto", "tcp");
  std::string from = c["from"];
  std::string subject = "Host/" + host + " " + port + "/" + proto;
  std::string want = "only from " + from;
  auto failure = observed.failures.find("FirewallRule@" + host);
  if (failure != observed.failures.end())
    return result("portExposure", subject, false, "unobservable", want, failure->second);
  const ObservedObject* state = observed.find("Firewall", host, "ufw");
  if (!state)
    return result("portExposure", subject, false, "not observed", want,
                  "the firewall of " + host + " was not observed (is the host active?)");
  FirewallOutcome fw;
  fw.enabled = state->fields.value("enabled", false);
  if (state->fields.contains("defaults"))
    fw.incoming = state->fields["defaults"].value("incoming", "deny");
  std::vector<std::pair<int, UfwRule>> rules;
  for (const auto& o : observed.objects)
    if (o.kind == "FirewallRule" && o.host == host)
      rules.emplace_back(o.fields.value("position", 0), ufwRuleFromSpec(o.fields));
  std::stable_sort(rules.begin(), rules.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& r : rules) fw.rules.push_back(std::move(r.second));
  ExposureVerdict v = portExposure(fw, std::stoi(port), proto, from);
  return result("portExposure", subject, v.pass, v.value, want, v.detail);
}

CriterionResult CriteriaRunner::generate(const Json& c, const DesiredState& desired) {
  const Resource& model = *desired.find({"Model", c["model"]});
  const Resource* host = hostOf(desired, model);
  int64_t limit = ms(c, "maxLatency", 30000);
  std::string prompt = c.value("prompt", "Reply with one word: ready?");
  std::string base = baseUrl(*host);
  int64_t start = clock_.nowMillis();
  bool ollama = host->spec["api"].value("type", "") == "ollama";
  auto answer = ollama ? postJson(http_, base + "/api/generate",
                                  Json{{"model", objectKey(model)},
                                       {"prompt", prompt},
                                       {"stream", false},
                                       {"options", {{"num_predict", 16}}}},
                                  limit)
                       : postJson(http_, base + "/v1/chat/completions",
                                  Json{{"model", model.spec.value("model", "")},
                                       {"messages", {{{"role", "user"}, {"content", prompt}}}},
                                       {"max_tokens", 16}},
                                  limit, authFor(desired, base));
  int64_t took = clock_.nowMillis() - start;
  std::string subject = model.id.str();
  if (!answer)
    return result("generate", subject, false, std::to_string(took) + " ms",
                  "< " + std::to_string(limit) + " ms", answer.status().message());
  std::string text = ollama ? answer.value().value("response", "")
                            : answer.value()["choices"][0]["message"].value("content", "");
  bool pass = !text.empty() && took <= limit;
  return result("generate", subject, pass,
                std::to_string(took) + " ms, " + std::to_string(text.size()) + " chars",
                "non-empty, < " + std::to_string(limit) + " ms",
                pass ? "" : (text.empty() ? "empty answer" : "too slow"));
}

CriterionResult CriteriaRunner::embed(const Json& c, const DesiredState& desired) {
  const Resource& model = *desired.find({"Model", c["model"]});
  auto vectors = embedTexts(http_, desired, model, {"hxctl embedding check"});
  std::string want = model.spec.contains("dimensions") ? model.spec["dimensions"].dump() : "> 0";
  if (!vectors)
    return result("embed", model.id.str(), false, "error", want, vectors.status().message());
  size_t width = vectors.value()[0].size();
  bool pass = model.spec.contains("dimensions") ? width == model.spec["dimensions"].get<size_t>()
                                                : width > 0;
  return result("embed", model.id.str(), pass, std::to_string(width) + " dims", want + " dims",
                pass ? "" : "the model embeds to " + std::to_string(width) + " dimensions");
}

// Embeds sample texts, upserts them as probe points, checks that a query with each text's
// vector finds that text's own point first, then deletes the probe points.
CriterionResult CriteriaRunner::ingest(const Json& c, const DesiredState& desired) {
  const Resource& model = *desired.find({"Model", c["model"]});
  const Resource& col = *desired.find({"Collection", c["collection"]});
  const Resource* server = hostOf(desired, col);
  std::string subject = model.id.str() + " -> " + col.id.str();
  int n = c.value("samples", 3);
  std::mt19937_64 rng(static_cast<uint64_t>(clock_.nowMillis()));
  std::vector<std::string> texts;
  std::vector<uint64_t> ids;
  for (int i = 0; i < n; ++i) {
    uint64_t id = (rng() >> 12) + 1;
    ids.push_back(id);
    texts.push_back("hxctl ingestion probe " + std::to_string(i) + " " + std::to_string(id));
  }
  auto vectors = embedTexts(http_, desired, model, texts);
  std::string want = std::to_string(n) + "/" + std::to_string(n) + " found first";
  if (!vectors)
    return result("ingest", subject, false, "embedding failed", want, vectors.status().message());
  std::string key;
  if (server->spec["api"].contains("auth")) {
    auto secret = readSecret(server->spec["api"]["auth"]);
    if (secret) key = secret.value();
  }
  QdrantApi::RetryPolicy once{1, 0, 0};
  QdrantApi q(http_, clock_, baseUrl(*server), key, 30000, once);
  std::string name = col.id.name;
  std::string using_;
  const Json& vspec = col.spec["vectors"];
  if (!vspec.contains("size")) using_ = vspec.begin().key();
  Json points = Json::array();
  for (int i = 0; i < n; ++i) {
    Json vector = using_.empty() ? Json(vectors.value()[i]) : Json{{using_, vectors.value()[i]}};
    points.push_back({{"id", ids[i]},
                      {"vector", vector},
                      {"payload", {{"hxctl_probe", true}, {"text", texts[i]}}}});
  }
  Json upsert = {{"points", points}};
  auto put = q.call("PUT", "/collections/" + name + "/points?wait=true", &upsert);
  if (!put) return result("ingest", subject, false, "upsert failed", want, put.status().message());
  int found = 0;
  std::string miss;
  for (int i = 0; i < n; ++i) {
    Json query = {{"query", vectors.value()[i]}, {"limit", 1}};
    if (!using_.empty()) query["using"] = using_;
    auto hit = q.call("POST", "/collections/" + name + "/points/query", &query);
    bool first = hit && !hit.value()["points"].empty() && hit.value()["points"][0]["id"] == ids[i];
    found += first;
    if (!first && miss.empty())
      miss = hit ? "sample " + std::to_string(i) + " was not its own first hit"
                 : hit.status().message();
  }
  Json remove = {{"points", ids}};
  auto cleaned = q.call("POST", "/collections/" + name + "/points/delete?wait=true", &remove);
  bool pass = found == n && cleaned;
  return result(
      "ingest", subject, pass, std::to_string(found) + "/" + std::to_string(n) + " found first",
      want,
      pass ? ""
           : (!miss.empty() ? miss
                            : "could not remove the probe points: " + cleaned.status().message()));
}

CriterionResult CriteriaRunner::httpGet(const std::string& kind, const Json& c,
                                        const DesiredState& desired) {
  HttpRequest req;
  req.url = c["url"];
  req.timeoutMs = ms(c, "timeout", 10000);
  req.headers = authFor(desired, req.url);
  auto r = http_.send(req);
  std::string want = kind == "httpOk" ? "2xx" : "metric " + c.value("metric", "") + " present";
  if (!r) return result(kind, req.url, false, "no answer", want, r.status().message());
  int status = r.value().status;
  bool ok = status >= 200 && status < 300;
  if (kind == "httpOk")
    return result(kind, req.url, ok, "HTTP " + std::to_string(status), want,
                  ok ? "" : "HTTP " + std::to_string(status));
  std::string metric = c.value("metric", "");
  bool has = ok && (r.value().body.rfind(metric, 0) == 0 ||
                    r.value().body.find("\n" + metric) != std::string::npos);
  return result(
      kind, req.url, has, ok ? (has ? "present" : "absent") : "HTTP " + std::to_string(status),
      want, has ? "" : (ok ? metric + " is not in the scrape" : "HTTP " + std::to_string(status)));
}

// A request without a key must be refused (401/403) and one with the key accepted (2xx).
CriterionResult CriteriaRunner::keyEnforced(const Json& c, const DesiredState& desired) {
  std::string url = c["url"];
  const Resource* key = desired.find({"ApiKey", c["key"]});
  std::string subject = url + " with ApiKey/" + c["key"].get<std::string>();
  auto secret = readSecret(key->spec["secret"]);
  if (!secret)
    return result("keyEnforced", subject, false, "no key", "401/403 without, 2xx with",
                  secret.status().message());
  HttpRequest without;
  without.url = url;
  without.timeoutMs = 10000;
  auto anon = http_.send(without);
  HttpRequest with = without;
  bool qdrant = false;
  for (const auto* host : desired.ofKind("Host"))
    if (url.rfind(baseUrl(*host), 0) == 0 && host->spec["api"].value("type", "") == "qdrant")
      qdrant = true;
  with.headers.emplace_back(qdrant ? "api-key" : "X-API-Key", secret.value());
  auto keyed = http_.send(with);
  int a = anon ? anon.value().status : 0, k = keyed ? keyed.value().status : 0;
  bool pass = (a == 401 || a == 403) && k >= 200 && k < 300;
  return result("keyEnforced", subject, pass,
                "without: " + (anon ? std::to_string(a) : anon.status().message()) +
                    ", with: " + (keyed ? std::to_string(k) : keyed.status().message()),
                "without: 401/403, with: 2xx", pass ? "" : "the key is not enforced as required");
}

CriterionResult CriteriaRunner::load(const Json& c, const DesiredState& desired) {
  LoadSpec spec;
  spec.requests = c.value("requests", 1000);
  spec.concurrency = c.value("concurrency", 16);
  spec.loopbackOnly = loopbackOnly_;
  const Json& target = c["target"];
  std::string subject;
  if (target.contains("url")) {
    spec.url = target["url"];
    subject = spec.url;
  } else if (target.contains("model")) {
    const Resource& model = *desired.find({"Model", target["model"]});
    const Resource* host = hostOf(desired, model);
    bool ollama = host->spec["api"].value("type", "") == "ollama";
    bool embeds = model.spec.value("capability", "") == "embed";
    spec.method = "POST";
    spec.url = baseUrl(*host) + (ollama ? (embeds ? "/api/embed" : "/api/generate")
                                        : (embeds ? "/v1/embeddings" : "/v1/chat/completions"));
    spec.body = embeds
                    ? Json{{"model", ollama ? objectKey(model) : model.spec.value("model", "")},
                           {"input", "hxctl load"}}
                          .dump()
                    : Json{{"model", objectKey(model)}, {"prompt", "hi"}, {"stream", false}}.dump();
    subject = model.id.str();
  } else {
    const Resource& col = *desired.find({"Collection", target["collection"]});
    const Json& v = col.spec["vectors"];
    int size = v.contains("size") ? v["size"].get<int>() : v.begin().value()["size"].get<int>();
    Json query = {{"query", std::vector<double>(static_cast<size_t>(size), 0.5)}, {"limit", 3}};
    if (!v.contains("size")) query["using"] = v.begin().key();
    spec.method = "POST";
    spec.url = baseUrl(*hostOf(desired, col)) + "/collections/" + col.id.name + "/points/query";
    spec.body = query.dump();
    subject = col.id.str();
  }
  spec.headers = authFor(desired, spec.url);
  LoadReport report = runLoad(spec);
  const Json th = c.value("thresholds", Json::object());
  std::vector<std::string> misses;
  std::string want;
  auto limitMs = [&](const char* field, double measured, const char* label) {
    if (!th.contains(field)) return;
    double limit = static_cast<double>(parseDurationMs(th[field].get<std::string>()).value_or(0));
    want += std::string(want.empty() ? "" : ", ") + label + " < " + th[field].get<std::string>();
    if (measured >= limit) misses.push_back(std::string(label) + " " + formatMs(measured));
  };
  limitMs("avgLatency", report.avgMs, "avg");
  limitMs("p95Latency", report.p95Ms, "p95");
  limitMs("p99Latency", report.p99Ms, "p99");
  if (th.contains("minRps")) {
    want += std::string(want.empty() ? "" : ", ") + ">= " + th["minRps"].dump() + " rps";
    if (report.rps < th["minRps"].get<double>())
      misses.push_back("only " + formatRate(report.rps) + " rps");
  }
  if (th.contains("maxErrorRate")) {
    want += std::string(want.empty() ? "" : ", ") +
            "errors <= " + formatPercent(th["maxErrorRate"].get<double>());
    if (report.errorRate > th["maxErrorRate"].get<double>())
      misses.push_back(formatPercent(report.errorRate) + " errors");
  }
  std::string detail;
  for (const auto& m : misses) detail += (detail.empty() ? "" : ", ") + m;
  if (!report.firstError.empty() && report.errors > 0)
    detail += (detail.empty() ? "" : "; ") + std::string("first error: ") + report.firstError;
  return result("load", subject, misses.empty() && report.completed > 0, describe(report), want,
                misses.empty() ? "" : detail);
}

}  // namespace hx
