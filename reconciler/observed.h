// What the providers saw, as an immutable value handed to the planner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reconciler/resource.h"

namespace hx {

enum class HostStatus { kPendingInstallation, kActive, kDegraded };
inline constexpr HostStatus kAllHostStatuses[] = {HostStatus::kPendingInstallation,
                                                  HostStatus::kActive, HostStatus::kDegraded};
const char* hostStatusName(HostStatus s);
std::optional<HostStatus> parseHostStatus(const std::string& s);

enum class BreakerState { kClosed, kOpen, kHalfOpen };
inline constexpr BreakerState kAllBreakerStates[] = {BreakerState::kClosed, BreakerState::kOpen,
                                                     BreakerState::kHalfOpen};
const char* breakerStateName(BreakerState s);
std::optional<BreakerState> parseBreakerState(const std::string& s);

// A machine's network reachability (the operators' "ping"), apart from its API answering: an ICMP
// echo, or a TCP connect to a named port where unprivileged ICMP is not permitted (a refused
// connection is an answer too: the machine is up). Unreachable is the document's "requires
// investigation".
enum class ReachState { kUnknown, kReachable, kUnreachable };
const char* reachName(ReachState r);  // "unknown", "reachable", "unreachable"
struct Reachability {
  ReachState state = ReachState::kUnknown;
  std::string via;     // "icmp echo", "tcp port 22"
  std::string detail;  // "echo reply in 1 ms", "no answer in 3 s"
  int64_t latencyMs = 0;
  int64_t atMs = 0;     // the last probe (unix ms); 0: never probed
  int64_t sinceMs = 0;  // in this state since (unix ms)
};

struct HostObservation {
  HostStatus status = HostStatus::kPendingInstallation;
  int64_t since = 0;     // unix seconds of the last transition; 0 = never observed
  std::string evidence;  // "GET /healthz -> 200 in 3 ms", "connection refused"
  // Probe bookkeeping, carried from run to run through the store.
  int successes = 0;        // consecutive successful probes
  int failures = 0;         // consecutive failed probes
  std::string version;      // what the host last reported ("ollama 0.5.1")
  int64_t latencyMs = 0;    // of the last probe
  int httpStatus = 0;       // of the last probe's failing or final request (0: no answer)
  int64_t lastProbeMs = 0;  // unix ms of the last probe actually sent
  BreakerState breaker = BreakerState::kClosed;
  int64_t breakerOpenedMs = 0;
  Reachability reach;
};

// A change of a host's status, recorded with its evidence.
struct HostTransition {
  std::string host;
  HostStatus from = HostStatus::kPendingInstallation;
  HostStatus to = HostStatus::kPendingInstallation;
  int64_t at = 0;  // unix seconds
  std::string evidence;
  int httpStatus = 0;
  int64_t latencyMs = 0;
  std::string version;
};

// One object as it exists on a host, in the spec's shape (camelCase fields).
struct ObservedObject {
  ObservedObject() = default;
  ObservedObject(std::string kind_, std::string host_, std::string key_, Json fields_,
                 std::string problem_ = "")
      : kind(std::move(kind_)),
        host(std::move(host_)),
        key(std::move(key_)),
        fields(std::move(fields_)),
        problem(std::move(problem_)) {}

  std::string kind;
  std::string host;  // "" for objects not bound to one host
  std::string key;   // identity on that host: collection name, normalised model name, rule tuple
  Json fields;
  // Set when the provider sees that this object cannot reach its desired state however it is
  // applied (a server setting hxctl does not own): planned as unfixable, with this reason.
  std::string problem;
};

enum class TaskProgress { kUnknown, kCompleted };

// Where one observation happens: a kind on a host ("" for host-less kinds).
struct ObservationScope {
  std::string kind;
  std::string host;
  auto operator<=>(const ObservationScope&) const = default;
  std::string str() const { return kind + "@" + host; }  // "Collection@vector-db", for messages
};

struct ObservedState {
  std::map<std::string, HostObservation> hosts;
  std::vector<ObservedObject> objects;
  // Why a kind could not be observed on a host.
  std::map<ObservationScope, std::string> failures;
  // The scopes observed successfully, including those where nothing was found: what a cache of
  // observations replaces (an empty scope means its last object is gone).
  std::set<ObservationScope> observedScopes;
  // Why the providers could not be set up at all (nothing could be observed).
  std::string configureFailure;
  std::map<std::string, TaskProgress> tasks;  // from the last backlog evaluation
  std::vector<HostTransition> transitions;    // host status changes seen in this run

  const ObservedObject* find(const std::string& kind, const std::string& host,
                             const std::string& key) const;
  HostObservation host(const std::string& name) const;
  // Records a probe's result for `name`, and the transition when its status differs from
  // `before`. Returns whether it did.
  bool recordProbe(const std::string& name, const HostObservation& before,
                   const HostObservation& after);
};

// Formats unix seconds as "2026-11-24T01:02:03Z". Pure.
std::string formatTime(int64_t unixSeconds);

}  // namespace hx
