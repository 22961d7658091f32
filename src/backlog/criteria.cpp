#include "src/backlog/criteria.h"

#include <random>

#include "reconciler/firewall_guard.h"
#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/key_credential.h"
#include "src/backlog/load_generator.h"
#include "src/platform/secrets.h"
#include "src/providers/host_endpoint.h"
#include "src/providers/json_read.h"
#include "src/providers/llm/llm_client.h"
#include "src/providers/qdrant/qdrant_api.h"

namespace hx {

namespace {

const Resource* hostOf(const DesiredState& desired, const Resource& r) {
  return desired.find({kind::kHost, objectHost(r)});
}

using check_detail::cannotRun;
using check_detail::result;

// Why `r`'s objects on its server are not known this run (its provider could not observe them:
// a secret missing, the server unreachable), or nothing. Absence there is not evidence.
std::optional<std::string> unobservable(const ObservedState& observed, const Resource* r) {
  if (!r) return std::nullopt;
  auto it = observed.failures.find(ObservationScope{r->id.kind, objectHost(*r)});
  if (it == observed.failures.end()) return std::nullopt;
  return "its " + r->id.kind + "s on " + objectHost(*r) + " could not be observed: " + it->second;
}

// Embeds `texts` with a model on its host; returns one vector per text.
Result<std::vector<std::vector<double>>> embedTexts(HttpTransport& http, Clock& clock,
                                                    const DesiredState& desired,
                                                    const Resource& model,
                                                    const std::vector<std::string>& texts) {
  const Resource* host = hostOf(desired, model);
  if (!host) return Status::error(ErrorKind::kInvalidSpec, "no host for " + model.id.str());
  LlmClient llm(http, clock, llmEndpointOf(*host));
  return llm.embed(requestModelName(model, llm.endpoint()), texts);
}

int64_t ms(const Json& c, const char* field, int64_t fallback) {
  auto text = jread::text(c, field);
  return text ? parseDurationMs(*text).value_or(fallback) : fallback;
}

}  // namespace

void collectionSearch(const DesiredState& desired, const Resource& col,
                      const std::optional<std::string>& via, LoadSpec& spec) {
  const Json& v = col.spec["vectors"];
  int size = v.contains("size") ? v["size"].get<int>() : v.begin().value()["size"].get<int>();
  Json query = {{"query", std::vector<double>(static_cast<size_t>(size), 0.5)}, {"limit", 3}};
  if (!v.contains("size")) query["using"] = v.begin().key();
  spec.method = "POST";
  std::string root = via.value_or(qdrantRootOf(*hostOf(desired, col)));
  while (!root.empty() && root.back() == '/') root.pop_back();
  spec.url = root + QdrantApi::queryPath(col.id.name);
  spec.body = query.dump();
}

std::vector<CriterionResult> CriteriaRunner::run(const Resource& task, const DesiredState& desired,
                                                 const ObservedState& observed, const Plan& plan,
                                                 const std::vector<CriterionResult>& previous,
                                                 int64_t reuseHeavyFor) {
  std::vector<CriterionResult> out;
  const Json list = task.spec.value("criteria", Json::array());
  const int64_t now = clock_.nowSeconds();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string kind = list[i].begin().key();
    bool heavy = kind == "load" || kind == "ingest" || kind == "overhead";
    if (heavy && reuseHeavyFor > 0 && i < previous.size() && previous[i].kind == kind &&
        previous[i].pass && now - previous[i].at < reuseHeavyFor) {
      out.push_back(previous[i]);
      continue;
    }
    CriterionResult r = checkGuarded(list[i], desired, observed, plan);
    r.at = clock_.nowSeconds();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<CriterionResult> CriteriaRunner::runPrerequisites(const Resource& task,
                                                              const DesiredState& desired,
                                                              const ObservedState& observed,
                                                              const Plan& plan) {
  std::vector<CriterionResult> out;
  for (const auto& [words, check] : checkedPrerequisites(task)) {
    CriterionResult r = checkGuarded(check, desired, observed, plan);
    r.at = clock_.nowSeconds();
    r.prerequisite = words;
    out.push_back(std::move(r));
  }
  return out;
}

// A barrier: whatever a check meets (an answer no server should send, a bug), it becomes this
// criterion's recorded failure, never an exception out of the cycle.
CriterionResult CriteriaRunner::checkGuarded(const Json& criterion, const DesiredState& desired,
                                             const ObservedState& observed, const Plan& plan) {
  std::string kind = criterion.is_object() && !criterion.empty() ? criterion.begin().key() : "?";
  try {
    return check(criterion, desired, observed, plan);
  } catch (const std::exception& e) {
    return result(kind, "", false, "not checked", "", std::string("check failed: ") + e.what());
  } catch (...) {
    return result(kind, "", false, "not checked", "", "check failed: unknown error");
  }
}

CriterionResult CriteriaRunner::check(const Json& criterion, const DesiredState& desired,
                                      const ObservedState& observed, const Plan& plan) {
  const std::string kind = criterion.begin().key();
  const Json& c = criterion.begin().value();
  if (kind == "manual") {
    // Never passed by a check: a person's confirmation in the spec is its only evidence.
    const std::string text = jread::textOr(c, "criterion", "");
    const Json& confirmed = jread::object(c, "confirmed");
    if (!confirmed.empty())
      return result(kind, text, true,
                    "confirmed by " + jread::textOr(confirmed, "by", "?") + " on " +
                        jread::textOr(confirmed, "on", "?"),
                    "a person's confirmation", "");
    std::string why = jread::textOr(c, "why", "");
    return result(kind, text, false, "needs a person", "a person's confirmation",
                  "needs a person: " + text + (why.empty() ? "" : " (" + why + ")"));
  }
  if (kind == "hostActive") {
    HostObservation h = observed.host(c["host"]);
    return result(kind, "Host/" + c["host"].get<std::string>(), h.status == HostStatus::kActive,
                  hostStatusName(h.status), "active", h.evidence);
  }
  if (kind == "reachable") {
    // The machines answer at all (hxctl's reachability probe, recorded with each host probe).
    std::vector<std::string> hosts;
    if (auto one = jread::text(c, "hosts")) hosts.push_back(*one);
    for (const auto& h : jread::array(c, "hosts"))
      if (h.is_string()) hosts.push_back(h.get<std::string>());
    std::string subject, failing;
    for (const auto& name : hosts) {
      subject += (subject.empty() ? "Host/" : ", Host/") + name;
      const Reachability& r = observed.host(name).reach;
      if (r.state == ReachState::kReachable || !failing.empty()) continue;
      failing = name + " " +
                (r.state == ReachState::kUnknown
                     ? "not probed" + (r.detail.empty() ? std::string(" yet") : ": " + r.detail)
                     : "unreachable (requires investigation): " + r.via + ": " + r.detail);
    }
    return result(kind, subject, failing.empty(),
                  failing.empty() ? std::to_string(hosts.size()) + " of " +
                                        std::to_string(hosts.size()) + " reachable"
                                  : "not all reachable",
                  "reachable (icmp echo or tcp)", failing);
  }
  if (kind == "modelAvailable") return modelAvailable(c, desired, observed);
  if (kind == "collectionReady") {
    const Resource* col = desired.find({kind::kCollection, c["collection"]});
    const ObservedObject* o =
        col ? observed.find(kind::kCollection, objectHost(*col), objectKey(*col)) : nullptr;
    const PlanAction* a = plan.find({kind::kCollection, c["collection"]});
    const std::string subject = "Collection/" + c["collection"].get<std::string>();
    if (auto why = unobservable(observed, col))
      return cannotRun(kind, subject, "green, config as declared", *why);
    if (!a)  // --target planned other things: this one's convergence is not known
      return cannotRun(kind, subject, "green, config as declared", "not planned in this run");
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
  if (kind == "modelHealthy") return modelHealthy(c, desired, observed);
  if (kind == "corsAllowed") return corsAllowed(c, desired);
  if (kind == "embed") return embed(c, desired);
  if (kind == "ingest") return ingest(c, desired);
  if (kind == "load") return load(c, desired);
  if (kind == "httpOk" || kind == "metricsScraped") return httpGet(kind, c, desired);
  if (kind == "keyEnforced") return keyEnforced(c, desired);
  if (kind == "prometheusTarget") return prometheusTarget(c);
  if (kind == "prometheusRules") return prometheusRules(c);
  if (kind == "grafanaDashboard") return grafanaDashboard(c);
  if (kind == "availability") return availability(c, observed);
  if (kind == "overhead") return overhead(c, desired);
  if (kind == "keyDenied") return keyDenied(c, desired);
  if (kind == "rateLimited") return rateLimited(c, desired);
  if (kind == "httpStatus") return httpStatus(c, desired);
  if (kind == "serviceReachable") return serviceReachable(c, desired);
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
  auto failure = observed.failures.find(ObservationScope{kind::kFirewallRule, host});
  if (failure != observed.failures.end())
    return result("portExposure", subject, false, "unobservable", want, failure->second);
  const ObservedObject* state = observed.find(kind::kFirewall, host, "ufw");
  if (!state)
    return result("portExposure", subject, false, "not observed", want,
                  "the firewall of " + host + " was not observed (is the host active?)");
  FirewallOutcome fw;
  fw.enabled = state->fields.value("enabled", false);
  if (state->fields.contains("defaults"))
    fw.incoming = state->fields["defaults"].value("incoming", "deny");
  std::vector<std::pair<int, UfwRule>> rules;
  for (const auto& o : observed.objects)
    if (o.kind == kind::kFirewallRule && o.host == host)
      rules.emplace_back(o.fields.value("position", 0), ufwRuleFromSpec(o.fields));
  std::stable_sort(rules.begin(), rules.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& r : rules) fw.rules.push_back(std::move(r.second));
  ExposureVerdict v = portExposure(fw, std::stoi(port), proto, from);
  return result("portExposure", subject, v.pass, v.value, want, v.detail);
}

// The model answers a short prompt within maxLatency. The model is loaded first by a request
// that is not timed (a cold load is not serving latency), and a load the timed answer still
// reports (the model was evicted meanwhile) is subtracted; the evidence says both.
CriterionResult CriteriaRunner::generate(const Json& c, const DesiredState& desired) {
  const Resource* model = desired.find({kind::kModel, jread::textOr(c, "model", "")});
  const Resource* host = model ? hostOf(desired, *model) : nullptr;
  std::string subject = model ? model->id.str() : "Model/" + jread::textOr(c, "model", "?");
  if (!host) return result("generate", subject, false, "not checked", "", "no such model or host");
  int64_t limit = ms(c, "maxLatency", 30000);
  std::string want = "non-empty, < " + std::to_string(limit) + " ms";
  std::string prompt = jread::textOr(c, "prompt", "Reply with one word: ready?");
  bool think = jread::boolean(c, "think").value_or(false);
  LlmClient llm(http_, clock_, llmEndpointOf(*host));
  const LlmEndpoint& e = llm.endpoint();
  std::string name = requestModelName(*model, e);
  auto warmed = llm.warmUp(name, false);
  if (!warmed)
    return result("generate", subject, false, "not loaded", want,
                  "warming the model up failed: " + warmed.status().message());
  // A thinking model needs room to think before it answers.
  LlmCall call = generationCall(e, name, prompt, think ? 512 : 16, think);
  int64_t start = clock_.nowMillis();
  auto answer = llm.send(call, limit + LlmClient::kLoadTimeoutMs);
  int64_t took = clock_.nowMillis() - start;
  std::string warmNote = "warmed (" + std::to_string(warmed.value()) + " ms)";
  if (!answer)
    return result("generate", subject, false, warmNote + ", " + std::to_string(took) + " ms", want,
                  answer.status().message());
  auto g = readGeneration(e, answer.value());
  if (!g)
    return result("generate", subject, false, warmNote + ", unreadable answer", want,
                  "POST " + call.path + ": " + g.status().message());
  std::string timing = std::to_string(took) + " ms";
  if (g.value().loadMs > 0 && g.value().loadMs < took) {
    took -= g.value().loadMs;
    timing =
        std::to_string(took) + " ms (less a " + std::to_string(g.value().loadMs) + " ms reload)";
  }
  std::string what =
      g.value().contentNull ? "content null" : std::to_string(g.value().content.size()) + " chars";
  if (!g.value().reasoning.empty())
    what += ", " + std::to_string(g.value().reasoning.size()) + " chars of reasoning";
  // A reasoning model that spent its tokens reasoning did generate: the answer went to its
  // reasoning field (vLLM content null, Ollama response ""), and the evidence says so.
  bool produced = !g.value().content.empty() || !g.value().reasoning.empty();
  bool pass = produced && took <= limit;
  std::string finish =
      g.value().finishReason.empty() ? "" : " (finish reason " + g.value().finishReason + ")";
  return result("generate", subject, pass, warmNote + "; " + timing + ", " + what, want,
                pass ? "" : (!produced ? "empty answer" + finish : "too slow"));
}

// Health per model (the seed's 1.3.3 "Health checks operational for all models"): a host that
// answers may still lack the model, or fail to load it; so the model must be on the host (as
// observed) and answer a request of its own kind, as generate and embed send them.
CriterionResult CriteriaRunner::modelAvailable(const Json& c, const DesiredState& desired,
                                               const ObservedState& observed) {
  const std::string subject = "Model/" + jread::textOr(c, "model", "?");
  const Resource* m = desired.find({kind::kModel, jread::textOr(c, "model", "")});
  if (!m)
    return result("modelAvailable", subject, false, "not checked", "present", "no such model");
  if (auto why = unobservable(observed, m))
    return cannotRun("modelAvailable", subject, "present", *why);
  const bool there = observed.find(kind::kModel, objectHost(*m), objectKey(*m)) != nullptr;
  return result("modelAvailable", subject, there, there ? "present" : "missing", "present",
                there ? "" : objectKey(*m) + " is not on " + objectHost(*m));
}

CriterionResult CriteriaRunner::modelHealthy(const Json& c, const DesiredState& desired,
                                             const ObservedState& observed) {
  const std::string want = "present, answering";
  CriterionResult present = modelAvailable(c, desired, observed);
  if (!present.pass) {
    present.kind = "modelHealthy";
    present.threshold = want;
    return present;
  }
  const Resource& m = *desired.find({kind::kModel, jread::textOr(c, "model", "")});
  const bool embeds = jread::textOr(m.spec, "capability", "") == "embed";
  Json ask = {{"model", m.id.name}};
  if (!embeds) ask["maxLatency"] = jread::textOr(c, "timeout", "30s");
  CriterionResult answer = embeds ? embed(ask, desired) : generate(ask, desired);
  return result("modelHealthy", present.subject, answer.pass,
                "present; " + std::string(embeds ? "embeds: " : "generates: ") + answer.value, want,
                answer.pass ? "" : answer.detail);
}

CriterionResult CriteriaRunner::embed(const Json& c, const DesiredState& desired) {
  const Resource* model = desired.find({kind::kModel, jread::textOr(c, "model", "")});
  if (!model) return result("embed", "", false, "not checked", "", "no such model");
  auto vectors = embedTexts(http_, clock_, desired, *model, {"hxctl embedding check"});
  auto dims = jread::integer(model->spec, "dimensions");
  std::string want = dims ? std::to_string(*dims) : "> 0";
  if (!vectors)
    return result("embed", model->id.str(), false, "error", want, vectors.status().message());
  size_t width = vectors.value().empty() ? 0 : vectors.value()[0].size();
  bool pass = dims ? static_cast<int64_t>(width) == *dims : width > 0;
  return result("embed", model->id.str(), pass, std::to_string(width) + " dims", want + " dims",
                pass ? "" : "the model embeds to " + std::to_string(width) + " dimensions");
}

// Embeds sample texts, upserts them as probe points, checks that a query with each text's
// vector finds that text's own point first, then deletes the probe points.
CriterionResult CriteriaRunner::ingest(const Json& c, const DesiredState& desired) {
  const Resource* modelPtr = desired.find({kind::kModel, jread::textOr(c, "model", "")});
  const Resource* colPtr = desired.find({kind::kCollection, jread::textOr(c, "collection", "")});
  const Resource* server = colPtr ? hostOf(desired, *colPtr) : nullptr;
  if (!modelPtr || !server)
    return result("ingest", "", false, "not checked", "", "no such model or collection");
  const Resource& model = *modelPtr;
  const Resource& col = *colPtr;
  std::string subject = model.id.str() + " -> " + col.id.str();
  if (auto key = qdrantKeyFor(*server); !key)
    return cannotRun("ingest", subject, "each sample found first", key.status().message());
  const int n = c.value("samples", 3);
  std::mt19937_64 rng(static_cast<uint64_t>(clock_.nowMillis()));
  std::vector<std::string> texts;
  std::vector<uint64_t> ids;
  for (int i = 0; i < n; ++i) {
    uint64_t id = (rng() >> 12) + 1;
    ids.push_back(id);
    texts.push_back("hxctl ingestion probe " + std::to_string(i) + " " + std::to_string(id));
  }
  auto vectors = embedTexts(http_, clock_, desired, model, texts);
  std::string want = std::to_string(n) + "/" + std::to_string(n) + " found first";
  if (!vectors)
    return result("ingest", subject, false, "embedding failed", want, vectors.status().message());
  QdrantApi::RetryPolicy once{1, 0, 0};
  QdrantApi q(http_, clock_, qdrantRootOf(*server), qdrantKeyOf(*server), 30000, once);
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
  Status put = q.upsertPoints(name, points);
  if (!put) return result("ingest", subject, false, "upsert failed", want, put.message());
  int found = 0;
  std::string miss;
  for (int i = 0; i < n; ++i) {
    Json query = {{"query", vectors.value()[i]}, {"limit", 1}};
    if (!using_.empty()) query["using"] = using_;
    auto hit = q.queryPoints(name, query);
    const Json* top = hit ? jread::element(jread::array(hit.value(), "points"), 0) : nullptr;
    const Json* id = top ? jread::field(*top, "id") : nullptr;
    bool first = id && *id == ids[i];
    found += first;
    if (!first && miss.empty())
      miss = hit ? "sample " + std::to_string(i) + " was not its own first hit"
                 : hit.status().message();
  }
  Status cleaned = q.deletePoints(name, ids);
  bool pass = found == n && cleaned;
  return result(
      "ingest", subject, pass, std::to_string(found) + "/" + std::to_string(n) + " found first",
      want,
      pass ? ""
           : (!miss.empty() ? miss : "could not remove the probe points: " + cleaned.message()));
}

CriterionResult CriteriaRunner::httpGet(const std::string& kind, const Json& c,
                                        const DesiredState& desired) {
  HttpRequest req;
  req.url = c["url"];
  req.timeoutMs = ms(c, "timeout", 10000);
  req.headers = hostAuthFor(desired, req.url);
  auto r = http_.send(req);
  std::string want = kind == "httpOk" ? "2xx" : "metric " + c.value("metric", "") + " present";
  if (!r) return result(kind, req.url, false, "no answer", want, r.status().message());
  int status = r.value().status;
  bool ok = status >= 200 && status < 300;
  if (kind == "httpOk") {
    const std::string contains = jread::textOr(c, "contains", "");
    if (ok && !contains.empty() && r.value().body.find(contains) == std::string::npos)
      return result(
          kind, req.url, false, "HTTP " + std::to_string(status) + ", not the page",
          want + " containing \"" + contains + "\"",
          "the answer does not contain \"" + contains + "\": another application answers");
    return result(kind, req.url, ok, "HTTP " + std::to_string(status),
                  contains.empty() ? want : want + " containing \"" + contains + "\"",
                  ok ? "" : "HTTP " + std::to_string(status));
  }
  std::string metric = c.value("metric", "");
  bool has = ok && (r.value().body.rfind(metric, 0) == 0 ||
                    r.value().body.find("\n" + metric) != std::string::npos);
  return result(
      kind, req.url, has, ok ? (has ? "present" : "absent") : "HTTP " + std::to_string(status),
      want, has ? "" : (ok ? metric + " is not in the scrape" : "HTTP " + std::to_string(status)));
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
    const Resource* model = desired.find({kind::kModel, jread::textOr(target, "model", "")});
    const Resource* host = model ? hostOf(desired, *model) : nullptr;
    if (!host) return result("load", "", false, "not checked", "", "no such model or host");
    LlmClient llm(http_, clock_, llmEndpointOf(*host));
    const LlmEndpoint& e = llm.endpoint();
    std::string name = requestModelName(*model, e);
    bool embeds = jread::textOr(model->spec, "capability", "") == "embed";
    LlmCall call =
        embeds ? embeddingCall(e, name, {"hxctl load"}) : generationCall(e, name, "hi", 16, false);
    spec.method = "POST";
    spec.url = e.root + call.path;
    spec.body = call.body.dump();
    subject = model->id.str();
    // Latency thresholds measure serving: the model is loaded before the clock starts.
    auto warmed = llm.warmUp(name, embeds);
    if (!warmed)
      return result("load", subject, false, "not loaded", "",
                    "warming the model up failed: " + warmed.status().message());
  } else {
    const Resource& col = *desired.find({kind::kCollection, target["collection"]});
    // `via`: the same search through a gateway in front of the server.
    collectionSearch(desired, col, jread::text(c, "via"), spec);
    subject = col.id.str();
  }
  spec.headers = hostAuthFor(desired, spec.url);
  // `key`: the requests carry that ApiKey as its clients present it (through a gateway that
  // enforces keys, a load without one measures 401s). The evidence names the key sent.
  if (auto keyName = jread::text(c, "key")) {
    auto credential = keyCredentialByName(c, desired, spec.url);
    if (!credential) return cannotRun("load", subject, "", credential.status().message());
    spec.headers.emplace_back(credential.value().header, credential.value().value);
    subject += " with ApiKey/" + *keyName;
  }
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
  // The seed's "Error rate: <1%" is strict: 200 errors in 20 000 requests (1.00 %) fail it.
  if (th.contains("maxErrorRate")) {
    const double max = th["maxErrorRate"].get<double>();
    want += std::string(want.empty() ? "" : ", ") +
            (max <= 0 ? std::string("no errors") : "errors < " + formatPercent(max));
    if (report.completed > 0 && !errorsBelow(report.errors, report.completed, max))
      misses.push_back(formatPercent(report.errorRate) + " errors (" +
                       std::to_string(report.errors) + " of " + std::to_string(report.completed) +
                       ")");
  }
  std::string detail;
  if (report.errors > 0 && misses.empty() && !th.contains("maxErrorRate") &&
      report.completed == report.errors)
    misses.push_back("every request failed");
  for (const auto& m : misses) detail += (detail.empty() ? "" : ", ") + m;
  if (!report.firstError.empty() && report.errors > 0)
    detail += (detail.empty() ? "" : "; ") + std::string("first error: ") + report.firstError;
  CriterionResult r = result("load", subject, misses.empty() && report.completed > 0,
                             describe(report), want, misses.empty() ? "" : detail);
  if (report.completed > report.errors)
    r.figures = {{"avgMs", report.avgMs}, {"p95Ms", report.p95Ms}, {"rps", report.rps}};
  return r;
}

}  // namespace hx
