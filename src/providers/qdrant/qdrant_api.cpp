#include "src/providers/qdrant/qdrant_api.h"

#include "src/providers/json_read.h"

namespace hx {

namespace {
std::string escapePath(const std::string& segment) {
  std::string out;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string messageOf(const HttpResponse& r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (auto text = jread::text(jread::object(body, "status"), "error")) return *text;
  return r.body.empty() ? "(empty body)" : jread::excerpt(r.body, 300);
}
}  // namespace

Status qdrantError(const std::string& what, const HttpResponse& r) {
  std::string msg = messageOf(r);
  std::string head = what + ": HTTP " + std::to_string(r.status) + ": " + msg;
  if (r.status >= 500 || r.status == 408 || r.status == 429)
    return Status::error(ErrorKind::kTransient, head);
  if (r.status == 401)
    return Status::error(ErrorKind::kTerminal,
                         head + " (the host's api.auth key is missing or not accepted)");
  if (r.status == 403)
    return Status::error(ErrorKind::kTerminal,
                         head +
                             " (the key is valid but lacks the rights for this change; a "
                             "read-only key can plan but not apply)");
  if (r.status == 404) return Status::error(ErrorKind::kNotFound, head);
  if (r.status == 409) return Status::error(ErrorKind::kConflict, head);
  return Status::error(ErrorKind::kTerminal, head);
}

QdrantApi::QdrantApi(HttpTransport& http, Clock& clock, std::string baseUrl, std::string apiKey,
                     int64_t timeoutMs)
    : QdrantApi(http, clock, std::move(baseUrl), std::move(apiKey), timeoutMs, RetryPolicy{}) {}

QdrantApi::QdrantApi(HttpTransport& http, Clock& clock, std::string baseUrl, std::string apiKey,
                     int64_t timeoutMs, RetryPolicy retry)
    : clock_(clock),
      retry_(retry),
      http_(http),
      baseUrl_(std::move(baseUrl)),
      apiKey_(std::move(apiKey)),
      timeoutMs_(timeoutMs) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

Result<Json> QdrantApi::call(const std::string& method, const std::string& path, const Json* body) {
  return withRetries<Json>(clock_, retry_, [&] { return callOnce(method, path, body); });
}

Result<Json> QdrantApi::callOnce(const std::string& method, const std::string& path,
                                 const Json* body) {
  HttpRequest req;
  req.method = method;
  req.url = baseUrl_ + path;
  req.timeoutMs = timeoutMs_;
  if (!apiKey_.empty()) req.headers.emplace_back("api-key", apiKey_);
  if (body) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body->dump();
  }
  auto res = http_.send(req);
  const std::string what = method + " " + path;
  if (!res) return res.status();
  const HttpResponse& r = res.value();
  if (r.status < 200 || r.status >= 300) return qdrantError(what, r);
  auto envelope = jread::parseBody(what, r);
  if (!envelope) return envelope.status();
  const Json* result = jread::field(envelope.value(), "result");
  if (!result)
    return Status::error(ErrorKind::kUnavailable,
                         what + ": HTTP " + std::to_string(r.status) +
                             " without a Qdrant envelope {\"result\": ...}");
  return *result;
}

Result<std::vector<std::string>> QdrantApi::listCollections() {
  auto r = call("GET", "/collections");
  if (!r) return r.status();
  const Json* list = jread::field(r.value(), "collections");
  if (!list || !list->is_array())
    return Status::error(ErrorKind::kUnavailable, "GET /collections: `result.collections` is " +
                                                      jread::describe(list) + ", not an array");
  std::vector<std::string> names;
  for (const auto& c : *list) {
    // Qdrant's own limit on a collection name is 255 characters.
    auto name = jread::name(c, "name", 255);
    if (!name)
      return Status::error(ErrorKind::kUnavailable,
                           "GET /collections: a collection's `name` is not a collection name (" +
                               jread::describe(jread::field(c, "name")) + ")");
    names.push_back(*name);
  }
  return names;
}

Result<Json> QdrantApi::collectionInfo(const std::string& name) {
  return call("GET", "/collections/" + escapePath(name));
}

Result<std::vector<std::pair<std::string, std::string>>> QdrantApi::aliases() {
  return aliasList("/aliases");
}

Result<std::vector<std::pair<std::string, std::string>>> QdrantApi::collectionAliases(
    const std::string& name) {
  return aliasList("/collections/" + escapePath(name) + "/aliases");
}

// Both alias endpoints answer {"aliases": [{"alias_name", "collection_name"}]}.
Result<std::vector<std::pair<std::string, std::string>>> QdrantApi::aliasList(
    const std::string& path) {
  auto r = call("GET", path);
  if (!r) return r.status();
  const Json* list = jread::field(r.value(), "aliases");
  if (!list || !list->is_array())
    return Status::error(ErrorKind::kUnavailable, "GET " + path + ": `result.aliases` is " +
                                                      jread::describe(list) + ", not an array");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : *list) {
    auto alias = jread::name(a, "alias_name", 255);
    auto collection = jread::name(a, "collection_name", 255);
    if (!alias || !collection)
      return Status::error(ErrorKind::kUnavailable,
                           "GET " + path + ": an alias without `alias_name` and `collection_name`");
    out.emplace_back(*alias, *collection);
  }
  return out;
}

Status QdrantApi::createCollection(const std::string& name, const Json& body) {
  return call("PUT", "/collections/" + escapePath(name), &body).status();
}

Status QdrantApi::updateCollection(const std::string& name, const Json& body) {
  return call("PATCH", "/collections/" + escapePath(name), &body).status();
}

Status QdrantApi::deleteCollection(const std::string& name) {
  return call("DELETE", "/collections/" + escapePath(name)).status();
}

Status QdrantApi::updateAliases(const Json& actions) {
  Json body = {{"actions", actions}};
  return call("POST", "/collections/aliases", &body).status();
}

Status QdrantApi::createPayloadIndex(const std::string& collection, const std::string& field,
                                     const std::string& type) {
  Json body = {{"field_name", field}, {"field_schema", type}};
  return call("PUT", "/collections/" + escapePath(collection) + "/index?wait=true", &body).status();
}

Status QdrantApi::deletePayloadIndex(const std::string& collection, const std::string& field) {
  return call("DELETE", "/collections/" + escapePath(collection) + "/index/" + escapePath(field) +
                            "?wait=true")
      .status();
}

Status QdrantApi::createNamedVector(const std::string& collection, const std::string& vector,
                                    const Json& dense) {
  return addVector(collection, vector, Json{{"dense", dense}});
}

Status QdrantApi::createSparseVector(const std::string& collection, const std::string& vector,
                                     const Json& sparse) {
  return addVector(collection, vector, Json{{"sparse", sparse}});
}

Status QdrantApi::addVector(const std::string& collection, const std::string& vector,
                            const Json& body) {
  return call("PUT",
              "/collections/" + escapePath(collection) + "/vectors/" + escapePath(vector) +
                  "?wait=true",
              &body)
      .status();
}

Status QdrantApi::deleteNamedVector(const std::string& collection, const std::string& vector) {
  return call("DELETE", "/collections/" + escapePath(collection) + "/vectors/" +
                            escapePath(vector) + "?wait=true")
      .status();
}

Status QdrantApi::upsertPoints(const std::string& collection, const Json& points) {
  Json body = {{"points", points}};
  return call("PUT", "/collections/" + escapePath(collection) + "/points?wait=true", &body)
      .status();
}

Result<Json> QdrantApi::queryPoints(const std::string& collection, const Json& query) {
  return call("POST", queryPath(collection), &query);
}

Status QdrantApi::deletePoints(const std::string& collection, const Json& ids) {
  Json body = {{"points", ids}};
  return call("POST", "/collections/" + escapePath(collection) + "/points/delete?wait=true", &body)
      .status();
}

std::string QdrantApi::queryPath(const std::string& collection) {
  return "/collections/" + escapePath(collection) + "/points/query";
}

}  // namespace hx
