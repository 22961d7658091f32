// HTTP as an external system. CurlTransport is the real one; tests wrap or replace it.
//
// The loopback guard: with loopbackOnly (HXCTL_LOOPBACK_ONLY=1, which the test suite sets), every
// connection is checked at the moment its socket would open, after DNS and redirects, and any
// address outside 127.0.0.0/8 and ::1 is refused without a packet being sent.
//
// Answers are requested with Accept-Encoding (gzip, deflate, br as libcurl supports) and decoded
// by libcurl, so a server or proxy that compresses, asked or not, is read correctly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconciler/status.h"

namespace hx {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeoutMs = 10000;
  // A larger answer is refused (kTransient) rather than held in memory: a misbehaving host or
  // proxy must not be able to exhaust hxctl's memory. Qdrant's alias list at 10 000 aliases is
  // well under 1 MiB.
  size_t maxBodyBytes = 64u << 20;
  // Only open the connection (TCP, and TLS for https) and close it: whether a port answers.
  // The response is status 0 when it did.
  bool connectOnly = false;
  // HTTP/2 without negotiation (h2c "prior knowledge"), as gRPC over plain TCP is spoken.
  bool http2 = false;
};

struct HttpResponse {
  int status = 0;
  std::string contentType;
  std::string body;
  int64_t elapsedMs = 0;
  // Every header and trailer line received (names lower-cased), in order: gRPC's status is a
  // trailer.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // A response of any status, or kTransient (refused, reset, timeout, truncated) /
  // kUnavailable (refused by the loopback guard) when no complete response arrived.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // Streams the body to `onChunk` as it arrives (the response's body stays empty); returning
  // false aborts. `keepGoing` is polled about once a second, also while nothing arrives, and
  // aborts by returning false: the place for a stall watchdog. No total deadline applies;
  // request.timeoutMs bounds the connection only.
  virtual Result<HttpResponse> stream(const HttpRequest& request,
                                      const std::function<bool(std::string_view)>& onChunk,
                                      const std::function<bool()>& keepGoing) = 0;
};

// libcurl behind a pool of easy handles. Each handle keeps the connections it opened alive
// (HTTP/1.1 keep-alive), and an idle handle is taken first from those that last spoke to the
// same host, so a run opens about one connection per worker per host instead of one per request.
// At most kMaxPerHost requests (send) run at once against one scheme://host:port; the others
// wait their turn. Streams (model pulls, which last minutes) are not counted against that bound,
// so a probe never waits behind them.
class CurlTransport : public HttpTransport {
 public:
  static constexpr int kMaxPerHost = 16;
  explicit CurlTransport(bool loopbackOnly);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;
  Result<HttpResponse> send(const HttpRequest& request) override;
  Result<HttpResponse> stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& onChunk,
                              const std::function<bool()>& keepGoing) override;

 private:
  Result<HttpResponse> perform(const HttpRequest& request,
                               const std::function<bool(std::string_view)>* onChunk,
                               const std::function<bool()>* keepGoing);
  bool loopbackOnly_;
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

// True when HXCTL_LOOPBACK_ONLY is set to a non-empty value other than "0".
bool loopbackOnlyFromEnvironment();

}  // namespace hx
