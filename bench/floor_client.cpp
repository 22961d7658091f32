// hx-floor: the floor an hxctl run is measured against. It replays the HTTP requests a run sent
// (lines FROM..TO of an hx-sim exchange log: method, path, query, body) against a server, as a
// minimal client would: CONNECTIONS threads, each with one libcurl handle whose connection is
// kept alive, and no work besides sending and reading. What one object needs stays in order (a
// collection's create before its index and alias requests): requests are grouped by the
// collection they name, each group runs on one thread, the groups at once. It asks for
// compressed answers as hxctl does, so the server does the same work for both.
//
//   hx-floor LOG FROM TO BASE_URL CONNECTIONS [API_KEY]
// prints: "<seconds> s, <requests> requests, <failed> failed"
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "src/platform/curl_guard.h"

namespace {

struct Request {
  std::string method, target, body, contentType;
};

// The collection a request is about, or "" for server-wide ones (probes, lists).
std::string groupOf(const nlohmann::json& e) {
  const std::string path = e.value("path", "");
  const std::string prefix = "/collections/";
  if (path.rfind(prefix, 0) != 0) return "";
  std::string name = path.substr(prefix.size(), path.find('/', prefix.size()) - prefix.size());
  if (name != "aliases") return name;
  // POST /collections/aliases: the collection its actions point at.
  auto body = nlohmann::json::parse(e.value("request_body", ""), nullptr, false);
  if (body.is_object() && body.contains("actions") && body["actions"].is_array())
    for (const auto& a : body["actions"])
      if (a.contains("create_alias")) return a["create_alias"].value("collection_name", "");
  return "";
}

std::string escape(CURL* curl, const std::string& s) {
  char* out = curl_easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
  std::string r = out ? out : "";
  curl_free(out);
  return r;
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: hx-floor LOG FROM TO BASE_URL CONNECTIONS [API_KEY]\n";
    return 2;
  }
  const long from = std::atol(argv[2]), to = std::atol(argv[3]);
  const std::string base = argv[4];
  const int connections = std::max(1, std::atoi(argv[5]));
  const std::string apiKey = argc > 6 ? argv[6] : "";
  curl_global_init(CURL_GLOBAL_DEFAULT);

  // Server-wide requests before the first per-collection one (probes, lists) go first; those
  // after it (the read-back of a run's end) last.
  std::vector<Request> serverWideBefore, serverWideAfter;
  std::map<std::string, std::vector<Request>> byCollection;
  std::ifstream log(argv[1]);
  std::string line;
  CURL* escaper = curl_easy_init();
  for (long n = 0; std::getline(log, line); ++n) {
    if (n < from || n >= to) continue;
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (!e.is_object()) continue;
    Request r{e.value("method", "GET"), e.value("path", "/"), e.value("request_body", ""),
              e.value("request_content_type", "")};
    std::string query;
    if (e.contains("query") && e["query"].is_object())
      for (const auto& [k, v] : e["query"].items())
        query += (query.empty() ? "?" : "&") + escape(escaper, k) + "=" +
                 escape(escaper, v.is_string() ? v.get<std::string>() : v.dump());
    r.target += query;
    std::string group = groupOf(e);
    if (!group.empty())
      byCollection[group].push_back(std::move(r));
    else
      (byCollection.empty() ? serverWideBefore : serverWideAfter).push_back(std::move(r));
  }
  curl_easy_cleanup(escaper);
  std::vector<const std::vector<Request>*> groups;
  for (const auto& [name, requests] : byCollection) groups.push_back(&requests);

  std::atomic<long> sent{0}, failed{0};
  auto send = [&](CURL* curl, hx::CurlGuard* guard, const Request& r) {
    curl_easy_reset(curl);
    const std::string url = base + r.target;
    curl_slist* headers = nullptr;
    if (!apiKey.empty()) headers = curl_slist_append(headers, ("api-key: " + apiKey).c_str());
    if (!r.contentType.empty())
      headers = curl_slist_append(headers, ("Content-Type: " + r.contentType).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty() || r.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // Compressed answers asked for as hxctl asks (every encoding libcurl decodes): the server's
    // cost of compressing is part of the same requests.
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    hx::installCurlGuard(curl, guard);
    long status = 0;
    if (curl_easy_perform(curl) != CURLE_OK)
      ++failed;
    else if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status), status >= 500)
      ++failed;
    curl_slist_free_all(headers);
    ++sent;
  };

  auto inOrder = [&](const std::vector<Request>& requests) {
    hx::CurlGuard guard;
    guard.loopbackOnly = true;
    CURL* curl = curl_easy_init();
    for (const auto& r : requests) send(curl, &guard, r);
    curl_easy_cleanup(curl);
  };
  const auto start = std::chrono::steady_clock::now();
  inOrder(serverWideBefore);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < connections; ++t)
    pool.emplace_back([&] {
      hx::CurlGuard guard;
      guard.loopbackOnly = true;
      CURL* curl = curl_easy_init();
      for (size_t i = next++; i < groups.size(); i = next++)
        for (const auto& r : *groups[i]) send(curl, &guard, r);
      curl_easy_cleanup(curl);
    });
  for (auto& t : pool) t.join();
  inOrder(serverWideAfter);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << seconds << " s, " << sent << " requests, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
