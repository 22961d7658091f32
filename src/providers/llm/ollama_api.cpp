#include "src/providers/llm/ollama_api.h"

#include "src/providers/host_retry.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {
std::string errorText(const HttpResponse& r) { return jread::serverError(r.body); }
}  // namespace

Status ollamaError(const std::string& what, const HttpResponse& r) {
  std::string head = what + ": HTTP " + std::to_string(r.status) + ": " + errorText(r);
  if ((r.status >= 500 && r.status != 501) || r.status == 408 || r.status == 429)
    return Status::error(ErrorKind::kTransient, head);
  return Status::error(ErrorKind::kTerminal, head);
}

Result<std::vector<OllamaModel>> OllamaApi::tags() {
  return withRetries<std::vector<OllamaModel>>(clock_, RetryPolicy{}, [&] { return tagsOnce(); });
}

Result<std::vector<OllamaModel>> OllamaApi::tagsOnce() {
  HttpRequest req;
  req.url = baseUrl_ + "/api/tags";
  req.timeoutMs = timeoutMs_;
  auto r = http_.send(req);
  if (!r) return r.status();
  if (r.value().status != 200) return ollamaError("GET /api/tags", r.value());
  auto body = jread::parseBody("GET /api/tags", r.value());
  if (!body) return body.status();
  const Json* models = jread::field(body.value(), "models");
  if (!models || !models->is_array())
    return Status::error(ErrorKind::kUnavailable, "GET /api/tags: `models` is " +
                                                      jread::describe(models) + ", not an array");
  std::vector<OllamaModel> out;
  for (size_t i = 0; i < models->size(); ++i) {
    const Json& m = (*models)[i];
    // Ollama's name grammar bounds each part (types/model/name.go); 600 covers them all.
    auto name = jread::name(m, "name", 600);
    if (!name)
      return Status::error(ErrorKind::kUnavailable, "GET /api/tags: `models[" + std::to_string(i) +
                                                        "].name` is not a model name (" +
                                                        jread::describe(jread::field(m, "name")) +
                                                        ")");
    out.push_back(
        OllamaModel{*name, jread::textOr(m, "digest", ""), jread::integerOr(m, "size", 0)});
  }
  return out;
}

Status OllamaApi::pull(const std::string& model, int64_t stallMs, const PullListener& listener) {
  HttpRequest req;
  req.method = "POST";
  req.url = baseUrl_ + "/api/pull";
  req.timeoutMs = timeoutMs_;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = Json{{"model", model}, {"stream", true}}.dump();
  std::string buffer, lastStatus, error;
  int64_t lastCompleted = -1;
  int64_t lastProgressMs = clock_.nowMillis();
  bool success = false;
  auto onChunk = [&](std::string_view chunk) {
    buffer.append(chunk);
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      Json line = Json::parse(buffer.substr(0, nl), nullptr, false);
      buffer.erase(0, nl + 1);
      if (!line.is_object()) continue;
      if (const Json* e = jread::field(line, "error")) {
        error = e->is_string() ? e->get<std::string>() : jread::excerpt(e->dump());
        if (error.empty()) error = "(an empty error)";
        return false;
      }
      std::string status = jread::textOr(line, "status", "");
      int64_t completed = jread::integerOr(line, "completed", 0);
      if (status != lastStatus || completed > lastCompleted) lastProgressMs = clock_.nowMillis();
      lastStatus = status;
      lastCompleted = completed;
      if (listener) listener(status, completed, jread::integerOr(line, "total", 0));
      if (status == "success") success = true;
    }
    return true;
  };
  auto keepGoing = [&]() { return clock_.nowMillis() - lastProgressMs < stallMs; };
  auto r = http_.stream(req, onChunk, keepGoing);
  const std::string what = "pull " + model;
  if (success) return Status::ok();
  if (!error.empty()) {
    bool missing = error.find("file does not exist") != std::string::npos ||
                   error.find("requires a newer version") != std::string::npos;
    return Status::error(missing ? ErrorKind::kTerminal : ErrorKind::kUnavailable,
                         what + ": the server reported: " + error);
  }
  if (r && r.value().status != 200) return ollamaError(what, r.value());
  if (!keepGoing())
    return Status::error(ErrorKind::kUnavailable,
                         what + ": stalled: no progress for " + std::to_string(stallMs / 1000) +
                             " s (last status: " + (lastStatus.empty() ? "none" : lastStatus) +
                             ")");
  if (!r) return Status::error(ErrorKind::kTransient, what + ": " + r.status().message());
  return Status::error(ErrorKind::kTransient,
                       what + ": the stream ended before \"success\" (last status: " +
                           (lastStatus.empty() ? "none" : lastStatus) + ")");
}

Status OllamaApi::remove(const std::string& model) {
  return withRetries<bool>(clock_, RetryPolicy{},
                           [&]() -> Result<bool> {
                             Status s = removeOnce(model);
                             if (!s) return s;
                             return true;
                           })
      .status();
}

Status OllamaApi::removeOnce(const std::string& model) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = baseUrl_ + "/api/delete";
  req.timeoutMs = timeoutMs_;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = Json{{"model", model}}.dump();
  auto r = http_.send(req);
  if (!r) return r.status();
  if (r.value().status == 200 || r.value().status == 404) return Status::ok();
  return ollamaError("DELETE /api/delete " + model, r.value());
}

Result<Json> OllamaApi::post(const std::string& path, const Json& body, int64_t timeoutMs) {
  HttpRequest req;
  req.method = "POST";
  req.url = baseUrl_ + path;
  req.timeoutMs = timeoutMs;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  auto r = http_.send(req);
  if (!r) return r.status();
  if (r.value().status != 200) return ollamaError("POST " + path, r.value());
  return jread::parseBody("POST " + path, r.value());
}

}  // namespace hx
