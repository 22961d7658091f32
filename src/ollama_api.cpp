#include "src/ollama_api.h"

namespace hx {

namespace {
std::string errorText(const HttpResponse& r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("error")) {
    const Json& e = body["error"];
    if (e.is_string()) return e;
    if (e.is_object()) return e.value("message", e.dump());
  }
  return r.body.empty() ? "(empty body)" : r.body;
}
}  // namespace

Status ollamaError(const std::string& what, const HttpResponse& r) {
  std::string head = what + ": HTTP " + std::to_string(r.status) + ": " + errorText(r);
  if (r.status >= 500 && r.status != 501) return Status::error(ErrorKind::kTransient, head);
  return Status::error(ErrorKind::kTerminal, head);
}

Result<std::vector<OllamaModel>> OllamaApi::tags() {
  HttpRequest req;
  req.url = baseUrl_ + "/api/tags";
  req.timeoutMs = timeoutMs_;
  auto r = http_.send(req);
  if (!r) return r.status();
  if (r.value().status != 200) return ollamaError("GET /api/tags", r.value());
  Json body = Json::parse(r.value().body, nullptr, false);
  if (!body.is_object()) return Status::error(ErrorKind::kTransient, "GET /api/tags: not JSON");
  std::vector<OllamaModel> out;
  const Json models =
      body.contains("models") && body["models"].is_array() ? body["models"] : Json::array();
  for (const auto& m : models)
    out.push_back(
        OllamaModel{m.value("name", ""), m.value("digest", ""), m.value("size", int64_t{0})});
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
      if (line.contains("error")) {
        error = line["error"].is_string() ? line["error"].get<std::string>() : line["error"].dump();
        return false;
      }
      std::string status = line.value("status", "");
      int64_t completed = line.value("completed", int64_t{0});
      if (status != lastStatus || completed > lastCompleted) lastProgressMs = clock_.nowMillis();
      lastStatus = status;
      lastCompleted = completed;
      if (listener) listener(status, completed, line.value("total", int64_t{0}));
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
  Json answer = Json::parse(r.value().body, nullptr, false);
  if (answer.is_discarded())
    return Status::error(ErrorKind::kTransient, "POST " + path + ": not JSON");
  return answer;
}

}  // namespace hx
