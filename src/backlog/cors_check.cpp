// `corsAllowed {url, origin, key?, header?, method?}`: the path a browser page takes to a server,
// as the Fetch standard's CORS protocol has it, with the key the page is configured with.
#include <cctype>
#include <optional>

#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/criteria.h"
#include "src/backlog/key_credential.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {
using check_detail::cannotRun;
using check_detail::result;

std::string headerOf(const HttpResponse& r, const std::string& lowerName) {
  for (const auto& [k, v] : r.headers)
    if (k == lowerName) return v;
  return "";
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Whether a comma-separated header value lists `item` (case-insensitively), or is "*".
bool lists(const std::string& value, const std::string& item) {
  std::string rest = lower(value);
  const std::string want = lower(item);
  for (size_t at = 0; at <= rest.size();) {
    size_t comma = rest.find(',', at);
    std::string part = rest.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    if (part == want || part == "*") return true;
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return false;
}

}  // namespace

// What a browser does before a page at `origin` may call `url` with a key (the Fetch standard's
// CORS protocol): a preflight OPTIONS naming the method and the key's header, whose answer must
// allow the origin (echoed or *), the method (unless it is GET or POST, which need no listing)
// and the header; then the request itself with Origin and the key, which must be answered 2xx
// with the origin allowed, or the page never sees the answer.
CriterionResult CriteriaRunner::corsAllowed(const Json& c, const DesiredState& desired) {
  const std::string url = jread::textOr(c, "url", "");
  const std::string origin = jread::textOr(c, "origin", "");
  const std::string method = jread::textOr(c, "method", "GET");
  std::string subject = url + " from " + origin;
  std::optional<Credential> credential;
  if (auto keyName = jread::text(c, "key")) {
    subject += " with ApiKey/" + *keyName;
    auto found = keyCredentialByName(c, desired, url);
    if (!found) return cannotRun("corsAllowed", subject, "", found.status().message());
    credential = found.value();
  }
  const std::string want = "preflight allows the origin" +
                           std::string(credential ? ", " + lower(credential->header) : "") + "; " +
                           method + " 2xx allowed for the origin";
  HttpRequest preflight;
  preflight.method = "OPTIONS";
  preflight.url = url;
  preflight.timeoutMs = 10000;
  preflight.headers = {{"Origin", origin}, {"Access-Control-Request-Method", method}};
  if (credential)
    preflight.headers.emplace_back("Access-Control-Request-Headers", lower(credential->header));
  auto pre = http_.send(preflight);
  if (!pre)
    return result("corsAllowed", subject, false, "no answer to the preflight", want,
                  pre.status().message());
  const HttpResponse& p = pre.value();
  const std::string allowOrigin = headerOf(p, "access-control-allow-origin");
  std::vector<std::string> refused;
  if (p.status < 200 || p.status >= 300)
    refused.push_back("the preflight was answered " + std::to_string(p.status));
  if (allowOrigin != origin && allowOrigin != "*")
    refused.push_back(allowOrigin.empty()
                          ? "the preflight allows no origin"
                          : "the preflight allows " + allowOrigin + ", not " + origin);
  if (method != "GET" && method != "POST" &&
      !lists(headerOf(p, "access-control-allow-methods"), method))
    refused.push_back("the preflight does not allow " + method);
  if (credential && !lists(headerOf(p, "access-control-allow-headers"), credential->header))
    refused.push_back("the preflight does not allow the " + lower(credential->header) +
                      " header, so the browser sends no key");
  if (!refused.empty())
    return result("corsAllowed", subject, false, "preflight " + std::to_string(p.status), want,
                  joined(refused, "; "));
  HttpRequest actual = preflight;
  actual.method = method;
  actual.headers = {{"Origin", origin}};
  if (credential) actual.headers.emplace_back(credential->header, credential->value);
  auto got = http_.send(actual);
  if (!got)
    return result("corsAllowed", subject, false,
                  "preflight " + std::to_string(p.status) + ", no answer", want,
                  got.status().message());
  const HttpResponse& a = got.value();
  const std::string allowed = headerOf(a, "access-control-allow-origin");
  const bool ok = a.status >= 200 && a.status < 300;
  const bool visible = allowed == origin || allowed == "*";
  const std::string value = "preflight " + std::to_string(p.status) + ", " + method + " " +
                            std::to_string(a.status) +
                            (visible ? " allowed for the origin" : " not allowed for the origin");
  std::string detail;
  if (!ok) detail = "the request with the key was answered " + std::to_string(a.status);
  if (!visible)
    detail += (detail.empty() ? "" : "; ") +
              std::string("the answer carries no Access-Control-Allow-Origin for ") + origin +
              ": the browser hides it from the page";
  return result("corsAllowed", subject, ok && visible, value, want, detail);
}

}  // namespace hx
