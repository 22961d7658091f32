// Answers like an Ollama server (from Ollama's server/routes.go, api/types.go and docs/api.md):
// the native /api routes, streaming pulls from a simulated registry, and the /v1 compatibility
// routes. No authentication, as on a local Ollama.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "llm_common.h"
#include "sim_host.h"

namespace hxsim {

struct OllamaOptions {
  // A current release by default: thinking is on by default from 0.12.4 (facts §7.1).
  std::string version = "0.12.6";
  std::vector<SimModel> installed;
  std::vector<SimModel> registry;  // what pulls can fetch (installed models are pullable too)
  int pullTicks = 4;               // progress lines per layer
  int pullTickMs = 20;
  int pullStallSeconds = 0;  // > 0: after the first progress line, send nothing this long
  int pullErrorAfter = -1;   // >= 0: an error line after this many progress lines
  // Models whose template has think tags (deepseek-r1, qwen3): capability "thinking".
  std::vector<std::string> thinking;
  // The first request to a model that is not loaded waits this long (facts §7.8); the answer's
  // load_duration says so. A model stays loaded for Ollama's default keep-alive, 5 minutes.
  int loadMs = 0;
};

class OllamaPersonality : public Personality {
 public:
  explicit OllamaPersonality(OllamaOptions options);
  void install(httplib::Server& server) override;
  bool isHealthPath(const std::string& path) const override {
    return path == "/" || path == "/api/version";
  }
  void internalError(httplib::Response& res) const override;
  bool authorize(const httplib::Request&, httplib::Response&) override { return true; }
  bool streams(const httplib::Request& req) const override;

 private:
  void pull(const httplib::Request& req, httplib::Response& res);
  void generate(const httplib::Request& req, httplib::Response& res, bool chat);
  void embed(const httplib::Request& req, httplib::Response& res, bool legacy);
  Json tagsEntry(const SimModel& m) const;
  // Finds an installed model by any alias; mu_ must be held.
  const SimModel* installed(const std::string& name) const;
  // Copies the installed model `name` to `out` and marks it loaded, as a request to it does.
  // `loadNs` gets how long loading took (0 when it was loaded already).
  bool load(const std::string& name, SimModel* out, int64_t* loadNs = nullptr);
  bool thinks(const SimModel& m) const;
  // Major, minor, patch of options_.version, for behaviour that changed between releases.
  bool versionAtLeast(int major, int minor, int patch) const;

  OllamaOptions options_;
  std::mutex mu_;                             // guards models_, registry_, loaded_
  std::map<std::string, SimModel> models_;    // by canonical name
  std::map<std::string, SimModel> registry_;  // by canonical name
  std::map<std::string, int64_t> loaded_;     // canonical name -> expires (unix s)
};

}  // namespace hxsim
