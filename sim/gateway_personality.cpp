#include "gateway_personality.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

namespace hxsim {

namespace {

std::string sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

struct Entry {
  std::string hash;
  std::string expires;  // YYYY-MM-DD or ""
};

// The entries of the key file: each `- name:` item's `hash:` and `expires:` lines.
std::vector<Entry> readKeyFile(const std::string& path) {
  std::vector<Entry> out;
  std::ifstream in(path);
  static const std::regex kField(R"re(^\s*(-\s+)?(\w+):\s*"?([^"]*)"?\s*$)re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, kField)) continue;
    if (m[1].matched) out.emplace_back();
    if (out.empty()) continue;
    if (m[2] == "hash") out.back().hash = m[3];
    if (m[2] == "expires" && m[3] != "null") out.back().expires = m[3];
  }
  return out;
}

bool matches(const Entry& e, const std::string& key) {
  auto first = e.hash.find(':');
  auto second = e.hash.find(':', first + 1);
  if (e.hash.rfind("sha256:", 0) != 0 || second == std::string::npos) return false;
  std::string want = e.hash.substr(second + 1);
  std::string got = sha256Hex(unhex(e.hash.substr(first + 1, second - first - 1)) + key);
  return got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

std::string today() {
  char buf[16];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

void GatewayPersonality::internalError(httplib::Response& res) const {
  res.status = 500;
  res.set_content(R"({"detail":"Internal Server Error"})", "application/json");
}

bool GatewayPersonality::withinRateLimit() {
  if (options_.rateLimit <= 0) return true;
  std::lock_guard<std::mutex> lock(rateMu_);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (now != window_) {
    window_ = now;
    used_ = 0;
  }
  return ++used_ <= options_.rateLimit;
}

bool GatewayPersonality::authorize(const httplib::Request& req, httplib::Response& res) {
  if (isHealthPath(req.path)) return true;
  if (!withinRateLimit()) {
    res.status = 429;
    res.set_content("{\"error\":\"Rate limit exceeded: " + std::to_string(options_.rateLimit) +
                        " per 1 second\"}",
                    "application/json");
    return false;
  }
  std::vector<Entry> entries = readKeyFile(options_.keyFile);
  if (entries.empty()) return true;
  std::string key = req.get_header_value("X-API-Key");
  for (const auto& e : entries)
    if (!key.empty() && matches(e, key) && (e.expires.empty() || e.expires >= today())) return true;
  res.status = 401;
  res.set_content(R"({"detail":"Invalid or missing API key"})", "application/json");
  return false;
}

void GatewayPersonality::forward(const httplib::Request& req, httplib::Response& res) {
  // One kept-alive connection to the upstream per worker thread, as a real proxy pools them.
  thread_local std::unique_ptr<httplib::Client> client;
  if (!client) {
    client = std::make_unique<httplib::Client>(options_.upstream);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms a request
  }
  httplib::Client& upstream = *client;
  httplib::Headers headers;
  if (!options_.upstreamKey.empty()) headers.emplace("api-key", options_.upstreamKey);
  std::string path = req.path;
  if (!req.params.empty()) {
    path += "?";
    for (const auto& [k, v] : req.params) path += k + "=" + v + "&";
    path.pop_back();
  }
  std::string type = req.get_header_value("Content-Type");
  if (type.empty()) type = "application/json";
  httplib::Result r = req.method == "GET"      ? upstream.Get(path, headers)
                      : req.method == "DELETE" ? upstream.Delete(path, headers, req.body, type)
                      : req.method == "PUT"    ? upstream.Put(path, headers, req.body, type)
                      : req.method == "PATCH"  ? upstream.Patch(path, headers, req.body, type)
                                               : upstream.Post(path, headers, req.body, type);
  if (!r) {
    res.status = 502;
    res.set_content(R"({"detail":"upstream unavailable"})", "application/json");
    return;
  }
  res.status = r->status;
  res.set_content(r->body, r->get_header_value("Content-Type").c_str());
}

void GatewayPersonality::install(httplib::Server& s) {
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  auto relay = [this](const httplib::Request& q, httplib::Response& r) { forward(q, r); };
  s.Get(R"(/(collections|aliases|metrics).*)", relay);
  s.Post(R"(/collections.*)", relay);
  s.Put(R"(/collections.*)", relay);
  s.Delete(R"(/collections.*)", relay);
}

void WebPersonality::internalError(httplib::Response& res) const {
  res.status = 500;
  res.set_content("Internal Server Error", "text/plain");
}

void WebPersonality::install(httplib::Server& s) {
  s.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content("<!doctype html><html><head><title>" + title_ +
                        "</title></head><body><div id=\"root\"></div></body></html>",
                    "text/html");
  });
}

}  // namespace hxsim
