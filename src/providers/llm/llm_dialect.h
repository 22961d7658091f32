// How to talk to one LLM host: which API its requests use, where its root is, which credential
// header it takes, and how its answers are read. Each server has its own dialect (facts from
// Ollama's server/routes.go, vLLM's entrypoints/openai and llama.cpp's tools/server):
//   - Ollama (type ollama, or type openai with flavor ollama) is probed at GET / and
//     /api/version: it has no /health.
//   - vLLM and llama-server are probed at GET /health; vLLM takes its key only as
//     `Authorization: Bearer` (llama-server also takes X-Api-Key).
//   - OpenAI-compatible servers name models exactly as configured: the spec's string is sent as
//     written. Ollama normalises names itself (mixtral -> mixtral:latest).
//   - Chat requests carry `messages`; `prompt` belongs to /v1/completions.
//   - Ollama thinks by default for models with think tags (v0.12.4+): checks send
//     "think": false unless the criterion asks for thinking.
//   - Any field of an answer may be null or missing: vLLM's `content` is null when a reasoning
//     model spends max_tokens reasoning.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reconciler/resource.h"
#include "reconciler/status.h"

namespace hx {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct LlmEndpoint {
  bool ollamaApi = false;     // requests in Ollama's native dialect (/api/...)
  bool ollamaServer = false;  // the server is Ollama (native, or its /v1 compatibility layer)
  std::string flavor;         // "", "ollama", "vllm", "llama-server"
  std::string root;           // scheme://host:port[/prefix], without a trailing "/" or "/v1"
  Headers auth;               // the host's own credential, if it has one and it could be read
};

// The host's endpoint; its credential is read from spec.api.auth (an unreadable secret leaves
// `auth` empty: the request then fails as unauthenticated, which the check reports).
LlmEndpoint llmEndpointOf(const Resource& host);

// `url` without trailing slashes, and without a trailing "/v1" (OpenAI clients' base URL).
std::string apiRoot(std::string url);

// The name to send for `model`: Ollama's normal form on Ollama's native API, the spec's string
// exactly on an OpenAI-compatible API.
std::string requestModelName(const Resource& model, const LlmEndpoint& endpoint);

// A short generation: path and JSON body.
struct LlmCall {
  std::string path;
  Json body;
};
LlmCall generationCall(const LlmEndpoint& e, const std::string& model, const std::string& prompt,
                       int maxTokens, bool think);
// An empty-prompt request that only loads the model (Ollama: done_reason "load"), or the
// smallest generation on an OpenAI-compatible server.
LlmCall warmUpCall(const LlmEndpoint& e, const std::string& model, bool embeds);
LlmCall embeddingCall(const LlmEndpoint& e, const std::string& model,
                      const std::vector<std::string>& texts);

// What a generation answered. `content` is empty when the server sent none, `contentNull` says
// when it sent null; `reasoning` is Ollama's `thinking` or vLLM's `reasoning_content`.
struct Generation {
  std::string content;
  bool contentNull = false;
  std::string reasoning;
  std::string finishReason;
  int64_t loadMs = 0;  // Ollama's load_duration, when it reports one
};
Result<Generation> readGeneration(const LlmEndpoint& e, const Json& answer);
Result<std::vector<std::vector<double>>> readEmbeddings(const LlmEndpoint& e, const Json& answer);

}  // namespace hx
