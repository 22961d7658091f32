#include "src/providers/llm/model_providers.h"

#include "reconciler/identity.h"
#include "reconciler/kinds.h"
#include "src/providers/host_retry.h"
#include "src/providers/json_read.h"

namespace hx {

Result<std::vector<ObservedObject>> OllamaModelProvider::observe(const std::string& host) {
  auto models = api_.tags();
  if (!models) return models.status();
  std::vector<ObservedObject> out;
  for (const auto& m : models.value()) {
    std::string key = normalizeModelName(m.name);
    out.push_back(ObservedObject{
        kind::kModel, host, key,
        Json{{"host", host}, {"model", key}, {"digest", m.digest}, {"size", m.size}}});
  }
  return out;
}

Status OllamaModelProvider::pull(const PlanAction& a) {
  const std::string what = a.id.str();
  Status s =
      api_.pull(a.key, stallMs_, [&](const std::string& status, int64_t done, int64_t total) {
        progress_.update(what, status, done, total);
      });
  progress_.finish(what, s.isOk() ? "succeeded" : "failed");
  return s;
}

// A model declared for embeddings must embed, at the declared width: checked once after the
// pull with one short input. A chat model answers 501, which is a spec error, not a fault.
Status OllamaModelProvider::verifyEmbedding(const PlanAction& a) {
  if (a.spec.value("capability", "") != "embed") return Status::ok();
  auto answer = api_.post("/api/embed", Json{{"model", a.key}, {"input", "hxctl probe"}}, 120000);
  if (!answer) {
    Status s = answer.status();
    if (s.message().find("does not support embeddings") != std::string::npos)
      return Status::error(ErrorKind::kTerminal,
                           a.id.str() + " is declared capability: embed, but " + a.key +
                               " is not an embedding model: " + s.message());
    return s;
  }
  const Json* first = jread::element(jread::array(answer.value(), "embeddings"), 0);
  auto vector = first ? jread::numbers(*first) : std::nullopt;
  if (!vector)
    return Status::error(ErrorKind::kUnavailable,
                         a.id.str() + ": POST /api/embed: `embeddings[0]` is " +
                             jread::describe(first) + ", not an array of numbers");
  size_t width = vector->size();
  if (a.spec.contains("dimensions") && width != a.spec["dimensions"].get<size_t>())
    return Status::error(ErrorKind::kTerminal,
                         a.id.str() + " declares dimensions: " + a.spec["dimensions"].dump() +
                             ", but " + a.key + " embeds to " + std::to_string(width));
  return Status::ok();
}

Status OllamaModelProvider::apply(const PlanAction& a) {
  switch (a.type) {
    case ActionType::kCreate: {
      if (Status s = pull(a); !s) return s;
      return verifyEmbedding(a);
    }
    case ActionType::kUpdate:
      return Status::ok();  // nothing about a model changes in place
    case ActionType::kReplace: {
      if (Status s = pull(a); !s) return s;
      if (Status s = verifyEmbedding(a); !s) return s;
      return api_.remove(a.previousKey);
    }
    case ActionType::kDelete:
      return api_.remove(a.key);
    default:
      return Status::error(ErrorKind::kInternal, "not an executable action");
  }
}

// GET /v1/models, retried by the host retry policy.
Result<std::vector<ObservedObject>> OpenAiModelProvider::observe(const std::string& host) {
  return withRetries<std::vector<ObservedObject>>(clock_, RetryPolicy{},
                                                  [&] { return observeOnce(host); });
}

Result<std::vector<ObservedObject>> OpenAiModelProvider::observeOnce(const std::string& host) {
  HttpRequest req;
  req.url = baseUrl_ + "/v1/models";
  req.timeoutMs = timeoutMs_;
  if (!apiKey_.empty()) req.headers.emplace_back("Authorization", "Bearer " + apiKey_);
  auto r = http_.send(req);
  if (!r) return r.status();
  if (r.value().status != 200)
    return ollamaError("GET /v1/models", r.value());  // same {"error"} / nested shapes
  auto body = jread::parseBody("GET /v1/models", r.value());
  if (!body) return body.status();
  std::vector<ObservedObject> out;
  const Json* data = jread::field(body.value(), "data");
  if (!body.value().is_object() || !data)
    return Status::error(
        ErrorKind::kUnavailable,
        "GET /v1/models: the answer has no `data` list (" + jread::describe(&body.value()) + ")");
  if (data->is_null()) return out;  // Ollama's /v1/models with no model
  if (!data->is_array())
    return Status::error(ErrorKind::kUnavailable,
                         "GET /v1/models: `data` is " + jread::describe(data) + ", not an array");
  for (const auto& m : *data) {
    auto id = jread::name(m, "id", 1024);
    if (!id)
      return Status::error(ErrorKind::kUnavailable,
                           "GET /v1/models: a model's `id` is not a model name (" +
                               jread::describe(jread::field(m, "id")) + ")");
    std::string key = normalizeModelName(*id);
    out.push_back(ObservedObject{
        kind::kModel, host, key,
        Json{{"host", host}, {"model", key}, {"ownedBy", jread::textOr(m, "owned_by", "")}}});
  }
  return out;
}

Status OpenAiModelProvider::apply(const PlanAction& a) {
  return Status::error(ErrorKind::kTerminal,
                       a.id.str() +
                           ": an OpenAI-compatible server's models are fixed by its "
                           "configuration; hxctl cannot change them");
}

}  // namespace hx
