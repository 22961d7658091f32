#include "openai_personality.h"

#include <ctime>

namespace hxsim {

namespace {
void openAiJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}
}  // namespace

OpenAiPersonality::OpenAiPersonality(OpenAiOptions options)
    : options_(std::move(options)),
      readyAt_(std::chrono::steady_clock::now() + std::chrono::seconds(options_.loadingSeconds)) {}

void OpenAiPersonality::error(httplib::Response& res, int status, const std::string& message,
                              const std::string& type) const {
  if (vllm())
    openAiJson(
        res, status,
        Json{{"error",
              {{"message", message}, {"type", type}, {"param", nullptr}, {"code", status}}}});
  else
    openAiJson(res, status,
               Json{{"error", {{"code", status}, {"message", message}, {"type", type}}}});
}

void OpenAiPersonality::internalError(httplib::Response& res) const {
  error(res, 500, "injected failure (hx-sim)", vllm() ? "InternalServerError" : "server_error");
}

bool OpenAiPersonality::authorize(const httplib::Request& req, httplib::Response& res) {
  if (!vllm() && std::chrono::steady_clock::now() < readyAt_) {
    error(res, 503, "Loading model", "unavailable_error");
    return false;
  }
  if (options_.apiKey.empty()) return true;
  std::string auth = req.get_header_value("Authorization");
  std::string key;
  if (auth.size() > 7 && (auth.rfind("Bearer ", 0) == 0 || auth.rfind("bearer ", 0) == 0))
    key = auth.substr(7);
  if (vllm()) {
    bool guarded = req.path.rfind("/v1", 0) == 0 || req.path.rfind("/v2", 0) == 0;
    if (!guarded || key == options_.apiKey) return true;
    openAiJson(res, 401, Json{{"error", "Unauthorized"}});
    return false;
  }
  static const std::vector<std::string> kPublic = {"/health", "/v1/health", "/models", "/v1/models",
                                                   "/"};
  if (std::find(kPublic.begin(), kPublic.end(), req.path) != kPublic.end()) return true;
  if (key.empty()) key = auth.empty() ? req.get_header_value("X-Api-Key") : auth;
  if (key == options_.apiKey) return true;
  error(res, 401, "Invalid API Key", "authentication_error");
  return false;
}

const SimModel* OpenAiPersonality::find(const std::string& id) const {
  for (const auto& m : options_.served)
    if (m.display == id || canonicalModel(m.display) == canonicalModel(id)) return &m;
  return nullptr;
}

void OpenAiPersonality::install(httplib::Server& s) {
  s.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    if (vllm())
      res.status = 200;  // empty body
    else
      openAiJson(res, 200, Json{{"status", "ok"}});
  });
  s.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    Json data = Json::array();
    for (const auto& m : options_.served) {
      Json e = {{"id", m.display},
                {"object", "model"},
                {"created", 1762000000},
                {"owned_by", vllm() ? "vllm" : "llamacpp"}};
      if (vllm()) e["max_model_len"] = 32768;
      data.push_back(e);
    }
    openAiJson(res, 200, Json{{"object", "list"}, {"data", data}});
  });
  s.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object())
      return error(res, 400, "invalid JSON body",
                   vllm() ? "BadRequestError" : "invalid_request_error");
    const SimModel* m = find(body.value("model", ""));
    if (!m)
      return error(res, 404, "The model `" + body.value("model", "") + "` does not exist.",
                   vllm() ? "NotFoundError" : "not_found_error");
    if (!m->embeds())
      return error(res, vllm() ? 400 : 501,
                   vllm() ? "The model does not support Embeddings API"
                          : "This server does not support embeddings. Start it with `--embeddings`",
                   vllm() ? "BadRequestError" : "not_supported_error");
    Json input = body.value("input", Json());
    std::vector<std::string> texts;
    if (input.is_string())
      texts.push_back(input);
    else if (input.is_array())
      for (const auto& t : input) texts.push_back(t.is_string() ? t.get<std::string>() : t.dump());
    Json data = Json::array();
    for (size_t i = 0; i < texts.size(); ++i)
      data.push_back(
          {{"object", "embedding"}, {"index", i}, {"embedding", embedText(texts[i], m->dims)}});
    openAiJson(
        res, 200,
        Json{{"object", "list"},
             {"model", m->display},
             {"data", data},
             {"usage", {{"prompt_tokens", texts.size() * 8}, {"total_tokens", texts.size() * 8}}}});
  });
  s.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object())
      return error(res, 400, "invalid JSON body",
                   vllm() ? "BadRequestError" : "invalid_request_error");
    const SimModel* m = find(body.value("model", ""));
    if (!m && vllm())
      return error(res, 404, "The model `" + body.value("model", "") + "` does not exist.",
                   "NotFoundError");
    if (!m) m = &options_.served.front();  // llama-server serves its one model whatever the name
    const Json messages = body.value("messages", Json::array());
    std::string prompt = messages.empty() ? "" : messages.back().value("content", "");
    openAiJson(
        res, 200,
        Json{{"id", "chatcmpl-1"},
             {"object", "chat.completion"},
             {"created", static_cast<int64_t>(std::time(nullptr))},
             {"model", m->display},
             {"choices",
              {{{"index", 0},
                {"message", {{"role", "assistant"}, {"content", answerFor(m->display, prompt)}}},
                {"finish_reason", "stop"}}}},
             {"usage", {{"prompt_tokens", 26}, {"completion_tokens", 12}, {"total_tokens", 38}}}});
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string name = options_.served.empty() ? "" : options_.served.front().display;
    std::string text =
        vllm() ? "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"" +
                     name +
                     "\"} 0\n# TYPE vllm:num_requests_waiting "
                     "gauge\nvllm:num_requests_waiting{model_name=\"" +
                     name + "\"} 0\n"
               : "# TYPE llamacpp:requests_processing gauge\nllamacpp:requests_processing 0\n";
    res.set_content(text, "text/plain; version=0.0.4");
  });
}

}  // namespace hxsim
