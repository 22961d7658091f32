// An HTTP transport that answers in-process from a script: each route (method and path, a
// trailing '*' matching any rest) gets its replies in turn, the last one repeating, and every
// request is recorded. No socket, no thread, no sleep: clients, providers and checks are tested
// with it in the fast tier (ctest -L unit), the process-level tests keep the end-to-end proof.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/platform/http.h"

namespace hx::fake {

class ScriptedHttp : public HttpTransport {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::optional<Status> error;  // a transport failure instead of an answer
  };
  static Reply json(int status, std::string body) {
    return {status, std::move(body), "application/json", std::nullopt};
  }
  static Reply text(int status, std::string body) {
    return {status, std::move(body), "text/plain", std::nullopt};
  }
  static Reply drop() {
    return {0, "", "", Status::error(ErrorKind::kTransient, "connection reset by peer")};
  }

  void on(const std::string& method, const std::string& path, std::vector<Reply> replies) {
    std::lock_guard<std::mutex> lock(mu_);
    routes_.push_back(Route{method, path, std::move(replies), 0});
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    const std::string path = pathOf(request.url);
    for (auto& r : routes_) {
      if (r.method != request.method || !matches(r.path, path)) continue;
      const Reply& reply = r.replies[std::min(r.next, r.replies.size() - 1)];
      ++r.next;
      if (reply.error) return *reply.error;
      return HttpResponse{reply.status, reply.contentType, reply.body, 1};
    }
    return HttpResponse{404, "text/plain", "no scripted route for " + request.method + " " + path,
                        1};
  }

  // Streams the scripted body line by line.
  Result<HttpResponse> stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& onChunk,
                              const std::function<bool()>& keepGoing) override {
    auto r = send(request);
    if (!r) return r;
    std::string body = std::move(r.value().body);
    r.value().body.clear();
    for (size_t at = 0; at < body.size();) {
      if (!keepGoing()) break;
      size_t end = body.find('\n', at);
      end = end == std::string::npos ? body.size() : end + 1;
      if (!onChunk(std::string_view(body).substr(at, end - at))) break;
      at = end;
    }
    return r;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // How many requests went to `method path`.
  int count(const std::string& method, const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& q : requests_) n += q.method == method && matches(path, pathOf(q.url));
    return n;
  }

 private:
  struct Route {
    std::string method, path;
    std::vector<Reply> replies;
    size_t next;
  };
  static std::string pathOf(const std::string& url) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
  }
  static bool matches(const std::string& pattern, const std::string& path) {
    if (!pattern.empty() && pattern.back() == '*')
      return path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return pattern == path;
  }

  mutable std::mutex mu_;
  std::vector<Route> routes_;
  std::vector<HttpRequest> requests_;
};

}  // namespace hx::fake
