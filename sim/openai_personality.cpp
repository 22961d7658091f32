#include "openai_personality.h"

#include <strings.h>

#include <algorithm>
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
  // The scheme is compared case-insensitively by both servers.
  if (auth.size() > 7 && strncasecmp(auth.c_str(), "Bearer ", 7) == 0) key = auth.substr(7);
  if (vllm()) {
    // vllm/entrypoints/serve/utils/server_utils.py: the guard covers /v1, /v2, /inference and
    // /cohere, and reads only `Authorization: Bearer`.
    static const std::vector<std::string> kGuarded = {"/v1", "/v2", "/inference", "/cohere"};
    bool guarded = false;
    for (const auto& prefix : kGuarded)
      guarded = guarded || req.path == prefix || req.path.rfind(prefix + "/", 0) == 0;
    if (!guarded || key == options_.apiKey) return true;
    openAiJson(res, 401, Json{{"error", "Unauthorized"}});
    return false;
  }
  // tools/server/server-http.cpp: public endpoints, then X-Api-Key or Bearer.
  static const std::vector<std::string> kPublic = {"/health", "/v1/health", "/models", "/v1/models",
                                                   "/"};
  if (std::find(kPublic.begin(), kPublic.end(), req.path) != kPublic.end()) return true;
  if (key.empty()) key = req.get_header_value("X-Api-Key");
  if (key == options_.apiKey) return true;
  error(res, 401, "Invalid API Key", "authentication_error");
  return false;
}

// vllm/entrypoints/openai/models/serving.py: `model.name == model_name`, exact and
// case-sensitive; an absent or empty name is the base model. llama-server serves its one model
// whatever the request names.
const SimModel* OpenAiPersonality::find(const std::string& id) const {
  if (options_.served.empty()) return nullptr;
  if (!vllm() || id.empty()) return &options_.served.front();
  for (const auto& m : options_.served)
    if (m.display == id) return &m;
  return nullptr;
}

bool OpenAiPersonality::reasons(const SimModel& m) const {
  return std::find(options_.reasoning.begin(), options_.reasoning.end(), m.display) !=
         options_.reasoning.end();
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
  s.Post("/v1/embeddings",
         [this](const httplib::Request& q, httplib::Response& r) { embeddings(q, r); });
  s.Post("/v1/chat/completions",
         [this](const httplib::Request& q, httplib::Response& r) { chat(q, r); });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    if (!vllm() && !options_.metrics)  // tools/server/server-context.cpp, without --metrics
      return error(res, 501, "This server does not support metrics endpoint.",
                   "not_supported_error");
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

void OpenAiPersonality::embeddings(const httplib::Request& req, httplib::Response& res) {
  Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object())
    return error(res, 400, "invalid JSON body",
                 vllm() ? "BadRequestError" : "invalid_request_error");
  // Newer vLLM registers /v1/embeddings only when its model embeds: FastAPI's plain 404
  // (facts §7.10).
  if (vllm() && (options_.served.empty() || !options_.served.front().embeds()))
    return openAiJson(res, 404, Json{{"detail", "Not Found"}});
  std::string wanted = body.contains("model") && body["model"].is_string() ? body["model"] : "";
  const SimModel* m = find(wanted);
  if (!m)
    return error(res, 404, "The model `" + wanted + "` does not exist.",
                 vllm() ? "NotFoundError" : "not_found_error");
  if (!m->embeds())
    return error(res, 501, "This server does not support embeddings. Start it with `--embeddings`",
                 "not_supported_error");
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
}

// A simulated answer: kThoughtTokens tokens of reasoning for a reasoning model, then the answer;
// max_tokens (or max_completion_tokens) cuts it, finish_reason "length".
void OpenAiPersonality::chat(const httplib::Request& req, httplib::Response& res) {
  constexpr int64_t kThoughtTokens = 48;
  Json body = Json::parse(req.body, nullptr, false);
  if (!body.is_object())
    return error(res, 400, "invalid JSON body",
                 vllm() ? "BadRequestError" : "invalid_request_error");
  // vLLM validates the request with pydantic (ChatCompletionRequest.messages is required);
  // llama-server's oaicompat_chat_params_parse says "'messages' is required".
  if (!body.contains("messages") || !body["messages"].is_array())
    return vllm() ? error(res, 400,
                          "[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field "
                          "required'}]",
                          "BadRequestError")
                  : error(res, 400, "'messages' is required", "invalid_request_error");
  std::string wanted = body.contains("model") && body["model"].is_string() ? body["model"] : "";
  const SimModel* m = find(wanted);
  if (!m)
    return error(res, 404, "The model `" + wanted + "` does not exist.",
                 vllm() ? "NotFoundError" : "not_found_error");
  if (vllm() && m->embeds())
    return error(res, 400, "The model does not support Chat Completions API", "BadRequestError");
  const Json& messages = body["messages"];
  std::string prompt;
  if (!messages.empty() && messages.back().is_object() && messages.back().contains("content") &&
      messages.back()["content"].is_string())
    prompt = messages.back()["content"];
  int64_t budget = INT64_MAX;
  for (const char* k : {"max_tokens", "max_completion_tokens"})
    if (body.contains(k) && body[k].is_number_integer()) budget = body[k].get<int64_t>();
  Json message = {{"role", "assistant"}};
  std::string finish = "stop";
  int64_t produced = 0;
  std::string answer = answerFor(m->display, prompt);
  if (vllm() && reasons(*m)) {
    int64_t thought = std::min(budget, kThoughtTokens);
    std::string reasoning = "Okay, the user asks";
    for (int64_t i = 1; i < thought; ++i) reasoning += " hmm";
    message["reasoning_content"] = reasoning;  // older builds; newer ones name it `reasoning`
    message["reasoning"] = reasoning;
    produced = thought;
    if (budget <= kThoughtTokens) {
      message["content"] = nullptr;  // ChatMessage.content: str | None
      finish = "length";
    } else {
      message["content"] = answer;
      produced += 12;
    }
  } else {
    message["content"] = answer;
    produced = 12;
  }
  message["tool_calls"] = Json::array();
  openAiJson(res, 200,
             Json{{"id", "chatcmpl-1"},
                  {"object", "chat.completion"},
                  {"created", static_cast<int64_t>(std::time(nullptr))},
                  {"model", m->display},
                  {"choices",
                   {{{"index", 0},
                     {"message", message},
                     {"logprobs", nullptr},
                     {"finish_reason", finish}}}},
                  {"usage",
                   {{"prompt_tokens", 26},
                    {"completion_tokens", produced},
                    {"total_tokens", 26 + produced}}}});
}

}  // namespace hxsim
