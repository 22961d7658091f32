// Every request and response a simulated host handled, one JSON object per line. Credentials
// are never written: header names only.
//
// httplib (0.11) compresses an answer before the post-routing handler that logs it runs, when
// the client sent Accept-Encoding (curl's --compressed, any browser): the body seen here is then
// gzip or brotli bytes. It is logged decoded, with the encoding noted; anything that still is
// not UTF-8 is logged with replacement characters rather than aborting the simulator.
#pragma once

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "codec.h"

namespace hxsim {

class ExchangeLog {
 public:
  explicit ExchangeLog(const std::string& path) : out_(path, std::ios::app) {}
  bool ok() const { return out_.good(); }
  // `injected` names the fault hx-sim injected into this exchange ("error", "drop"), if any.
  void write(const std::string& host, const std::string& personality, const httplib::Request& req,
             const httplib::Response& res, const std::string& injected) {
    std::string encoding = res.get_header_value("Content-Encoding");
    nlohmann::json query = nlohmann::json::object();
    for (const auto& [k, v] : req.params) query[k] = v;
    nlohmann::json line = {
        {"host", host},
        {"personality", personality},
        {"method", req.method},
        {"path", req.path},
        {"query", query},
        {"request_content_type", req.get_header_value("Content-Type")},
        {"request_body", req.body},
        {"status", res.status},
        {"response_content_type", res.get_header_value("Content-Type")},
        {"response_body", decodeBody(encoding, res.body)},
        {"response_content_encoding", encoding},
        {"injected", injected.empty() ? nlohmann::json() : nlohmann::json(injected)},
        // When the answer started to go out (unix ms): tests measure how soon hxctl acted.
        {"at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count()},
    };
    std::lock_guard<std::mutex> lock(mu_);
    out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out_.flush();
  }

 private:
  std::mutex mu_;
  std::ofstream out_;
};

}  // namespace hxsim
