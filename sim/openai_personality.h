// OpenAI-compatible servers as vLLM and llama.cpp's llama-server answer (facts §2): a fixed set
// of served models, /health with each one's loading semantics, Bearer-key auth with each one's
// envelope, /v1/models, /v1/embeddings, /v1/chat/completions and /metrics.
//
//   vllm          while loading, the port refuses connections (use --up-after); /health 200 with
//                 an empty body; /v1, /v2, /inference, /cohere need the key as a Bearer token
//                 (X-API-Key is not accepted): 401 {"error":"Unauthorized"}. Model names are
//                 exact; chat needs `messages`; /v1/embeddings exists only for an embedding
//                 model (facts §7.2-§7.5, §7.9, §7.10).
//   llama-server  while loading (--loading-for S), every route answers 503 "Loading model";
//                 /health {"status":"ok"}; /health, /v1/models, / are public; 401 nested; takes
//                 X-Api-Key or Bearer; /metrics only with --metrics (facts §7.5, §7.7).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "llm_common.h"
#include "sim_host.h"

namespace hxsim {

struct OpenAiOptions {
  std::string flavor;  // "vllm" | "llama-server"
  std::vector<SimModel> served;
  std::string apiKey;
  int loadingSeconds = 0;  // llama-server: 503 on every route for this long after start
  // vLLM --reasoning-parser models: the reasoning goes to `reasoning_content`, and `content` is
  // null when max_tokens runs out while reasoning (facts §7.2).
  std::vector<std::string> reasoning;
  bool metrics = false;  // llama-server --metrics; without it /metrics is 501 (facts §7.7)
};

class OpenAiPersonality : public Personality {
 public:
  explicit OpenAiPersonality(OpenAiOptions options);
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override {
    return path == "/health" || path == "/v1/health" || path == "/ping";
  }
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request& req, httplib::Response& res) override;

 private:
  void error(httplib::Response& res, int status, const std::string& message,
             const std::string& type) const;
  const SimModel* find(const std::string& id) const;
  bool reasons(const SimModel& m) const;
  void chat(const httplib::Request& req, httplib::Response& res);
  void embeddings(const httplib::Request& req, httplib::Response& res);
  bool vllm() const { return options_.flavor == "vllm"; }

  OpenAiOptions options_;
  std::chrono::steady_clock::time_point readyAt_;
};

}  // namespace hxsim
