#include "ollama_personality.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

namespace hxsim {

namespace {

void ollamaJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void ollamaError(httplib::Response& res, int status, const std::string& message) {
  ollamaJson(res, status, Json{{"error", message}});
}

// Ollama's own /v1 error envelope (facts §2.4).
void openaiError(httplib::Response& res, int status, const std::string& message,
                 const std::string& type) {
  ollamaJson(res, status,
             Json{{"error",
                   {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}});
}

bool bodyOf(const httplib::Request& req, httplib::Response& res, Json* out) {
  if (req.body.empty()) {
    ollamaError(res, 400, "missing request body");
    return false;
  }
  *out = Json::parse(req.body, nullptr, false);
  if (!out->is_object()) {
    ollamaError(res, 400, "invalid character in request body");
    return false;
  }
  return true;
}

std::string modelField(const Json& body) {
  std::string m = body.value("model", "");
  return m.empty() ? body.value("name", "") : m;
}

int64_t nowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

std::string rfc3339(int64_t t) {
  char buf[40];
  std::tm tm{};
  std::time_t tt = static_cast<std::time_t>(t);
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
  return buf;
}

}  // namespace

OllamaPersonality::OllamaPersonality(OllamaOptions options) : options_(std::move(options)) {
  for (const auto& m : options_.installed) {
    models_[canonicalModel(m.display)] = m;
    registry_[canonicalModel(m.display)] = m;
  }
  for (const auto& m : options_.registry) registry_[canonicalModel(m.display)] = m;
}

// /api/pull, /api/generate and /api/chat stream unless the body says "stream": false.
bool OllamaPersonality::streams(const httplib::Request& req) const {
  if (req.method != "POST" ||
      (req.path != "/api/pull" && req.path != "/api/generate" && req.path != "/api/chat"))
    return false;
  Json body = Json::parse(req.body, nullptr, false);
  return !(body.is_object() && body.contains("stream") && body["stream"] == false);
}

void OllamaPersonality::internalError(httplib::Response& res) const {
  ollamaError(res, 500, "llama runner process has terminated: injected failure (hx-sim)");
}

const SimModel* OllamaPersonality::installed(const std::string& name) const {
  auto it = models_.find(canonicalModel(name));
  return it == models_.end() ? nullptr : &it->second;
}

bool OllamaPersonality::load(const std::string& name, SimModel* out, int64_t* loadNs) {
  bool cold = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SimModel* found = installed(name);
    if (!found) return false;
    *out = *found;
    auto it = loaded_.find(canonicalModel(name));
    cold = it == loaded_.end() || it->second < nowSeconds();
    loaded_[canonicalModel(name)] = nowSeconds() + 300;  // Ollama's default keep-alive, 5 min
  }
  // server/sched.go loads the runner before the request is served: the caller waits.
  if (cold && options_.loadMs > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.loadMs));
  if (loadNs) *loadNs = cold ? std::max<int64_t>(options_.loadMs, 1) * 1000000 : 0;
  return true;
}

bool OllamaPersonality::thinks(const SimModel& m) const {
  for (const auto& t : options_.thinking)
    if (canonicalModel(t) == canonicalModel(m.display)) return true;
  return false;
}

bool OllamaPersonality::versionAtLeast(int major, int minor, int patch) const {
  int v[3] = {0, 0, 0};
  std::sscanf(options_.version.c_str(), "%d.%d.%d", &v[0], &v[1], &v[2]);
  if (v[0] != major) return v[0] > major;
  if (v[1] != minor) return v[1] > minor;
  return v[2] >= patch;
}

Json OllamaPersonality::tagsEntry(const SimModel& m) const {
  return {{"name", m.display},
          {"model", m.display},
          {"modified_at", m.modifiedAt},
          {"size", m.size},
          {"digest", m.digest},
          {"details",
           {{"parent_model", ""},
            {"format", "gguf"},
            {"family", m.embeds() ? "nomic-bert" : "llama"},
            {"families", Json::array({m.embeds() ? "nomic-bert" : "llama"})},
            {"parameter_size", m.embeds() ? "137M" : "7.2B"},
            {"quantization_level", m.embeds() ? "F16" : "Q4_K_M"}}}};
}

// A streaming pull: manifest, layers with growing `completed` (absent while 0), verify, write,
// success. Failures arrive as a last {"error"} line with the status already 200 (facts §1.6).
void OllamaPersonality::pull(const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!bodyOf(req, res, &body)) return;
  std::string name = modelField(body);
  std::string canonical = canonicalModel(name);
  if (canonical.empty()) return ollamaError(res, 400, "invalid model name");
  bool stream = body.value("stream", true);
  SimModel model;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = registry_.find(canonical);
    known = it != registry_.end();
    if (known) model = it->second;
  }
  if (!stream) {
    if (!known) return ollamaError(res, 500, "pull model manifest: file does not exist");
    std::lock_guard<std::mutex> lock(mu_);
    models_[canonical] = model;
    return ollamaJson(res, 200, Json{{"status", "success"}});
  }
  res.set_chunked_content_provider(
      "application/x-ndjson", [this, canonical, model, known](size_t, httplib::DataSink& sink) {
        auto line = [&](const Json& j) {
          std::string s = j.dump() + "\n";
          return sink.write(s.data(), s.size());
        };
        line({{"status", "pulling manifest"}});
        if (!known) {
          line({{"error", "pull model manifest: file does not exist"}});
          sink.done();
          return true;
        }
        bool present;
        {
          std::lock_guard<std::mutex> lock(mu_);
          present = models_.count(canonical) > 0;
        }
        int sent = 0;
        const std::vector<std::pair<std::string, int64_t>> layers = {
            {hex64(model.display + "weights"), model.size - 12000},
            {hex64(model.display + "params"), 12000}};
        for (const auto& [digest, total] : layers) {
          std::string status = "pulling " + digest.substr(0, 12);
          int ticks = present ? 1 : options_.pullTicks;
          for (int t = 0; t <= ticks; ++t) {
            Json j = {{"status", status}, {"digest", "sha256:" + digest}, {"total", total}};
            int64_t completed = present ? total : total * t / ticks;
            if (completed > 0) j["completed"] = completed;
            if (!line(j)) return false;
            ++sent;
            if (options_.pullStallSeconds > 0 && sent == 1) {
              for (int i = 0; i < options_.pullStallSeconds * 10 && sink.is_writable(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
              return false;  // cut the stream after the stall
            }
            if (options_.pullErrorAfter >= 0 && sent >= options_.pullErrorAfter) {
              line({{"error",
                     "max retries exceeded: read tcp 10.0.0.5:51234->104.18.0.1:443: "
                     "read: connection reset by peer"}});
              sink.done();
              return true;
            }
            if (!present)
              std::this_thread::sleep_for(std::chrono::milliseconds(options_.pullTickMs));
          }
        }
        line({{"status", "verifying sha256 digest"}});
        line({{"status", "writing manifest"}});
        {
          std::lock_guard<std::mutex> lock(mu_);
          models_[canonical] = model;
        }
        line({{"status", "success"}});
        sink.done();
        return true;
      });
}

// /api/generate and /api/chat (facts §1.8, §7.1). A simulated answer is kThoughtTokens tokens of
// reasoning (for a thinking model) then kAnswerTokens tokens of answer, one word a token, cut at
// options.num_predict as Ollama cuts it (done_reason "length").
void OllamaPersonality::generate(const httplib::Request& req, httplib::Response& res, bool chat) {
  constexpr int kThoughtTokens = 48;
  Json body;
  if (!bodyOf(req, res, &body)) return;
  std::string name = modelField(body);
  SimModel m;
  int64_t loadNs = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SimModel* found = installed(name);
    if (!found) return ollamaError(res, 404, "model '" + name + "' not found");
    m = *found;
  }
  std::string prompt = chat ? (body.value("messages", Json::array()).empty()
                                   ? ""
                                   : body["messages"].back().value("content", ""))
                            : body.value("prompt", "");
  if (m.embeds())
    return ollamaError(res, 400,
                       "\"" + m.display + "\" does not support " + (chat ? "chat" : "generate"));
  // server/routes.go (GenerateHandler, ChatHandler): `think: true` on a model without the
  // thinking capability is refused; from v0.12.4 a model with it thinks unless told `false`.
  // Before v0.9.0 the field did not exist and the template's <think> tags came inline.
  const Json* think = body.contains("think") ? &body["think"] : nullptr;
  bool thinkField = versionAtLeast(0, 9, 0);
  if (thinkField && think && think->is_boolean() && think->get<bool>() && !thinks(m))
    return ollamaError(res, 400, "\"" + name + "\" does not support thinking");
  bool thinking =
      thinks(m) &&
      (thinkField ? (think && think->is_boolean() ? think->get<bool>() : versionAtLeast(0, 12, 4))
                  : true);
  bool inlineThought = thinking && !thinkField;
  // An empty prompt only loads the model (routes.go: done_reason "load").
  bool loadOnly = chat ? body.value("messages", Json::array()).empty() : prompt.empty();
  if (!load(name, &m, &loadNs)) return ollamaError(res, 404, "model '" + name + "' not found");
  int64_t limit = -1;
  if (body.contains("options") && body["options"].is_object() &&
      body["options"].contains("num_predict") && body["options"]["num_predict"].is_number())
    limit = body["options"]["num_predict"].get<int64_t>();
  std::vector<std::string> thought, answer;
  if (thinking)
    for (int i = 0; i < kThoughtTokens; ++i) thought.push_back(i == 0 ? "Hmm," : "considering");
  {
    std::string words = answerFor(m.display, prompt), w;
    for (char c : words + " ") {
      if (c != ' ') {
        w += c;
      } else if (!w.empty()) {
        answer.push_back(w);
        w.clear();
      }
    }
  }
  std::string thinkingText, responseText, doneReason = "stop";
  int64_t budget = limit < 0 ? INT64_MAX : limit;
  int64_t produced = 0;
  for (const auto& t : thought) {
    if (produced >= budget) break;
    thinkingText += (thinkingText.empty() ? "" : " ") + t;
    ++produced;
  }
  for (const auto& a : answer) {
    if (produced >= budget) break;
    responseText += (responseText.empty() ? "" : " ") + a;
    ++produced;
  }
  if (produced < static_cast<int64_t>(thought.size() + answer.size())) doneReason = "length";
  if (inlineThought) {
    responseText = "<think>\n" + thinkingText +
                   (produced > static_cast<int64_t>(thought.size()) ? "\n</think>\n\n" : "") +
                   responseText;
    thinkingText.clear();
  }
  if (loadOnly) {
    responseText.clear();
    thinkingText.clear();
    doneReason = "load";
    produced = 0;
  }
  Json done = {{"model", name},
               {"created_at", rfc3339(nowSeconds())},
               {"done", true},
               {"done_reason", doneReason},
               {"total_duration", loadNs + 5043500},
               {"load_duration", loadNs}};
  if (!loadOnly) {
    done["prompt_eval_count"] = 26;
    done["prompt_eval_duration"] = 325953;
    done["eval_count"] = produced;
    done["eval_duration"] = 4709213;
  }
  if (chat) {
    done["message"] = {{"role", "assistant"}, {"content", responseText}};
    if (!thinkingText.empty()) done["message"]["thinking"] = thinkingText;
  } else {
    done["response"] = responseText;
    if (!thinkingText.empty()) done["thinking"] = thinkingText;
  }
  if (!body.value("stream", true)) return ollamaJson(res, 200, done);
  res.set_chunked_content_provider(
      "application/x-ndjson", [name, chat, done](size_t, httplib::DataSink& sink) {
        Json part = {{"model", name}, {"created_at", done["created_at"]}, {"done", false}};
        if (chat)
          part["message"] = done["message"];
        else {
          part["response"] = done["response"];
          if (done.contains("thinking")) part["thinking"] = done["thinking"];
        }
        Json last = done;
        if (chat) {
          last["message"]["content"] = "";
          last["message"].erase("thinking");
        } else {
          last["response"] = "";
          last.erase("thinking");
        }
        std::string s = part.dump() + "\n" + last.dump() + "\n";
        sink.write(s.data(), s.size());
        sink.done();
        return true;
      });
}

void OllamaPersonality::embed(const httplib::Request& req, httplib::Response& res, bool legacy) {
  Json body;
  if (!bodyOf(req, res, &body)) return;
  std::string name = modelField(body);
  SimModel m;
  int64_t loadNs = 0;
  // server/routes.go EmbedHandler: a missing model is "model 'x' not found" (facts §7.11).
  if (!load(name, &m, &loadNs)) return ollamaError(res, 404, "model '" + name + "' not found");
  if (!m.embeds())
    return ollamaError(res, 501,
                       "This server does not support embeddings. Start it with `--embeddings`");
  if (legacy) {
    std::string prompt = body.value("prompt", "");
    return ollamaJson(
        res, 200,
        Json{{"embedding", prompt.empty() ? std::vector<double>{} : embedText(prompt, m.dims)}});
  }
  Json input = body.contains("input") ? body["input"] : Json();
  std::vector<std::string> texts;
  if (input.is_string()) {
    if (!input.get<std::string>().empty()) texts.push_back(input);
  } else if (input.is_array()) {
    for (const auto& t : input) {
      if (!t.is_string()) return ollamaError(res, 400, "invalid input type");
      texts.push_back(t);
    }
  } else if (!input.is_null()) {
    return ollamaError(res, 400, "invalid input type");
  }
  Json vectors = Json::array();
  for (const auto& t : texts) vectors.push_back(embedText(t, m.dims));
  ollamaJson(res, 200,
             Json{{"model", name},
                  {"embeddings", vectors},
                  {"total_duration", 14143917},
                  {"load_duration", loadNs},
                  {"prompt_eval_count", texts.size() * 8}});
}

void OllamaPersonality::install(httplib::Server& s) {
  auto running = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Ollama is running", "text/plain; charset=utf-8");
  };
  s.Get("/", running);
  s.Get("/api/version", [this](const httplib::Request&, httplib::Response& res) {
    ollamaJson(res, 200, Json{{"version", options_.version}});
  });
  s.Get("/api/tags", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json list = Json::array();
    for (const auto& [k, m] : models_) list.push_back(tagsEntry(m));
    ollamaJson(res, 200, Json{{"models", list}});
  });
  s.Post("/api/show", [this](const httplib::Request& req, httplib::Response& res) {
    Json body;
    if (!bodyOf(req, res, &body)) return;
    std::string name = modelField(body);
    if (name.empty()) return ollamaError(res, 400, "model is required");
    std::string display;
    if (canonicalModel(name, &display).empty()) return ollamaError(res, 400, "invalid model name");
    std::lock_guard<std::mutex> lock(mu_);
    const SimModel* m = installed(name);
    if (!m) return ollamaError(res, 404, "model '" + display + "' not found");
    std::string arch = m->embeds() ? "nomic-bert" : "llama";
    Json info = {{"general.architecture", arch},
                 {arch + ".context_length", m->embeds() ? 2048 : 32768}};
    if (m->embeds()) info[arch + ".embedding_length"] = m->dims;
    ollamaJson(res, 200,
               Json{{"modelfile", "FROM " + m->display},
                    {"parameters", ""},
                    {"template", "{{ .Prompt }}"},
                    {"details", tagsEntry(*m)["details"]},
                    {"model_info", info},
                    {"capabilities", m->embeds()  ? Json::array({"embedding"})
                                     : thinks(*m) ? Json::array({"completion", "thinking"})
                                                  : Json::array({"completion"})},
                    {"modified_at", m->modifiedAt}});
  });
  s.Post("/api/pull", [this](const httplib::Request& q, httplib::Response& r) { pull(q, r); });
  s.Delete("/api/delete", [this](const httplib::Request& req, httplib::Response& res) {
    Json body;
    if (!bodyOf(req, res, &body)) return;
    std::string name = modelField(body);
    std::lock_guard<std::mutex> lock(mu_);
    if (!models_.erase(canonicalModel(name)))
      return ollamaError(res, 404, "model '" + name + "' not found");
    res.status = 200;  // success has an empty body
  });
  s.Post("/api/generate",
         [this](const httplib::Request& q, httplib::Response& r) { generate(q, r, false); });
  s.Post("/api/chat",
         [this](const httplib::Request& q, httplib::Response& r) { generate(q, r, true); });
  s.Post("/api/embed",
         [this](const httplib::Request& q, httplib::Response& r) { embed(q, r, false); });
  s.Post("/api/embeddings",
         [this](const httplib::Request& q, httplib::Response& r) { embed(q, r, true); });
  s.Get("/api/ps", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json list = Json::array();
    for (const auto& [k, expires] : loaded_) {
      auto it = models_.find(k);
      if (it == models_.end()) continue;
      Json e = tagsEntry(it->second);
      e["expires_at"] = rfc3339(expires);
      e["size_vram"] = it->second.size;
      list.push_back(e);
    }
    ollamaJson(res, 200, Json{{"models", list}});
  });
  s.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    Json data = Json::array();
    for (const auto& [k, m] : models_)
      data.push_back({{"id", m.display},
                      {"object", "model"},
                      {"created", 1762000000},
                      {"owned_by", "library"}});
    ollamaJson(res, 200, Json{{"object", "list"}, {"data", data.empty() ? Json() : data}});
  });
  s.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) return openaiError(res, 400, "invalid request", "invalid_request_error");
    std::string name = body.value("model", "");
    SimModel m;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const SimModel* found = installed(name);
      if (!found)
        return openaiError(res, 404, "model \"" + name + "\" not found, try pulling it first",
                           "not_found_error");
      m = *found;
    }
    if (!m.embeds())
      return openaiError(res, 501, "this model does not support embeddings", "api_error");
    Json input = body.value("input", Json());
    std::vector<std::string> texts;
    if (input.is_string())
      texts.push_back(input);
    else if (input.is_array() && !input.empty())
      for (const auto& t : input) texts.push_back(t.is_string() ? t.get<std::string>() : t.dump());
    else
      return openaiError(res, 400, "invalid input", "invalid_request_error");
    Json data = Json::array();
    for (size_t i = 0; i < texts.size(); ++i)
      data.push_back(
          {{"object", "embedding"}, {"index", i}, {"embedding", embedText(texts[i], m.dims)}});
    ollamaJson(
        res, 200,
        Json{{"object", "list"},
             {"model", name},
             {"data", data},
             {"usage", {{"prompt_tokens", texts.size() * 8}, {"total_tokens", texts.size() * 8}}}});
  });
  s.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) return openaiError(res, 400, "invalid request", "invalid_request_error");
    std::string name = body.value("model", "");
    const Json messages = body.value("messages", Json::array());
    if (messages.empty())
      return openaiError(res, 400, "[] is too short - 'messages'", "invalid_request_error");
    std::lock_guard<std::mutex> lock(mu_);
    const SimModel* m = installed(name);
    if (!m)
      return openaiError(res, 404, "model \"" + name + "\" not found, try pulling it first",
                         "not_found_error");
    std::string answer = answerFor(m->display, messages.back().value("content", ""));
    ollamaJson(
        res, 200,
        Json{{"id", "chatcmpl-1"},
             {"object", "chat.completion"},
             {"created", nowSeconds()},
             {"model", name},
             {"system_fingerprint", "fp_ollama"},
             {"choices",
              {{{"index", 0},
                {"message", {{"role", "assistant"}, {"content", answer}}},
                {"finish_reason", "stop"}}}},
             {"usage", {{"prompt_tokens", 26}, {"completion_tokens", 12}, {"total_tokens", 38}}}});
  });
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) res.set_content("404 page not found", "text/plain");
  });
}

}  // namespace hxsim
