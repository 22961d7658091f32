// Checks of access: a key is required (keyEnforced), a key may not do what its role does not
// grant (keyDenied), a burst above a limit is refused (rateLimited), a request gets the status
// the server owes it (httpStatus: a malformed one a 4xx), and a declared service's port answers
// (serviceReachable). Keys are presented as their server takes them (keyCredential).
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/criteria.h"
#include "src/backlog/key_credential.h"
#include "src/backlog/load_generator.h"
#include "src/platform/secrets.h"
#include "src/providers/host_endpoint.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {
using check_detail::cannotRun;
using check_detail::result;

std::string statusOf(const Result<HttpResponse>& r) {
  return r ? std::to_string(r.value().status) : r.status().message();
}

// The request a check declares by `method` (default `method`), `url` and `body` (a string as
// is, anything else as JSON).
HttpRequest requestOf(const Json& c, const std::string& method) {
  HttpRequest req;
  req.method = jread::textOr(c, "method", method);
  req.url = jread::textOr(c, "url", "");
  const Json* body = jread::field(c, "body");
  if (body && !body->is_null())
    req.body = body->is_string() ? body->get<std::string>() : body->dump();
  req.timeoutMs = 10000;
  if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  return req;
}

}  // namespace

// The header and value `key` is presented in to `url`: the criterion's `header` if it names one;
// to a Qdrant the key is delivered to as a JWT, that JWT (in `api-key`), else the secret in
// `api-key`; to an LLM host, a Bearer token; anywhere else (the API gateway), X-API-Key.
Result<Credential> keyCredential(const Json& c, const DesiredState& desired, const Resource& key,
                                 const std::string& url) {
  auto secret = readSecret(key.spec["secret"]);
  if (!secret) return secret.status();
  Credential out{"X-API-Key", secret.value()};
  const Resource* host = hostServing(desired, url);
  if (host) out.header = keyHeaderOf(*host);
  if (host && servesQdrant(*host)) {
    const Json& delivered = jread::object(jread::object(key.spec, "deliver"), "qdrant");
    if (jread::textOr(delivered, "server", "") == host->id.name) {
      auto token = readSecret(Json{{"file", jread::textOr(delivered, "tokenFile", "")}});
      if (!token)
        return Status::error(ErrorKind::kUnavailable,
                             "the key's JWT was not delivered yet: " + token.status().message());
      out.value = token.value();
    }
  }
  if (auto named = jread::text(c, "header")) out.header = *named;
  if (out.header == "Authorization" && out.value.rfind("Bearer ", 0) != 0)
    out.value = "Bearer " + out.value;
  return out;
}

Result<Credential> keyCredentialByName(const Json& c, const DesiredState& desired,
                                       const std::string& url) {
  const std::string name = jread::textOr(c, "key", "");
  const Resource* key = desired.find({kind::kApiKey, name});
  if (!key) return Status::error(ErrorKind::kInvalidSpec, "no ApiKey " + name);
  return keyCredential(c, desired, *key, url);
}

// A request without the key must be refused (401/403) and one with the key accepted (2xx).
CriterionResult CriteriaRunner::keyEnforced(const Json& c, const DesiredState& desired) {
  std::string url = jread::textOr(c, "url", "");
  std::string keyName = jread::textOr(c, "key", "");
  const Resource* key = desired.find({kind::kApiKey, keyName});
  std::string subject = url + " with ApiKey/" + keyName;
  const std::string want = "without: 401/403, with: 2xx";
  if (!key) return result("keyEnforced", subject, false, "no key", want, "no such ApiKey");
  auto credential = keyCredential(c, desired, *key, url);
  if (!credential) return cannotRun("keyEnforced", subject, want, credential.status().message());
  HttpRequest without;
  without.url = url;
  without.timeoutMs = 10000;
  auto anon = http_.send(without);
  HttpRequest with = without;
  with.headers.emplace_back(credential.value().header, credential.value().value);
  auto keyed = http_.send(with);
  int a = anon ? anon.value().status : 0, k = keyed ? keyed.value().status : 0;
  bool pass = (a == 401 || a == 403) && k >= 200 && k < 300;
  return result("keyEnforced", subject, pass,
                "without: " + statusOf(anon) + ", with: " + statusOf(keyed), want,
                pass ? ""
                     : "the key (presented in " + credential.value().header +
                           ") is not enforced as required");
}

// The key reads (`url`, 2xx: so a refusal below is not a wrong key) and is refused the write
// (`write`: method, url, body) with 401 or 403: its role, not its validity, keeps it out.
CriterionResult CriteriaRunner::keyDenied(const Json& c, const DesiredState& desired) {
  const std::string url = jread::textOr(c, "url", "");
  const std::string keyName = jread::textOr(c, "key", "");
  const Json& write = jread::object(c, "write");
  HttpRequest w = requestOf(write, "POST");
  const std::string subject = w.method + " " + w.url + " with ApiKey/" + keyName;
  const std::string want = "read: 2xx, write: 401/403";
  const Resource* key = desired.find({kind::kApiKey, keyName});
  if (!key) return result("keyDenied", subject, false, "no key", want, "no such ApiKey");
  auto credential = keyCredential(c, desired, *key, w.url);
  if (!credential) return cannotRun("keyDenied", subject, want, credential.status().message());
  HttpRequest read;
  read.url = url;
  read.timeoutMs = 10000;
  read.headers.emplace_back(credential.value().header, credential.value().value);
  w.headers.emplace_back(credential.value().header, credential.value().value);
  auto r = http_.send(read);
  auto denied = http_.send(w);
  const int rs = r ? r.value().status : 0, ws = denied ? denied.value().status : 0;
  const bool reads = rs >= 200 && rs < 300;
  const bool refused = ws == 401 || ws == 403;
  std::string detail;
  if (!reads)
    detail = "the key cannot read " + url + " either (" + statusOf(r) +
             "): a refusal would prove nothing";
  else if (!refused)
    detail = "the write was " +
             (denied ? "answered " + std::to_string(ws) : denied.status().message()) +
             ": the key may do more than its role grants";
  return result("keyDenied", subject, reads && refused,
                "read: " + statusOf(r) + ", write: " + statusOf(denied), want, detail);
}

// A burst of `burst` requests at once (with `key` if given): some must be answered 2xx and some
// 429, as a rate limit does; all 2xx means no limit, all 429 means nothing gets through.
CriterionResult CriteriaRunner::rateLimited(const Json& c, const DesiredState& desired) {
  LoadSpec spec;
  spec.url = jread::textOr(c, "url", "");
  spec.requests = static_cast<int>(jread::integerOr(c, "burst", 100));
  spec.concurrency = std::min(spec.requests, 64);
  spec.loopbackOnly = loopbackOnly_;
  spec.timeoutMs = 10000;
  const std::string subject = spec.url;
  const std::string want = "a burst of " + std::to_string(spec.requests) + ": some 2xx, some 429";
  if (auto keyName = jread::text(c, "key")) {
    const Resource* key = desired.find({kind::kApiKey, *keyName});
    if (!key) return result("rateLimited", subject, false, "no key", want, "no such ApiKey");
    auto credential = keyCredential(c, desired, *key, spec.url);
    if (!credential) return cannotRun("rateLimited", subject, want, credential.status().message());
    spec.headers.emplace_back(credential.value().header, credential.value().value);
  } else {
    spec.headers = hostAuthFor(desired, spec.url);
  }
  LoadReport r = runLoad(spec);
  int ok = 0, limited = 0, other = 0;
  std::string value;
  for (const auto& [status, n] : r.statuses) {
    if (status >= 200 && status < 300)
      ok += n;
    else if (status == 429)
      limited += n;
    else
      other += n;
    value += (value.empty() ? "" : ", ") + std::to_string(n) + " x " +
             (status ? std::to_string(status) : std::string("no answer"));
  }
  std::string detail;
  if (limited == 0)
    detail = "no request was refused with 429: no rate limit applies";
  else if (ok == 0)
    detail = "every request was refused: the limit lets nothing through";
  else if (other > 0)
    detail = std::to_string(other) + " answers were neither 2xx nor 429" +
             (r.firstError.empty() ? "" : " (first: " + r.firstError + ")");
  return result("rateLimited", subject, detail.empty(), value, want, detail);
}

// The request (method, url, body) is answered with one of `expect`: a malformed request gets
// the 400 or 422 that says the server validated it, not a 2xx or a 500.
CriterionResult CriteriaRunner::httpStatus(const Json& c, const DesiredState& desired) {
  HttpRequest req = requestOf(c, "GET");
  for (auto& h : hostAuthFor(desired, req.url)) req.headers.push_back(h);
  std::vector<int> expect;
  std::string want;
  for (const auto& e : jread::array(c, "expect"))
    if (e.is_number_integer()) {
      expect.push_back(e.get<int>());
      want += (want.empty() ? "" : " or ") + std::to_string(e.get<int>());
    }
  const std::string subject = req.method + " " + req.url;
  auto r = http_.send(req);
  if (!r) return result("httpStatus", subject, false, "no answer", want, r.status().message());
  const int got = r.value().status;
  const bool pass = std::find(expect.begin(), expect.end(), got) != expect.end();
  return result(
      "httpStatus", subject, pass, std::to_string(got), want,
      pass ? "" : "answered " + std::to_string(got) + ": " + jread::serverError(r.value().body));
}

// gRPC's health checking protocol (grpc/grpc doc/health-checking.md, grpc.health.v1.Health/
// Check) over h2c: the request is a HealthCheckRequest {service}, the answer a
// HealthCheckResponse {status: 1 SERVING | 2 NOT_SERVING | 3 SERVICE_UNKNOWN}, each behind gRPC's
// 5-byte frame prefix; a service the server does not know is grpc-status 5 (NOT_FOUND) with no
// message. Only SERVING passes.
CriterionResult CriteriaRunner::grpcHealth(const std::string& subject, const std::string& authority,
                                           const std::string& service, HttpRequest req) {
  std::string message;
  if (!service.empty() && service.size() < 128) {
    message += '\x0a';  // field 1 (service), length-delimited
    message += static_cast<char>(service.size());
    message += service;
  }
  req.method = "POST";
  req.http2 = true;
  req.url = "http://" + authority + "/grpc.health.v1.Health/Check";
  req.headers = {{"Content-Type", "application/grpc"}, {"TE", "trailers"}};
  // The prefix: 1 byte "not compressed", then the message's length in 4 bytes, big-endian.
  req.body = std::string(4, '\0') + static_cast<char>(message.size()) + message;
  const std::string want = "grpc.health.v1 SERVING" + (service.empty() ? "" : " for " + service);
  auto r = http_.send(req);
  if (!r)
    return result("serviceReachable", subject, false, "no answer", want, r.status().message());
  std::string grpcStatus, grpcMessage;
  for (const auto& [name, value] : r.value().headers) {
    if (name == "grpc-status") grpcStatus = value;
    if (name == "grpc-message") grpcMessage = value;
  }
  const std::string& body = r.value().body;
  // The message: the byte after field 1's tag (0x08), behind the 5-byte prefix.
  int status = -1;
  if (body.size() >= 7 && body[5] == '\x08')
    status = static_cast<unsigned char>(body[6]);
  else if (body.size() == 5)
    status = 0;  // an empty message: status UNKNOWN (0)
  static const char* kNames[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  if (status < 0 || status > 3) {
    std::string why = r.value().status != 200
                          ? "HTTP " + std::to_string(r.value().status) + " (not a gRPC server?)"
                          : "grpc-status " + (grpcStatus.empty() ? "?" : grpcStatus) +
                                (grpcMessage.empty() ? "" : ": " + grpcMessage);
    return result("serviceReachable", subject, false, "no health answer", want, why);
  }
  const bool pass = status == 1;
  return result("serviceReachable", subject, pass, kNames[status], want,
                pass ? "" : "the server reports " + std::string(kNames[status]));
}

// A service the Host declares (spec.services: name, port, proto) answers at the host's address:
// a TCP connection opens, or with `http: PATH` an HTTP GET of that path gets a 2xx.
CriterionResult CriteriaRunner::serviceReachable(const Json& c, const DesiredState& desired) {
  const std::string hostName = jread::textOr(c, "host", "");
  const std::string service = jread::textOr(c, "service", "");
  const std::string subject = "Host/" + hostName + " service " + service;
  const Resource* host = desired.find({kind::kHost, hostName});
  const Json* port = nullptr;
  if (host)
    for (const auto& s : jread::array(host->spec, "services"))
      if (jread::textOr(s, "name", "") == service) port = jread::field(s, "port");
  if (!host || !port || !port->is_number_integer())
    return result("serviceReachable", subject, false, "not checked", "",
                  "Host/" + hostName + " declares no service " + service);
  const std::string address = jread::textOr(host->spec, "address", "");
  const std::string authority =
      (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
      std::to_string(port->get<int>());
  HttpRequest req;
  req.timeoutMs = parseDurationMs(jread::textOr(c, "timeout", "5s")).value_or(5000);
  if (const Json* grpc = jread::field(c, "grpc"))
    return grpcHealth(subject, authority, jread::textOr(*grpc, "service", ""), req);
  const auto path = jread::text(c, "http");
  req.url = "http://" + authority + path.value_or("/");
  req.connectOnly = !path;
  const std::string want = path ? "HTTP 2xx at " + *path : "a TCP connection";
  if (path && jread::text(c, "key")) {  // as the declared client calls it
    auto credential = keyCredentialByName(c, desired, req.url);
    if (!credential)
      return cannotRun("serviceReachable", subject, want, credential.status().message());
    req.headers.emplace_back(credential.value().header, credential.value().value);
  }
  auto r = http_.send(req);
  if (!r)
    return result("serviceReachable", subject, false, "no answer", want, r.status().message());
  if (!path)
    return result(
        "serviceReachable", subject, true,
        "connected to " + authority + " in " + std::to_string(r.value().elapsedMs) + " ms", want,
        "");
  const int got = r.value().status;
  const bool pass = got >= 200 && got < 300;
  return result("serviceReachable", subject, pass, "HTTP " + std::to_string(got), want,
                pass ? "" : "answered " + std::to_string(got) + " at " + req.url);
}

}  // namespace hx
