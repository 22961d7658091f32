// OpenAI-compatible servers as vLLM and llama.cpp's llama-server answer (facts §2): a fixed set
// of served models, /health with each one's loading semantics, Bearer-key auth with each one's
// envelope, /v1/models, /v1/embeddings, /v1/chat/completions and /metrics.
//
//   vllm          while loading, the port refuses connections (use --up-after); /health 200 with
//                 an empty body; only /v1* needs the key: 401 {"error":"Unauthorized"}.
//   llama-server  while loading (--loading-for S), every route answers 503 "Loading model";
//                 /health {"status":"ok"}; /health, /v1/models, / are public; 401 nested.
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
  bool vllm() const { return options_.flavor == "vllm"; }

  OpenAiOptions options_;
  std::chrono::steady_clock::time_point readyAt_;
};

}  // namespace hxsim
