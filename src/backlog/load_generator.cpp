#include "src/backlog/load_generator.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "src/platform/curl_guard.h"

namespace hx {

namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

struct Slot {
  CURL* easy = nullptr;
  CurlGuard guard;
};

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

std::string formatMs(double ms) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f ms", ms);
  return buf;
}

std::string formatRate(double rps) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.0f", rps);
  return buf;
}

std::string formatPercent(double rate) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.2f%%", rate * 100);
  return buf;
}

bool errorsBelow(long errors, long completed, double maxRate) {
  if (errors <= 0) return true;
  if (maxRate <= 0) return false;
  return static_cast<double>(errors) < maxRate * static_cast<double>(completed) - 1e-9;
}

std::string describe(const LoadReport& r) {
  char secs[32];
  snprintf(secs, sizeof secs, "%.2f s", static_cast<double>(r.elapsedMs) / 1000);
  return std::to_string(r.completed) + " requests in " + secs + ": " + formatRate(r.rps) +
         " rps, avg " + formatMs(r.avgMs) + ", p50 " + formatMs(r.p50Ms) + ", p95 " +
         formatMs(r.p95Ms) + ", p99 " + formatMs(r.p99Ms) + ", " + formatPercent(r.errorRate) +
         " errors";
}

// The driving loop: keep `concurrency` transfers in flight until `requests` have been sent.
LoadReport runLoad(const LoadSpec& spec) {
  LoadReport report;
  CURLM* multi = curl_multi_init();
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : spec.headers)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  if (!spec.body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  int slots = std::max(1, std::min(spec.concurrency, spec.requests));
  std::vector<std::unique_ptr<Slot>> pool;
  int sent = 0;
  auto start = [&](Slot& s) {
    curl_multi_remove_handle(multi, s.easy);
    curl_multi_add_handle(multi, s.easy);
    ++sent;
  };
  for (int i = 0; i < slots; ++i) {
    auto s = std::make_unique<Slot>();
    s->easy = curl_easy_init();
    s->guard.loopbackOnly = spec.loopbackOnly;
    curl_easy_setopt(s->easy, CURLOPT_URL, spec.url.c_str());
    curl_easy_setopt(s->easy, CURLOPT_CUSTOMREQUEST, spec.method.c_str());
    if (!spec.body.empty()) {
      curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, spec.body.c_str());
      curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(spec.body.size()));
    }
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeoutMs));
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s.get());
    installCurlGuard(s->easy, &s->guard);
    pool.push_back(std::move(s));
  }
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(spec.requests));
  auto t0 = std::chrono::steady_clock::now();
  for (auto& s : pool) start(*s);
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* s = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
      long status = 0;
      double seconds = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo(msg->easy_handle, CURLINFO_TOTAL_TIME, &seconds);
      ++report.completed;
      latencies.push_back(seconds * 1000);
      ++report.statuses[msg->data.result == CURLE_OK ? static_cast<int>(status) : 0];
      bool failed = msg->data.result != CURLE_OK || status < 200 || status >= 300;
      if (failed) {
        ++report.errors;
        if (report.firstError.empty())
          report.firstError = s->guard.refused
                                  ? "refused by the loopback guard: " + s->guard.refusedAddress
                              : msg->data.result != CURLE_OK ? curl_easy_strerror(msg->data.result)
                                                             : "HTTP " + std::to_string(status);
      }
      if (sent < spec.requests) {
        start(*s);
        running = 1;
      }
    }
    if (running) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  } while (running || sent < spec.requests);
  report.elapsedMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  for (auto& s : pool) {
    curl_multi_remove_handle(multi, s->easy);
    curl_easy_cleanup(s->easy);
  }
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  std::sort(latencies.begin(), latencies.end());
  double sum = 0;
  for (double l : latencies) sum += l;
  report.avgMs = latencies.empty() ? 0 : sum / static_cast<double>(latencies.size());
  report.p50Ms = percentile(latencies, 0.50);
  report.p95Ms = percentile(latencies, 0.95);
  report.p99Ms = percentile(latencies, 0.99);
  report.errorRate = report.completed ? static_cast<double>(report.errors) / report.completed : 0;
  report.rps =
      report.elapsedMs > 0 ? report.completed * 1000.0 / static_cast<double>(report.elapsedMs) : 0;
  return report;
}

}  // namespace hx
