// Drives N requests at concurrency C against one URL with libcurl's multi interface (one thread,
// connections kept alive) and reports latency percentiles, throughput and errors. Used by the
// `load` criterion and by bench/load_bench.sh.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hx {

struct LoadSpec {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int requests = 1000;
  int concurrency = 16;
  int64_t timeoutMs = 30000;  // per request
  bool loopbackOnly = false;
};

struct LoadReport {
  int completed = 0;  // requests that got any answer or failed
  int errors = 0;     // transport errors and non-2xx answers
  double errorRate = 0;
  double rps = 0;
  double avgMs = 0, p50Ms = 0, p95Ms = 0, p99Ms = 0;
  int64_t elapsedMs = 0;
  std::string firstError;
  std::map<int, int> statuses;  // answers by HTTP status; 0 for requests that got none
};

LoadReport runLoad(const LoadSpec& spec);

std::string formatMs(double ms);         // "12.3 ms"
std::string formatRate(double rps);      // "1530"
std::string formatPercent(double rate);  // "0.20%"
// Whether `errors` of `completed` requests stay strictly below `maxRate` (the seed's "<1%":
// 200 of 20 000 do not), compared in whole requests so that no rounding of the rate lets one
// more error through; a `maxRate` of 0 or less admits none.
bool errorsBelow(long errors, long completed, double maxRate);
// "2000 requests at concurrency 16 in 1.31 s: 1530 rps, avg 10.4 ms, p50 9.8 ms, p95 ..., 0.00%
// errors"
std::string describe(const LoadReport& r);

}  // namespace hx
