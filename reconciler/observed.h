// What the providers saw, as an immutable value handed to the planner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/resource.h"

namespace hx {

enum class HostStatus { kPendingInstallation, kActive, kDegraded };
const char* hostStatusName(HostStatus s);
std::optional<HostStatus> parseHostStatus(const std::string& s);

struct HostObservation {
  HostStatus status = HostStatus::kPendingInstallation;
  int64_t since = 0;     // unix seconds of the last transition; 0 = never observed
  std::string evidence;  // "GET /healthz -> 200 in 3 ms", "connection refused"
};

// One object as it exists on a host, in the spec's shape (camelCase fields).
struct ObservedObject {
  std::string kind;
  std::string host;  // "" for objects not bound to one host
  std::string key;   // identity on that host: collection name, normalised model name, rule tuple
  Json fields;
};

enum class TaskProgress { kUnknown, kCompleted };

struct ObservedState {
  std::map<std::string, HostObservation> hosts;
  std::vector<ObservedObject> objects;
  // "Collection@vector-db" -> why that kind could not be observed on that host.
  std::map<std::string, std::string> failures;
  std::map<std::string, TaskProgress> tasks;  // from the last backlog evaluation

  const ObservedObject* find(const std::string& kind, const std::string& host,
                             const std::string& key) const;
  HostObservation host(const std::string& name) const;
};

// Formats unix seconds as "2026-11-24T01:02:03Z". Pure.
std::string formatTime(int64_t unixSeconds);

}  // namespace hx
