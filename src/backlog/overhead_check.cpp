// `overhead {collection, via, requests?, concurrency?, max}`: what a gateway adds to a search.
// The same search is sent directly to the collection's server and through `via`, in alternating
// rounds (so that a change of load on the machine falls on both sides alike), and the medians
// are compared: the overhead is the mean of the rounds' p50 through the gateway less the mean of
// the direct ones. It passes when that is below `max` and neither side had an error. The seed's
// GW.1: "API Gateway running stable with <5ms overhead".
#include "reconciler/kinds.h"
#include "reconciler/values.h"
#include "src/backlog/check_result.h"
#include "src/backlog/criteria.h"
#include "src/backlog/key_credential.h"
#include "src/backlog/load_generator.h"
#include "src/providers/host_endpoint.h"
#include "src/providers/json_read.h"

namespace hx {

namespace {
using check_detail::result;
constexpr int kRounds = 4;
}  // namespace

CriterionResult CriteriaRunner::overhead(const Json& c, const DesiredState& desired) {
  const std::string via = jread::textOr(c, "via", "");
  const Resource* col = desired.find({kind::kCollection, jread::textOr(c, "collection", "")});
  const std::string subject = "Collection/" + jread::textOr(c, "collection", "?") + " via " + via;
  const std::string maxText = jread::textOr(c, "max", "5ms");
  const double maxMs = static_cast<double>(parseDurationMs(maxText).value_or(5));
  const std::string want = "p50 through the gateway < direct + " + maxText + ", no errors";
  if (!col) return result("overhead", subject, false, "not checked", want, "no such collection");
  const int requests = static_cast<int>(jread::integerOr(c, "requests", 400));
  const int concurrency = static_cast<int>(jread::integerOr(c, "concurrency", 1));
  LoadSpec direct, gateway;
  collectionSearch(desired, *col, std::nullopt, direct);
  collectionSearch(desired, *col, via, gateway);
  // `key`: through the gateway the searches carry that ApiKey, as its clients send it; direct,
  // the server's own key.
  if (jread::text(c, "key")) {
    auto credential = keyCredentialByName(c, desired, gateway.url);
    if (!credential)
      return check_detail::cannotRun("overhead", subject, want, credential.status().message());
    gateway.headers.emplace_back(credential.value().header, credential.value().value);
  }
  for (LoadSpec* s : {&direct, &gateway}) {
    auto auth = hostAuthFor(desired, s->url);
    s->headers.insert(s->headers.begin(), auth.begin(), auth.end());
    s->requests = std::max(1, requests / kRounds);
    s->concurrency = concurrency;
    s->loopbackOnly = loopbackOnly_;
  }
  double directP50 = 0, gatewayP50 = 0, directAvg = 0, gatewayAvg = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (bool throughGateway : {false, true}) {
      LoadReport r = runLoad(throughGateway ? gateway : direct);
      if (r.errors > 0 || r.completed == 0)
        return result("overhead", subject, false,
                      std::to_string(r.errors) + " errors " +
                          (throughGateway ? "through the gateway" : "direct"),
                      want, "first error: " + r.firstError);
      (throughGateway ? gatewayP50 : directP50) += r.p50Ms / kRounds;
      (throughGateway ? gatewayAvg : directAvg) += r.avgMs / kRounds;
    }
  }
  const double added = gatewayP50 - directP50;
  const std::string value = "p50 " + formatMs(gatewayP50) + " through the gateway, " +
                            formatMs(directP50) + " direct: +" + formatMs(std::max(0.0, added)) +
                            " (avg +" + formatMs(std::max(0.0, gatewayAvg - directAvg)) + "), " +
                            std::to_string(requests) + " searches each way";
  const bool pass = added < maxMs;
  return result("overhead", subject, pass, value, want,
                pass ? "" : "the gateway adds " + formatMs(added) + ", more than " + maxText);
}

}  // namespace hx
