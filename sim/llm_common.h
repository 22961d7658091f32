// Pieces the LLM personalities share: Ollama's name grammar, model records, and deterministic
// unit-length embeddings (the same text always embeds to the same vector, so ingestion checks can
// find each text's own point first).
#pragma once

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace hxsim {

using Json = nlohmann::json;

// `[host/][namespace/]model[:tag]` with defaults registry.ollama.ai / library / latest. Returns
// the canonical lower-case full form; `display` gets the shortest form with the tag, as Ollama
// answers (facts §1.3, §1.11). Empty on an invalid name.
inline std::string canonicalModel(const std::string& raw, std::string* display = nullptr) {
  if (raw.empty()) return "";
  std::string name;
  for (char c : raw) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string tag = "latest";
  auto slash = name.rfind('/');
  auto colon = name.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto next = name.find('/', start);
    parts.push_back(name.substr(start, next - start));
    if (next == std::string::npos) break;
    start = next + 1;
  }
  if (parts.size() > 3 || tag.empty()) return "";
  for (const auto& p : parts)
    if (p.empty()) return "";
  std::string host = parts.size() == 3 ? parts[0] : "registry.ollama.ai";
  std::string ns = parts.size() >= 2 ? parts[parts.size() - 2] : "library";
  std::string model = parts.back();
  if (display) {
    if (host != "registry.ollama.ai")
      *display = host + "/" + ns + "/" + model + ":" + tag;
    else if (ns != "library")
      *display = ns + "/" + model + ":" + tag;
    else
      *display = model + ":" + tag;
  }
  return host + "/" + ns + "/" + model + ":" + tag;
}

struct SimModel {
  std::string display;  // "mixtral:8x7b"
  int dims = 0;         // > 0: an embedding model
  int64_t size = 4109864384;
  std::string digest;  // 64 hex, no prefix
  std::string modifiedAt = "2026-11-01T08:06:48.639712648+00:00";
  bool embeds() const { return dims > 0; }
};

inline std::string hex64(const std::string& seed) {
  std::mt19937_64 rng(std::hash<std::string>{}(seed));
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 64; ++i) out += kHex[rng() % 16];
  return out;
}

// "NAME" or "NAME=DIMS" from the command line. Ollama shows names in its canonical display form;
// OpenAI-compatible servers show the served name exactly as configured.
inline SimModel parseModelFlag(const std::string& flag, bool ollamaNames) {
  SimModel m;
  // NAME=DIMS only when what follows the last '=' is a width: a name may hold '=' itself (the
  // web view's injection test serves one with an HTML attribute in it).
  auto eq = flag.rfind('=');
  if (eq != std::string::npos &&
      (eq + 1 == flag.size() || flag.find_first_not_of("0123456789", eq + 1) != std::string::npos))
    eq = std::string::npos;
  std::string name = flag.substr(0, eq);
  if (eq != std::string::npos) m.dims = std::stoi(flag.substr(eq + 1));
  if (ollamaNames) canonicalModel(name, &m.display);
  if (m.display.empty()) m.display = name;
  m.digest = hex64(m.display);
  if (m.embeds()) m.size = 274302450;
  return m;
}

inline std::vector<double> embedText(const std::string& text, int dims) {
  std::mt19937_64 rng(std::hash<std::string>{}(text));
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> v(static_cast<size_t>(dims));
  double norm = 0;
  for (auto& x : v) {
    x = normal(rng);
    norm += x * x;
  }
  norm = std::sqrt(norm);
  for (auto& x : v) x /= norm;
  return v;
}

inline std::string answerFor(const std::string& model, const std::string& prompt) {
  return "Simulated answer from " + model + " to: " + prompt.substr(0, 60);
}

}  // namespace hxsim
