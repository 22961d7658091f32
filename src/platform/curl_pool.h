// The easy handles behind CurlTransport, kept between requests so that their connections stay
// alive, and the per-origin bound on requests in flight.
//
// libcurl keeps a connection cache in each easy handle; curl_easy_reset clears a handle's options
// but keeps that cache. A handle is therefore taken first from those that last served the same
// origin (scheme://host:port), whose connection to it is still open. (libcurl's shared connection
// cache, CURL_LOCK_DATA_CONNECT, is documented as unsupported across concurrent threads, so each
// worker's handle keeps its own.)
#pragma once

#include <curl/curl.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hx {

class CurlHandlePool {
 public:
  // `maxPerOrigin`: requests at once per origin (those holding a Slot); `maxIdle`: handles kept
  // between requests (each with its open connections), beyond which a released one is closed.
  CurlHandlePool(int maxPerOrigin, size_t maxIdle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  // A handle with default options for a request to `origin`; nullptr when libcurl cannot make
  // one. Give it back with release(), with the same origin.
  CURL* acquire(const std::string& origin);
  void release(const std::string& origin, CURL* handle);

  // Holds one of `origin`'s places while alive; waits for one to free up.
  class Slot {
   public:
    Slot(CurlHandlePool& pool, std::string origin);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    CurlHandlePool& pool_;
    std::string origin_;
  };

  // The scheme, host and port of `url` ("http://h:1/a?b" -> "http://h:1"): what a kept-alive
  // connection can serve.
  static std::string originOf(std::string_view url);

 private:
  const int maxPerOrigin_;
  const size_t maxIdle_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::map<std::string, std::vector<CURL*>> idle_;  // by the origin each last served
  size_t idleCount_ = 0;
  std::map<std::string, int> inFlight_;
};

}  // namespace hx
