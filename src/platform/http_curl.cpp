#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>
#include <optional>

#include "src/platform/curl_guard.h"
#include "src/platform/curl_pool.h"
#include "src/platform/http.h"
#include "src/platform/terminal_text.h"

namespace hx {

namespace {

struct Exchange {
  CurlGuard guard;
  std::string body;
  const std::function<bool(std::string_view)>* onChunk = nullptr;
  const std::function<bool()>* keepGoing = nullptr;
  bool aborted = false;
  size_t maxBodyBytes = 0;
  bool tooLarge = false;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One header (or trailer) line: "Name: value\r\n"; status lines and blank lines are skipped.
size_t header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos && ex->headers.size() < 256) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    ex->headers.emplace_back(std::move(name), std::string(value.substr(0, 4096)));
  }
  return size * n;
}

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->onChunk) {
    if (!(*ex->onChunk)(std::string_view(data, size * n))) {
      ex->aborted = true;
      return 0;  // curl stops with CURLE_WRITE_ERROR
    }
    return size * n;
  }
  if (ex->body.size() + size * n > ex->maxBodyBytes) {
    ex->tooLarge = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  ex->body.append(data, size * n);
  return size * n;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->keepGoing && !(*ex->keepGoing)()) {
    ex->aborted = true;
    return 1;  // curl stops with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

bool loopbackOnlyFromEnvironment() {
  const char* v = std::getenv("HXCTL_LOOPBACK_ONLY");
  return v && *v && std::string(v) != "0";
}

// Handles kept between requests: enough for every worker of a wide apply (--parallelism 32 and
// a few probes) to find its own again.
constexpr size_t kMaxIdleHandles = 64;

struct CurlTransport::Pool {
  CurlHandlePool handles{kMaxPerHost, kMaxIdleHandles};
};

CurlTransport::CurlTransport(bool loopbackOnly)
    : loopbackOnly_(loopbackOnly), pool_(std::make_unique<Pool>()) {
  globalInit();
}
CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  return perform(request, nullptr, nullptr);
}

Result<HttpResponse> CurlTransport::stream(const HttpRequest& request,
                                           const std::function<bool(std::string_view)>& onChunk,
                                           const std::function<bool()>& keepGoing) {
  return perform(request, &onChunk, &keepGoing);
}

Result<HttpResponse> CurlTransport::perform(const HttpRequest& request,
                                            const std::function<bool(std::string_view)>* onChunk,
                                            const std::function<bool()>* keepGoing) {
  // A header whose name or value carries CR, LF or another control character would end the
  // header early and start one of the sender's choosing (header injection); refused before any
  // connection, naming the header but not its value (which may be a credential).
  for (const auto& [k, v] : request.headers)
    if (hasControlCharacter(k) || hasControlCharacter(v))
      return Status::error(ErrorKind::kInvalidSpec,
                           "request header " + printableText(k, false) +
                               " holds a control character (CR, LF or similar); not sent");
  // A connect-only probe leaves its connection unusable for requests, and an h2c connection must
  // not be offered to an HTTP/1.1 request on the same port: both get a handle of their own.
  const bool pooled = !request.connectOnly && !request.http2;
  const std::string origin = CurlHandlePool::originOf(request.url);
  std::optional<CurlHandlePool::Slot> slot;
  if (pooled && !onChunk) slot.emplace(pool_->handles, origin);
  CURL* curl = pooled ? pool_->handles.acquire(origin) : curl_easy_init();
  if (!curl) return Status::error(ErrorKind::kInternal, "cannot initialise libcurl");
  Exchange ex;
  ex.guard.loopbackOnly = loopbackOnly_;
  ex.onChunk = onChunk;
  ex.keepGoing = keepGoing;
  ex.maxBodyBytes = request.maxBodyBytes;
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!onChunk) curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeoutMs));
  if (keepGoing) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &ex);
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeoutMs));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  installCurlGuard(curl, &ex.guard);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
  if (request.connectOnly) curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  if (request.http2)
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                     static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  CURLcode rc = curl_easy_perform(curl);
  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  double seconds = 0;
  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &seconds);
  response.status = static_cast<int>(status);
  response.contentType = type ? type : "";
  response.elapsedMs = static_cast<int64_t>(seconds * 1000);
  curl_slist_free_all(headers);
  if (pooled)
    pool_->handles.release(origin, curl);
  else
    curl_easy_cleanup(curl);
  if (ex.guard.refused)
    return Status::error(ErrorKind::kUnavailable,
                         "refused to connect to " + ex.guard.refusedAddress +
                             ": HXCTL_LOOPBACK_ONLY allows loopback addresses only");
  if (ex.tooLarge)
    return Status::error(ErrorKind::kTransient,
                         request.method + " " + request.url + ": the answer is larger than " +
                             std::to_string(request.maxBodyBytes >> 20) + " MiB; not read");
  if (ex.aborted)
    return Status::error(ErrorKind::kUnavailable, request.method + " " + request.url + ": aborted");
  if (rc != CURLE_OK) {
    std::string what = curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      what = "timed out after " + std::to_string(request.timeoutMs) + " ms";
    return Status::error(ErrorKind::kTransient, request.method + " " + request.url + ": " + what);
  }
  response.body = std::move(ex.body);
  response.headers = std::move(ex.headers);
  spdlog::debug("http {} {} -> {} in {} ms", request.method, request.url, response.status,
                response.elapsedMs);
  return response;
}

}  // namespace hx
