#include "reconciler/kinds.h"

#include <algorithm>
#include <regex>
#include <set>

#include "reconciler/identity.h"
#include "reconciler/plan.h"
#include "reconciler/ufw_rule.h"
#include "reconciler/values.h"

namespace hx {
namespace {

using namespace schema;  // NOLINT(google-build-using-namespace): the table reads as a document

void report(Diagnostics& diags, const Resource& r, const std::string& path, std::string message) {
  diags.push_back(Diagnostic{r.locate(path), r.id.str() + " " + path, std::move(message)});
}

// ---- Host ---------------------------------------------------------------------------------

Schema hostSpec() {
  return object({
      req("address", address()),
      req("api", object({
                     req("type", oneOf({"ollama", "openai", "qdrant", "http"})),
                     req("url", url()),
                     opt("flavor", oneOf({"ollama", "vllm", "llama-server"})),
                     opt("auth", secretRef()),
                 })),
      opt("health", object({
                        opt("path", str()),
                        opt("interval", duration()),
                        opt("timeout", duration()),
                        opt("failureThreshold", integer(1, 100)),
                        opt("successThreshold", integer(1, 100)),
                    })),
      // The machine's reachability apart from its API (the operators' "ping"): an ICMP echo, or
      // a TCP connect to `port` (or a declared service's) where ICMP is not permitted; default
      // auto, port 22 (the firewall's sshPort when set). src/platform/reachability.h.
      opt("reachability", object({
                              opt("via", oneOf({"auto", "icmp", "tcp", "off"})),
                              opt("port", integer(1, 65535)),
                              opt("service", str()),
                          })),
      opt("services", listOf(object({
                          req("name", name()),
                          req("port", integer(1, 65535)),
                          opt("proto", oneOf({"tcp", "udp"})),
                      }))),
      opt("firewall", object({
                          req("manager", oneOf({"ufw"})),
                          req("exec", listOf(str(), true)),
                          opt("defaults", object({
                                              opt("incoming", oneOf({"allow", "deny", "reject"})),
                                              opt("outgoing", oneOf({"allow", "deny", "reject"})),
                                          })),
                          opt("logging", oneOf({"off", "low", "medium", "high", "full"})),
                          opt("enabled", boolean()),
                          opt("exclusive", boolean()),
                          opt("sshPort", integer(1, 65535)),
                          opt("operatorNetwork", cidrOrAny()),
                      })),
  });
}

void validateHost(const Resource& r, Diagnostics& diags) {
  const Json* type = r.field("api.type");
  if (r.field("api.flavor") && type && *type != "openai")
    report(diags, r, "spec.api.flavor", "only applies to api.type openai");
  const Json* interval = r.field("health.interval");
  const Json* timeout = r.field("health.timeout");
  if (interval && timeout && interval->is_string() && timeout->is_string()) {
    auto i = parseDurationMs(interval->get<std::string>());
    auto t = parseDurationMs(timeout->get<std::string>());
    if (i && t && *t >= *i)
      report(diags, r, "spec.health.timeout", "must be shorter than health.interval");
  }
}

// ---- Model --------------------------------------------------------------------------------

Schema modelSpec() {
  return object({
      req("host", ref("Host")),
      req("model", str()),
      req("capability", oneOf({"generate", "embed"})),
      opt("dimensions", integer(1, 65536)),
  });
}

void validateModel(const Resource& r, Diagnostics& diags) {
  const Json* cap = r.field("capability");
  if (r.field("dimensions") && cap && *cap != "embed")
    report(diags, r, "spec.dimensions", "only applies to models with capability: embed");
}

// ---- Collection ---------------------------------------------------------------------------

Schema hnswSpec() {
  return object({
      opt("m", integer(0, 1024)),
      opt("efConstruct", integer(4, 100000)),
      opt("fullScanThreshold", integer(10)),
      opt("onDisk", boolean()),
      opt("payloadM", integer(0, 1024)),
  });
}

Schema quantizationSpec() {
  return oneKey({
      opt("scalar", object({req("type", oneOf({"int8"})), opt("quantile", number(0.5, 1.0)),
                            opt("alwaysRam", boolean())})),
      opt("binary", object({opt("alwaysRam", boolean())})),
      opt("product", object({req("compression", oneOf({"x4", "x8", "x16", "x32", "x64"})),
                             opt("alwaysRam", boolean())})),
      opt("disabled", boolean()),
  });
}

Schema vectorParams() {
  return object({
      req("size", integer(1, 65536)),
      req("distance", oneOf({"Cosine", "Euclid", "Dot", "Manhattan"})),
      opt("onDisk", boolean()),
      opt("datatype", oneOf({"float32", "float16", "uint8"})),
      opt("hnsw", hnswSpec()),
      opt("quantization", quantizationSpec()),
  });
}

// A sparse vector (Qdrant's SparseVectorParams): its index and its query-time modifier.
Schema sparseVectorParams() {
  return object({
      opt("modifier", oneOf({"none", "idf"})),
      opt("index", object({
                       opt("fullScanThreshold", integer(0)),
                       opt("onDisk", boolean()),
                       opt("datatype", oneOf({"float32", "float16", "uint8"})),
                   })),
  });
}

// Qdrant's strict_mode_config (StrictModeConfig in its OpenAPI document), camelCased; the ranges
// are Qdrant's own, so a spec the server would refuse is refused here, with its line.
Schema strictModeSpec() {
  return object({
      opt("enabled", boolean()),
      opt("maxQueryLimit", integer(1)),
      opt("maxTimeout", integer(1)),
      opt("unindexedFilteringRetrieve", boolean()),
      opt("unindexedFilteringUpdate", boolean()),
      opt("searchMaxHnswEf", integer(0)),
      opt("searchAllowExact", boolean()),
      opt("searchMaxOversampling", number(0)),
      opt("upsertMaxBatchsize", integer(0)),
      opt("searchMaxBatchsize", integer(0)),
      opt("maxCollectionVectorSizeBytes", integer(0)),
      opt("readRateLimit", integer(1)),
      opt("writeRateLimit", integer(1)),
      opt("maxCollectionPayloadSizeBytes", integer(0)),
      opt("maxPointsCount", integer(1)),
      opt("filterMaxConditions", integer(0)),
      opt("conditionMaxSize", integer(0)),
      opt("maxPayloadIndexCount", integer(0)),
      opt("maxResidentMemoryPercent", integer(1, 100)),
  });
}

Schema collectionSpec() {
  return object({
      req("server", ref("Host")),
      req("vectors", either({"size", "distance"}, vectorParams(), mapOf(vectorParams()))),
      opt("hnsw", hnswSpec()),
      opt("optimizers",
          object({
              opt("indexingThreshold", integer(0)),
              opt("defaultSegmentNumber", integer(0)),
              opt("deletedThreshold", number(0, 1)),
              opt("vacuumMinVectorNumber", integer(100)),
              opt("flushIntervalSec", integer(0)),
              opt("maxSegmentSize", integer(1)),  // Qdrant: >= 1 (OptimizersConfigDiff)
              opt("memmapThreshold", integer(0)),
              opt("maxOptimizationThreads", integer(0)),
          })),
      opt("quantization", quantizationSpec()),
      opt("onDiskPayload", boolean()),
      opt("shardNumber", integer(1, 1024)),
      opt("replicationFactor", integer(1, 64)),
      opt("payloadIndexes",
          listOf(object(
              {req("field", str()), req("type", oneOf({"keyword", "integer", "float", "geo", "text",
                                                       "bool", "datetime", "uuid"}))}))),
      opt("aliases", listOf(name())),
      opt("sparseVectors", mapOf(sparseVectorParams())),
      // Declared keys are kept as declared; keys set on the server by others are left alone
      // (Qdrant merges metadata), and a key declared null is removed.
      opt("metadata", mapOf(anything())),
      opt("strictMode", strictModeSpec()),
      opt("embeddingModel", ref("Model")),
      opt("adopt", boolean()),
  });
}

void validateCollection(const Resource& r, Diagnostics& diags) {
  const Json* vectors = r.field("vectors");
  if (vectors && vectors->is_object() && !vectors->contains("size")) {
    if (vectors->empty()) report(diags, r, "spec.vectors", "must declare at least one vector");
    for (const auto& [vectorName, params] : vectors->items()) {
      std::string problem = checkName(vectorName);
      if (!problem.empty()) report(diags, r, "spec.vectors." + vectorName, problem);
    }
  }
  // Qdrant refuses a sparse vector named like a dense one ("Dense and sparse vector names must
  // be unique"), and names sparse vectors as it names dense ones.
  const Json* sparse = r.field("sparseVectors");
  if (sparse && sparse->is_object())
    for (const auto& [vectorName, params] : sparse->items()) {
      std::string problem = checkName(vectorName);
      if (!problem.empty()) report(diags, r, "spec.sparseVectors." + vectorName, problem);
      if (vectors && vectors->is_object() && !vectors->contains("size") &&
          vectors->contains(vectorName))
        report(diags, r, "spec.sparseVectors." + vectorName,
               "a sparse vector may not share its name with a dense vector (Qdrant refuses it)");
    }
  const Json* indexes = r.field("payloadIndexes");
  if (indexes && indexes->is_array()) {
    std::vector<std::string> seen;
    for (size_t i = 0; i < indexes->size(); ++i) {
      std::string f = (*indexes)[i].value("field", "");
      if (std::find(seen.begin(), seen.end(), f) != seen.end())
        report(diags, r, "spec.payloadIndexes[" + std::to_string(i) + "].field",
               "duplicate payload index on \"" + f + "\"");
      seen.push_back(f);
    }
  }
}

// Named vectors, dense and sparse, are a complete set: one on the server that the spec no longer
// lists is removed. Sparse vectors are compared only when the spec declares them.
void sparseExtraDiff(const Json& desired, const Json& observed, std::vector<FieldChange>& out) {
  if (!desired.contains("sparseVectors") || !observed.contains("sparseVectors")) return;
  const Json& want = desired["sparseVectors"];
  const Json& have = observed["sparseVectors"];
  if (!want.is_object() || !have.is_object()) return;
  for (auto it = have.begin(); it != have.end(); ++it)
    if (!want.contains(it.key())) {
      FieldChange c;
      c.path = "sparseVectors." + it.key();
      c.before = it.value();
      c.after = nullptr;
      out.push_back(std::move(c));
    }
}

void collectionExtraDiff(const Json& desired, const Json& observed, std::vector<FieldChange>& out) {
  sparseExtraDiff(desired, observed, out);
  const Json& want = desired.contains("vectors") ? desired["vectors"] : Json();
  const Json& have = observed.contains("vectors") ? observed["vectors"] : Json();
  if (!want.is_object() || !have.is_object() || want.contains("size") || have.contains("size"))
    return;
  for (auto it = have.begin(); it != have.end(); ++it)
    if (!want.contains(it.key())) {
      FieldChange c;
      c.path = "vectors." + it.key();
      c.before = it.value();
      c.after = nullptr;
      out.push_back(std::move(c));
    }
}

// ---- FirewallRule -------------------------------------------------------------------------

Schema firewallRuleSpec() {
  return object({
      req("host", ref("Host")),
      req("action", oneOf({"allow", "deny", "reject", "limit"})),
      opt("direction", oneOf({"in", "out"})),
      opt("from", cidrOrAny()),
      opt("to", cidrOrAny()),
      opt("port", portOrRange()),
      opt("proto", oneOf({"tcp", "udp", "any"})),
      opt("interface", name()),
      opt("comment", str()),
      opt("position", integer(1)),
  });
}

void validateFirewallRule(const Resource& r, Diagnostics& diags) {
  // A comment travels in ufw's argv (over ssh, through a remote shell) and into user.rules, one
  // line per rule: no control character at all, tabs and line breaks included.
  if (const Json* comment = r.field("comment"); comment && comment->is_string())
    for (unsigned char c : comment->get<std::string>())
      if (c < 0x20 || c == 0x7f) {
        report(diags, r, "spec.comment",
               "must be one line of printable text (it holds control character " +
                   std::to_string(c) + ")");
        break;
      }
  const Json* port = r.field("port");
  const Json* proto = r.field("proto");
  if (port && port->is_string() &&
      port->get<std::string>().find_first_of(":-") != std::string::npos &&
      (!proto || *proto == "any"))
    report(diags, r, "spec.port", "a port range needs proto: tcp or proto: udp (ufw requires it)");
  const Json* from = r.field("from");
  const Json* to = r.field("to");
  if (from && to && from->is_string() && to->is_string() && *from != "any" && *to != "any" &&
      isIpv6(from->get<std::string>()) != isIpv6(to->get<std::string>()))
    report(diags, r, "spec.to", "mixes IPv4 and IPv6: from and to must be the same family");
  const Json* action = r.field("action");
  const Json* direction = r.field("direction");
  if (action && *action == "limit" && direction && *direction == "out")
    report(diags, r, "spec.action", "limit only applies to incoming rules");
  if (proto && *proto == "any" && r.field("interface") == nullptr && !port && !from && !to)
    report(diags, r, "spec", "matches all traffic: give at least a port, from or to");
}

// ---- Firewall (derived from Host spec.firewall) ---------------------------------------------

Schema firewallSpec() {
  return object({
      req("host", ref("Host")),
      opt("enabled", boolean()),
      opt("defaults", object({
                          opt("incoming", oneOf({"allow", "deny", "reject"})),
                          opt("outgoing", oneOf({"allow", "deny", "reject"})),
                      })),
      opt("logging", oneOf({"off", "low", "medium", "high", "full"})),
  });
}

// ---- Role ---------------------------------------------------------------------------------

Schema roleSpec() {
  return object({
      opt("description", str()),
      opt("qdrant", object({
                        opt("global", oneOf({"r", "m"})),
                        opt("collections",
                            listOf(object({req("collection", ref("Collection", RefRole::kMention)),
                                           req("access", oneOf({"r", "rw", "prw"}))}))),
                    })),
      opt("gateway", object({req("permissions", listOf(oneOf({"read", "write", "search", "ingest",
                                                              "admin", "metrics"}),
                                                       true))})),
  });
}

void validateRole(const Resource& r, Diagnostics& diags) {
  const Json* q = r.field("qdrant");
  if (q && q->is_object() && q->contains("global") == q->contains("collections"))
    report(diags, r, "spec.qdrant", "give either global (r | m) or collections, not both");
  if (!r.field("qdrant") && !r.field("gateway"))
    report(diags, r, "spec", "grants nothing: give qdrant and/or gateway access");
}

// ---- ApiKey -------------------------------------------------------------------------------

Schema apiKeySpec() {
  return object({
      req("role", ref("Role")),
      req("secret", secretRef(true)),
      opt("description", str()),
      opt("expires", date()),
      opt("deliver",
          object({
              opt("gateway", object({req("host", ref("Host")), req("keyFile", str()),
                                     opt("reloadCommand", listOf(str(), true))})),
              opt("qdrant", object({req("server", ref("Host")), req("tokenFile", str())})),
          })),
  });
}

// ---- GatewayKeyFile (derived from the ApiKeys delivered to a gateway) ------------------------

Schema gatewayKeyFileSpec() {
  return object({
      req("host", ref("Host")),
      req("keyFile", str()),
      opt("reloadCommand", listOf(str(), true)),
      req("entries", mapOf(object({opt("role", str()), opt("permissions", listOf(str())),
                                   opt("expires", str()), opt("secretDigest", str())}))),
  });
}

// An entry for a key no longer delivered there is removed from the file.
void gatewayKeyFileExtraDiff(const Json& desired, const Json& observed,
                             std::vector<FieldChange>& out) {
  if (!observed.contains("entries")) return;
  const Json want = desired.value("entries", Json::object());
  for (const auto& [name, seen] : observed["entries"].items())
    if (!want.contains(name))
      out.push_back(FieldChange{"entries." + name, Json("(an entry)"), Json(), false, false});
}

// A delivery the spec no longer names is withdrawn; the generic diff walks only the spec.
void apiKeyExtraDiff(const Json& desired, const Json& observed, std::vector<FieldChange>& out) {
  // Points in the server's token collection that are not live tokens hxctl issued (planted, or
  // left behind): each could keep a revoked token alive, so they are drift to remove.
  if (observed.contains("strayTokenPoints") && observed["strayTokenPoints"] != 0)
    out.push_back(FieldChange{"strayTokenPoints", observed["strayTokenPoints"], 0, false, false});
  if (!observed.contains("deliver")) return;
  const Json want = desired.value("deliver", Json::object());
  for (const auto& [where, seen] : observed["deliver"].items())
    if (!want.contains(where))
      out.push_back(FieldChange{"deliver." + where, seen, Json(), false, false});
}

// A key delivered nowhere, with no token of it (nor a stray one) seen anywhere: a secret the
// operators hold for their own use (a check presents it); nothing for hxctl to write.
bool apiKeyInert(const Resource& r, const Json* seen) {
  return !r.spec.contains("deliver") &&
         (!seen || (!seen->contains("deliver") && seen->value("strayTokenPoints", 0) == 0));
}

void validateApiKey(const Resource& r, Diagnostics& diags) {
  const Json* deliver = r.field("deliver");
  if (deliver && deliver->is_object() && deliver->empty())
    report(diags, r, "spec.deliver", "must name gateway and/or qdrant");
}

// ---- Prometheus (the estate's own monitoring) -----------------------------------------------

// hxctl writes the whole prometheus.yml (reconciler/scrape_config.h): a job per kind of server,
// every declared host a target. The fields below are what it is rendered from; `config` is the
// rendering, filled in by deriveResources and compared with the file on the host.
Schema prometheusSpec() {
  return object({
      req("host", ref("Host")),
      req("url", url()),
      req("configFile", str()),
      opt("reloadCommand", listOf(str(), true)),
      opt("scrapeInterval", duration()),
      opt("ruleFiles", listOf(str())),
      opt("qdrantCredentialsFile", str()),
      opt("blackboxExporter", str()),
      opt("daemonMetrics", str()),
      opt("config", anything()),
  });
}

void validatePrometheus(const Resource& r, Diagnostics& diags) {
  if (r.field("config"))
    report(diags, r, "spec.config", "is rendered by hxctl from the estate's hosts; do not set it");
  static const std::regex kHostPort(R"(^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$)");
  for (const char* field : {"blackboxExporter", "daemonMetrics"}) {
    const Json* v = r.field(field);
    if (v && v->is_string() && !std::regex_match(v->get<std::string>(), kHostPort))
      report(diags, r, std::string("spec.") + field, "must be HOST:PORT");
  }
}

// ---- Backlog (the calendar: reviews and escalation; reconciler/calendar.h) -------------------

// The operators' document as `hxctl report` regenerates it (src/views/backlog_report.h): its
// header and framing words, and its outline in its own order.
Schema backlogDocumentSpec() {
  auto mention = [](const char* kind) { return ref(kind, RefRole::kMention); };
  const Schema groupEntry =
      either({"group"}, object({req("group", str()), opt("heading", str())}), str());
  const Schema tasksPart = object({
      opt("heading", str()),  // none: the tasks stand without one (the document's API Gateway)
      req("groups", listOf(groupEntry, true)),
      opt("status", str()),
      opt("subheading", str()),
      opt("optionalHeading", str()),  // the group's optional sub-tasks, listed under it
      opt("totalEffort", str()),
      opt("notes", listOf(object({req("label", str()), req("words", str())}))),
  });
  return object({
      req("title", str()),
      opt("server", object({req("name", str()), opt("host", mention("Host"))})),
      opt("purpose", str()),
      opt("status", str()),
      opt("version", str()),
      opt("updated", date()),  // the document's Last Updated: its words are as of that day
      opt("summary", str()),
      opt("categories", listOf(object({
                            req("name", str()),
                            opt("blocker", str()),
                            opt("words", str()),
                            opt("hosts", listOf(mention("Host"))),
                            opt("tasks", listOf(mention("Task"))),
                        }))),
      opt("outline",
          listOf(either({"tasks"}, object({req("tasks", tasksPart)}),
                        oneOf({"summary", "categories", "dependencyTracking", "backlogManagement",
                               "actionItems", "documentationUpdates", "conclusion", "footer"})))),
      opt("servers", listOf(object({req("host", mention("Host")), req("name", str())}))),
      opt("connectivity", listOf(object({req("host", mention("Host")), req("reachable", boolean()),
                                         opt("words", str())}))),
      opt("dependencies",
          listOf(object({
              req("name", str()),
              opt("impact", oneOf({"critical", "high", "medium", "low"})),
              opt("resolution", str()),
              req("resolvedBy", object({
                                    opt("hosts", listOf(mention("Host"))),
                                    opt("resources", listOf(resourceRef(RefRole::kMention))),
                                    opt("baselines", listOf(mention("Task"))),
                                    opt("tasks", listOf(mention("Task"))),
                                })),
          }))),
      opt("actions", listOf(object({
                         req("horizon", str()),
                         opt("within", duration()),
                         req("items", listOf(object({
                                          req("title", str()),
                                          opt("steps", listOf(str())),
                                          opt("tasks", listOf(mention("Task"))),
                                          opt("automated", str()),
                                      }))),
                     }))),
      opt("documentationUpdates",
          listOf(object({req("title", str()), req("items", listOf(str()))}))),
      opt("conclusion", str()),
      opt("priorityFocus", str()),
  });
}

Schema backlogSpec() {
  return object({
      opt("owner", str()),
      opt("opened", date()),  // when the backlog began: a task's age counts from it by default
      opt("reviews", listOf(object({
                         req("name", str()),
                         req("every", oneOf({"day", "week", "month"})),
                         opt("on", oneOf({"monday", "tuesday", "wednesday", "thursday", "friday",
                                          "saturday", "sunday"})),
                         opt("day", integer(1, 28)),
                         opt("at", str()),
                         opt("last", date()),
                         opt("automated", boolean()),
                         opt("description", str()),
                     }))),
      opt("escalation", listOf(object({
                            req("priority", oneOf({"critical", "high", "medium", "low"})),
                            req("after", duration()),
                            opt("why", str()),
                        }))),
      // A passing `load` becomes its baseline; a later run this much slower (avg or p95) or
      // this much lower in throughput is flagged as a regression.
      opt("baselineTolerance", number(0, 10)),
      opt("document", backlogDocumentSpec()),
  });
}

void validateBacklog(const Resource& r, Diagnostics& diags) {
  static const std::regex kClock(R"(^([01][0-9]|2[0-3]):[0-5][0-9]$)");
  const Json* reviews = r.field("reviews");
  if (reviews && reviews->is_array())
    for (size_t i = 0; i < reviews->size(); ++i) {
      const Json& v = (*reviews)[i];
      const std::string at = "spec.reviews[" + std::to_string(i) + "]";
      if (v.contains("at") && v["at"].is_string() &&
          !std::regex_match(v["at"].get<std::string>(), kClock))
        report(diags, r, at + ".at", "must be HH:MM (UTC)");
      const std::string every = v.value("every", "");
      if (v.contains("on") && every != "week")
        report(diags, r, at + ".on", "only applies to every: week");
      if (v.contains("day") && every != "month")
        report(diags, r, at + ".day", "only applies to every: month");
    }
}

// ---- Task ---------------------------------------------------------------------------------

// Every check may say which of the task's completionCriteria (the operators' words) it proves.
Schema check(std::vector<Field> fields) {
  fields.push_back(opt("proves", oneOrList(str())));
  return object(std::move(fields));
}

Schema criterionSpec() {
  auto mention = [](const char* kind) { return ref(kind, RefRole::kMention); };
  return oneKey({
      opt("hostActive", check({req("host", mention("Host"))})),
      // The machines answer at all, API or not: the hosts' recorded reachability (the operators'
      // "ping"; src/platform/reachability.h).
      opt("reachable", check({req("hosts", oneOrList(mention("Host")))})),
      opt("modelAvailable", check({req("model", mention("Model"))})),
      // The model is on its host and answers: a short generation, or one embedding for an
      // embedding model, within `timeout` (default 30 s) once loaded.
      opt("modelHealthy", check({req("model", mention("Model")), opt("timeout", duration())})),
      // A browser page at `origin` can use `url` with the key it is configured with: the CORS
      // preflight allows the origin, the method and the key's header, and the request itself,
      // sent with that Origin and key, is answered 2xx and allowed for the origin.
      opt("corsAllowed",
          check({req("url", url()), req("origin", url()), opt("key", mention("ApiKey")),
                 opt("header", str()), opt("method", oneOf({"GET", "POST", "PUT", "DELETE"}))})),
      opt("generate", check({req("model", mention("Model")), opt("prompt", str()),
                             opt("maxLatency", duration()), opt("think", boolean())})),
      opt("embed", check({req("model", mention("Model"))})),
      opt("collectionReady", check({req("collection", mention("Collection"))})),
      opt("ingest", check({req("model", mention("Model")), req("collection", mention("Collection")),
                           opt("samples", integer(1, 1000))})),
      opt("load", check({req("target",
                             oneKey({opt("model", mention("Model")),
                                     opt("collection", mention("Collection")), opt("url", url())})),
                         opt("via", url()), opt("key", mention("ApiKey")), opt("header", str()),
                         opt("requests", integer(1, 10000000)),
                         opt("concurrency", integer(1, 10000)), opt("duration", duration()),
                         opt("thresholds",
                             object({opt("avgLatency", duration()), opt("p95Latency", duration()),
                                     opt("p99Latency", duration()), opt("minRps", number(0)),
                                     opt("maxErrorRate", number(0, 1))}))})),
      // `contains`: text the answer's body must hold, so that "some web server answers" is not
      // taken for the application the criterion names.
      opt("httpOk", check({req("url", url()), opt("timeout", duration()), opt("contains", str())})),
      opt("metricsScraped", check({req("url", url()), opt("metric", str())})),
      // A Prometheus (url: its base URL) scrapes the job: it has targets, and all are up.
      opt("prometheusTarget",
          check({req("url", url()), req("job", str()), opt("minTargets", integer(1)),
                 // A blackbox exporter's job: each target's probe_success must be 1 as well.
                 opt("probe", boolean())})),
      // The Prometheus has these alerting rules loaded, each evaluated without error.
      opt("prometheusRules", check({req("url", url()), opt("alerts", listOf(str()))})),
      // Grafana (url: its base URL) has the dashboard, with these panels, and every data source
      // it draws from passes Grafana's health check. token: a service account token.
      // Each panel named must show data: one of its queries returns series now. `key`: the ApiKey
      // the panels' data is scraped with (a task whose panels wait for a key another task delivers
      // waits with it).
      opt("grafanaDashboard",
          check({req("url", url()), req("uid", str()), opt("token", secretRef()),
                 opt("panels", listOf(str())), opt("key", mention("ApiKey"))})),
      // What a gateway (`via`) adds to a collection's searches, against the same searches made
      // directly: the p50 difference must stay below `max`.
      opt("overhead",
          check({req("collection", mention("Collection")), req("via", url()),
                 req("max", duration()), opt("key", mention("ApiKey")), opt("header", str()),
                 opt("requests", integer(4, 1000000)), opt("concurrency", integer(1, 1000))})),
      // The share of `window` the host was active, from its recorded probes; `min` in percent.
      opt("availability", check({req("host", mention("Host")), req("min", number(0, 100)),
                                 opt("window", duration())})),
      opt("portExposure", check({req("host", mention("Host")), req("port", portOrRange()),
                                 req("from", cidrOrAny()), opt("proto", oneOf({"tcp", "udp"}))})),
      opt("keyEnforced",
          check({req("url", url()), req("key", mention("ApiKey")), opt("header", str())})),
      // The key reads `url` (2xx) and is refused the `write` (401/403): its role limits it.
      opt("keyDenied",
          check({req("url", url()), req("key", mention("ApiKey")), opt("header", str()),
                 req("write", object({opt("method", oneOf({"POST", "PUT", "PATCH", "DELETE"})),
                                      req("url", url()), opt("body", anything())}))})),
      // A burst above the limit: some requests 2xx, some 429.
      opt("rateLimited", check({req("url", url()), opt("burst", integer(2, 10000)),
                                opt("key", mention("ApiKey")), opt("header", str())})),
      // The request is answered with one of `expect` (a malformed one: 400 or 422).
      opt("httpStatus",
          check({req("url", url()), opt("method", oneOf({"GET", "POST", "PUT", "PATCH", "DELETE"})),
                 opt("body", anything()), req("expect", listOf(integer(100, 599)))})),
      // A service the host declares answers: a TCP connection; `http: PATH` a 2xx; `grpc:
      // {service?}` SERVING by gRPC's health checking protocol (no service: the whole server).
      opt("serviceReachable",
          check({req("host", mention("Host")), req("service", str()), opt("http", str()),
                 opt("grpc", object({opt("service", str())})), opt("timeout", duration()),
                 opt("key", mention("ApiKey")), opt("header", str())})),
      // A criterion no live check can prove: shown as "needs a person", never passed by hxctl;
      // a person who verified it says so here (by whom, on which day), and that is its evidence.
      opt("manual", object({req("criterion", str()), opt("why", str()),
                            opt("confirmed", object({req("by", str()), req("on", date())}))})),
  });
}

Schema taskSpec() {
  return object({
      req("title", str()),
      opt("group", str()),
      req("priority", oneOf({"critical", "high", "medium", "low"})),
      // The document's qualifier, shown beside the priority: "Medium (deferred for dev/test
      // environment)".
      opt("priorityNote", str()),
      // In the operators' words ("4-6 hours", "25 minutes"), shown as written and summed.
      opt("effort", durationRange()),
      opt("description", str()),
      opt("optional", boolean()),  // the seed's optional sub-tasks
      // Who answers for it, what the team noted, and when it entered the backlog (its age).
      opt("owner", str()),
      opt("notes", listOf(str())),
      opt("opened", date()),
      // The operators' own words: what the task waits on and needs first, and what "done" means.
      opt("dependency", str()),
      // Each the operators' words; where a check exists, with it: `{prerequisite: words, check:
      // {hostActive: ...}}` is run before the criteria, and blocks the task while it fails.
      opt("prerequisites",
          listOf(either({"prerequisite", "check"},
                        object({req("prerequisite", str()), req("check", criterionSpec())}),
                        str()))),
      opt("completionCriteria", listOf(str())),
      // Further lists the document keeps per task ("Next Steps", "Test Cases", ...), by heading.
      opt("details", mapOf(listOf(str()))),
      opt("dependsOn", object({
                           opt("hosts", listOf(ref("Host", RefRole::kWaitsOn))),
                           opt("tasks", listOf(ref("Task", RefRole::kWaitsOn))),
                       })),
      opt("hold", object({req("reason", str()), opt("by", str()), opt("since", date())})),
      opt("resources", listOf(resourceRef(RefRole::kGates))),
      opt("criteria", listOf(criterionSpec())),
  });
}

// Every criterion in the operators' words is proven by a check or marked manual, and every check
// that says what it proves names one of them: no task completes on a check of something else.
void validateTask(const Resource& r, Diagnostics& diags) {
  const Json* criteria = r.field("criteria");
  if ((!criteria || criteria->empty()) && !r.field("hold"))
    report(diags, r, "spec.criteria", "a task needs at least one completion criterion (or a hold)");
  const Json* words = r.field("completionCriteria");
  if (!words || !words->is_array() || !criteria || !criteria->is_array()) return;
  std::set<std::string> proven;
  for (size_t i = 0; i < criteria->size(); ++i) {
    for (const std::string& text : criterionProves((*criteria)[i])) {
      proven.insert(text);
      if (std::find(words->begin(), words->end(), Json(text)) == words->end()) {
        std::vector<std::string> known;
        for (const auto& w : *words)
          if (w.is_string()) known.push_back(w.get<std::string>());
        report(diags, r, "spec.criteria[" + std::to_string(i) + "]",
               "proves \"" + text + "\", which is not one of spec.completionCriteria" +
                   didYouMean(text, known));
      }
    }
  }
  for (size_t i = 0; i < words->size(); ++i)
    if ((*words)[i].is_string() && !proven.count((*words)[i].get<std::string>()))
      report(diags, r, "spec.completionCriteria[" + std::to_string(i) + "]",
             "\"" + (*words)[i].get<std::string>() +
                 "\" is proven by no check: add one with proves: this text, or a manual entry");
}

// Identity and comparison of the kinds whose objects are not simply named after the resource.
std::string modelKey(const Resource& r) { return normalizeModelName(r.spec.value("model", "")); }
Json modelNormalize(const Resource& r, Json fields) {
  fields["model"] = modelKey(r);
  return fields;
}
std::string ruleKey(const Resource& r) { return firewallRuleKey(r.spec); }
// Compared as ufw stores it; the comment only when the spec gives one.
Json ruleNormalize(const Resource& r, Json) {
  Json normal = ufwRuleFields(ufwRuleFromSpec(r.spec));
  normal["host"] = r.spec.value("host", "");
  if (r.spec.contains("position")) normal["position"] = r.spec["position"];
  return normal;
}
std::string firewallKey(const Resource&) { return "ufw"; }
std::string keyFileKey(const Resource& r) { return r.spec.value("keyFile", ""); }
std::string configFileKey(const Resource& r) { return r.spec.value("configFile", ""); }

std::vector<KindDescriptor> buildKinds() {
  std::vector<KindDescriptor> k;
  k.push_back({.name = "Host", .spec = hostSpec(), .validate = validateHost});
  k.push_back({.name = "Model",
               .spec = modelSpec(),
               .validate = validateModel,
               .managed = true,
               .immutableFields = {"host", "model"},
               .specOnlyFields = {"capability", "dimensions"},
               .adoptsExisting = true,
               .hostField = "host",
               .objectKey = modelKey,
               .normalize = modelNormalize,
               .observedOnApis = {"ollama", "openai"}});
  k.push_back({.name = "Collection",
               .spec = collectionSpec(),
               .validate = validateCollection,
               .managed = true,
               .immutableFields = {"server", "vectors.size", "vectors.distance", "vectors.datatype",
                                   "vectors.*.size", "vectors.*.distance", "vectors.*.datatype",
                                   "shardNumber"},
               .specOnlyFields = {"embeddingModel", "adopt"},
               .replaceIsDestructive = true,
               .extraDiff = collectionExtraDiff,
               .hostField = "server",
               .observedOnApis = {"qdrant"}});
  k.push_back({.name = "FirewallRule",
               .spec = firewallRuleSpec(),
               .validate = validateFirewallRule,
               .managed = true,
               .immutableFields = {"host", "action", "direction", "from", "to", "port", "proto",
                                   "interface"},
               .adoptsExisting = true,
               .hostField = "host",
               .objectKey = ruleKey,
               .normalize = ruleNormalize,
               .observedOnFirewalls = true});
  k.push_back({.name = "Firewall",
               .spec = firewallSpec(),
               .validate = nullptr,
               .managed = true,
               .immutableFields = {"host"},
               .adoptsExisting = true,
               .derived = true,
               .hostField = "host",
               .objectKey = firewallKey,
               .observedOnFirewalls = true});
  k.push_back({.name = "Role", .spec = roleSpec(), .validate = validateRole});
  k.push_back({.name = "GatewayKeyFile",
               .spec = gatewayKeyFileSpec(),
               .validate = nullptr,
               .managed = true,
               .immutableFields = {"host"},
               .specOnlyFields = {"reloadCommand"},
               .sensitiveFields = {"entries.*.secretDigest"},
               .adoptsExisting = true,
               .extraDiff = gatewayKeyFileExtraDiff,
               .derived = true,
               .hostField = "host",
               .objectKey = keyFileKey,
               .credential = true});
  k.push_back({.name = "ApiKey",
               .spec = apiKeySpec(),
               .validate = validateApiKey,
               .managed = true,
               .specOnlyFields = {"secret", "description", "role", "expires", "deliver.gateway"},
               .sensitiveFields = {"secretDigest"},
               .extraDiff = apiKeyExtraDiff,
               .inert = apiKeyInert,
               .credential = true});
  k.push_back({.name = "Prometheus",
               .spec = prometheusSpec(),
               .validate = validatePrometheus,
               .managed = true,
               .immutableFields = {"host", "configFile"},
               .specOnlyFields = {"url", "reloadCommand", "scrapeInterval", "ruleFiles",
                                  "qdrantCredentialsFile", "blackboxExporter", "daemonMetrics"},
               .adoptsExisting = true,
               .hostField = "host",
               .objectKey = configFileKey});
  k.push_back({.name = "Backlog", .spec = backlogSpec(), .validate = validateBacklog});
  k.push_back({.name = "Task", .spec = taskSpec(), .validate = validateTask});
  return k;
}

}  // namespace

std::vector<std::string> criterionProves(const Json& criterion) {
  if (!criterion.is_object() || criterion.empty()) return {};
  const Json& body = criterion.begin().value();
  if (!body.is_object()) return {};
  if (criterion.begin().key() == "manual") return {body.value("criterion", "")};
  std::vector<std::string> out;
  for (const auto& text : body.value("proves", Json::array()))
    if (text.is_string()) out.push_back(text.get<std::string>());
  return out;
}

const std::vector<KindDescriptor>& kinds() {
  static const std::vector<KindDescriptor> kTable = buildKinds();
  return kTable;
}

const KindDescriptor* findKind(std::string_view name) {
  for (const auto& k : kinds())
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> kindNames() {
  std::vector<std::string> names;
  for (const auto& k : kinds())
    if (!k.derived) names.push_back(k.name);
  return names;
}

bool fieldMatches(std::string_view pattern, std::string_view path) {
  while (true) {
    auto pDot = pattern.find('.');
    auto sDot = path.find('.');
    std::string_view pHead = pattern.substr(0, pDot);
    std::string_view sHead = path.substr(0, sDot);
    if (pHead != "*" && pHead != sHead) return false;
    if (pDot == std::string_view::npos) return true;  // a prefix match covers nested fields
    if (sDot == std::string_view::npos) return false;
    pattern.remove_prefix(pDot + 1);
    path.remove_prefix(sDot + 1);
  }
}

}  // namespace hx
