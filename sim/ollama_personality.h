// Answers like an Ollama server (facts: ../shared/reference/llm-hosts/API-FACTS.md §1, §5):
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
  std::string version = "0.5.1";
  std::vector<SimModel> installed;
  std::vector<SimModel> registry;  // what pulls can fetch (installed models are pullable too)
  int pullTicks = 4;               // progress lines per layer
  int pullTickMs = 20;
  int pullStallSeconds = 0;  // > 0: after the first progress line, send nothing this long
  int pullErrorAfter = -1;   // >= 0: an error line after this many progress lines
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

 private:
  void pull(const httplib::Request& req, httplib::Response& res);
  void generate(const httplib::Request& req, httplib::Response& res, bool chat);
  void embed(const httplib::Request& req, httplib::Response& res, bool legacy);
  Json tagsEntry(const SimModel& m) const;
  // Finds an installed model by any alias; mu_ must be held.
  const SimModel* installed(const std::string& name) const;
  // Copies the installed model `name` to `out` and marks it loaded, as a request to it does.
  bool load(const std::string& name, SimModel* out);

  OllamaOptions options_;
  std::mutex mu_;                             // guards models_, registry_, loaded_
  std::map<std::string, SimModel> models_;    // by canonical name
  std::map<std::string, SimModel> registry_;  // by canonical name
  std::map<std::string, int64_t> loaded_;     // canonical name -> expires (unix s)
};

}  // namespace hxsim
