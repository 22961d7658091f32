// The inventory (authoritative) and the observation cache (disposable).
#include <set>
#include <vector>

#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Result<Inventory> Store::inventory() {
  return guarded([&]() -> Result<Inventory> {
    sql::Statement q(*db_,
                     "SELECT kind, name, host, key, origin, COALESCE(spec_digest, ''), "
                     "COALESCE(source_file, '') FROM inventory ORDER BY resource");
    Inventory inv;
    while (q.executeStep()) {
      InventoryEntry e;
      e.id = ResourceId{q.getColumn(0).getString(), q.getColumn(1).getString()};
      e.host = q.getColumn(2).getString();
      e.key = q.getColumn(3).getString();
      e.origin = q.getColumn(4).getString();
      e.specDigest = q.getColumn(5).getString();
      e.sourceFile = q.getColumn(6).getString();
      inv.entries.push_back(std::move(e));
    }
    return inv;
  });
}

Status Store::putInventory(const InventoryEntry& entry, bool confirmed) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_,
                     "INSERT INTO inventory(resource, kind, name, host, key, origin, "
                     "spec_digest, confirmed, created_at, updated_at, source_file) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, '')) "
                     "ON CONFLICT(resource) DO UPDATE SET host = excluded.host, "
                     "key = excluded.key, origin = excluded.origin, "
                     "spec_digest = excluded.spec_digest, confirmed = excluded.confirmed, "
                     "updated_at = excluded.updated_at, "
                     "source_file = COALESCE(excluded.source_file, inventory.source_file)");
    int64_t now = clock_.nowSeconds();
    q.bind(1, entry.id.str());
    q.bind(2, entry.id.kind);
    q.bind(3, entry.id.name);
    q.bind(4, entry.host);
    q.bind(5, entry.key);
    q.bind(6, entry.origin);
    q.bind(7, entry.specDigest);
    q.bind(8, confirmed ? 1 : 0);
    q.bind(9, now);
    q.bind(10, now);
    q.bind(11, entry.sourceFile);
    q.exec();
    return Status::ok();
  });
}

Status Store::removeInventory(const ResourceId& id) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "DELETE FROM inventory WHERE resource = ?");
    q.bind(1, id.str());
    q.exec();
    return Status::ok();
  });
}

Status Store::saveObservations(const ObservedState& observed) {
  return guarded([&]() -> Status {
    sql::Transaction tx(*db_);
    int64_t now = clock_.nowSeconds();
    // Replace the cache per (kind, host) that was observed successfully, empty ones included (their
    // last object is gone); keep what could not be observed.
    std::set<std::pair<std::string, std::string>> scopes;
    for (const auto& s : observed.observedScopes) scopes.emplace(s.kind, s.host);
    for (const auto& o : observed.objects) scopes.emplace(o.kind, o.host);
    sql::Statement wipe(*db_, "DELETE FROM observations WHERE kind = ? AND host = ?");
    for (const auto& [kind, host] : scopes) {
      wipe.bind(1, kind);
      wipe.bind(2, host);
      wipe.exec();
      wipe.reset();
    }
    sql::Statement put(*db_,
                       "INSERT INTO observations(kind, host, key, fields_json, observed_at, "
                       "problem) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kind, host, key) DO "
                       "UPDATE SET fields_json = excluded.fields_json, observed_at = "
                       "excluded.observed_at, problem = excluded.problem");
    std::vector<std::string> dumped;
    dumped.reserve(observed.objects.size());
    for (const auto& o : observed.objects) {
      dumped.push_back(o.fields.dump());
      put.bind(1, o.kind);
      put.bind(2, o.host);
      put.bind(3, o.key);
      put.bind(4, dumped.back());
      put.bind(5, now);
      if (o.problem.empty())
        put.bind(6);
      else
        put.bind(6, o.problem);
      put.exec();
      put.reset();
    }
    sql::Statement owned(*db_,
                         "UPDATE inventory SET observed_json = ?, observed_at = ? "
                         "WHERE kind = ? AND host = ? AND key = ?");
    for (size_t i = 0; i < observed.objects.size(); ++i) {
      const auto& o = observed.objects[i];
      owned.bind(1, dumped[i]);
      owned.bind(2, now);
      owned.bind(3, o.kind);
      owned.bind(4, o.host);
      owned.bind(5, o.key);
      owned.exec();
      owned.reset();
    }
    sql::Statement host(*db_,
                        "INSERT INTO host_observations(host, status, since, evidence, "
                        "observed_at, successes, failures, version, latency_ms, http_status, "
                        "last_probe_ms, breaker, breaker_opened_ms, reach_json) VALUES (?, ?, ?, "
                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(host) DO UPDATE SET status = "
                        "excluded.status, since = excluded.since, evidence = excluded.evidence, "
                        "observed_at = excluded.observed_at, successes = excluded.successes, "
                        "failures = excluded.failures, version = excluded.version, latency_ms = "
                        "excluded.latency_ms, http_status = excluded.http_status, last_probe_ms "
                        "= excluded.last_probe_ms, breaker = excluded.breaker, "
                        "breaker_opened_ms = excluded.breaker_opened_ms, reach_json = "
                        "excluded.reach_json");
    for (const auto& [name, h] : observed.hosts) {
      host.bind(1, name);
      host.bind(2, hostStatusName(h.status));
      host.bind(3, h.since);
      host.bind(4, h.evidence);
      host.bind(5, now);
      host.bind(6, h.successes);
      host.bind(7, h.failures);
      host.bind(8, h.version);
      host.bind(9, h.latencyMs);
      host.bind(10, h.httpStatus);
      host.bind(11, h.lastProbeMs);
      host.bind(12, breakerStateName(h.breaker));
      host.bind(13, h.breakerOpenedMs);
      if (h.reach.atMs || !h.reach.detail.empty())
        host.bind(14, Json{{"state", reachName(h.reach.state)},
                           {"via", h.reach.via},
                           {"detail", h.reach.detail},
                           {"latency_ms", h.reach.latencyMs},
                           {"at_ms", h.reach.atMs},
                           {"since_ms", h.reach.sinceMs}}
                          .dump(-1, ' ', false, Json::error_handler_t::replace));
      else
        host.bind(14);
      host.exec();
      host.reset();
    }
    // A probe counts once in its bucket: a host saved again with the same last probe (each cycle
    // saves every host) changes nothing.
    sql::Statement bucket(
        *db_,
        "INSERT INTO host_probe_buckets(host, bucket, ok, failed, status, last_probe_ms) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(host, bucket) DO UPDATE SET "
        "ok = host_probe_buckets.ok + excluded.ok, failed = host_probe_buckets.failed + "
        "excluded.failed, "
        "status = excluded.status, "
        "last_probe_ms = excluded.last_probe_ms "
        "WHERE excluded.last_probe_ms > host_probe_buckets.last_probe_ms");
    for (const auto& [name, h] : observed.hosts) {
      if (h.lastProbeMs <= 0) continue;
      const int64_t seconds = h.lastProbeMs / 1000;
      bucket.bind(1, name);
      bucket.bind(2, seconds - seconds % ProbeBucket::kSeconds);
      bucket.bind(3, h.failures == 0 ? 1 : 0);
      bucket.bind(4, h.failures == 0 ? 0 : 1);
      bucket.bind(5, hostStatusName(h.status));
      bucket.bind(6, h.lastProbeMs);
      bucket.exec();
      bucket.reset();
    }
    if (!observed.hosts.empty()) {
      sql::Statement prune(*db_, "DELETE FROM host_probe_buckets WHERE bucket < ?");
      prune.bind(1, now - 8 * 86400);
      prune.exec();
    }
    sql::Statement transition(*db_,
                              "INSERT INTO host_transitions(host, from_status, to_status, at, "
                              "evidence, http_status, latency_ms, version) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& t : observed.transitions) {
      transition.bind(1, t.host);
      transition.bind(2, hostStatusName(t.from));
      transition.bind(3, hostStatusName(t.to));
      transition.bind(4, t.at);
      transition.bind(5, t.evidence);
      transition.bind(6, t.httpStatus);
      transition.bind(7, t.latencyMs);
      transition.bind(8, t.version);
      transition.exec();
      transition.reset();
    }
    tx.commit();
    return Status::ok();
  });
}

Status Store::forgetObservations(const std::string& kind, const std::string& host) {
  return guarded([&]() -> Status {
    sql::Statement wipe(*db_, "DELETE FROM observations WHERE kind = ? AND host = ?");
    wipe.bind(1, kind);
    wipe.bind(2, host);
    wipe.exec();
    return Status::ok();
  });
}

Result<std::vector<HostTransition>> Store::hostTransitions(const std::string& host, int limit) {
  return guarded([&]() -> Result<std::vector<HostTransition>> {
    sql::Statement q(*db_,
                     "SELECT host, from_status, to_status, at, COALESCE(evidence, ''), "
                     "COALESCE(http_status, 0), COALESCE(latency_ms, 0), COALESCE(version, '') "
                     "FROM host_transitions WHERE host = ? ORDER BY id DESC LIMIT ?");
    q.bind(1, host);
    q.bind(2, limit);
    std::vector<HostTransition> out;
    while (q.executeStep()) {
      HostTransition t;
      t.host = q.getColumn(0).getString();
      t.from =
          parseHostStatus(q.getColumn(1).getString()).value_or(HostStatus::kPendingInstallation);
      t.to = parseHostStatus(q.getColumn(2).getString()).value_or(HostStatus::kPendingInstallation);
      t.at = q.getColumn(3).getInt64();
      t.evidence = q.getColumn(4).getString();
      t.httpStatus = q.getColumn(5).getInt();
      t.latencyMs = q.getColumn(6).getInt64();
      t.version = q.getColumn(7).getString();
      out.push_back(std::move(t));
    }
    return out;
  });
}

Result<std::vector<ProbeBucket>> Store::probeBuckets(const std::string& host, int64_t since) {
  return guarded([&]() -> Result<std::vector<ProbeBucket>> {
    sql::Statement q(*db_,
                     "SELECT bucket, ok, failed, status FROM host_probe_buckets "
                     "WHERE host = ? AND bucket >= ? ORDER BY bucket");
    q.bind(1, host);
    q.bind(2, since - since % ProbeBucket::kSeconds);
    std::vector<ProbeBucket> out;
    while (q.executeStep()) {
      ProbeBucket b;
      b.start = q.getColumn(0).getInt64();
      b.ok = q.getColumn(1).getInt();
      b.failed = q.getColumn(2).getInt();
      b.status =
          parseHostStatus(q.getColumn(3).getString()).value_or(HostStatus::kPendingInstallation);
      out.push_back(b);
    }
    return out;
  });
}

Result<ObservedState> Store::loadObservations(bool withObjects) {
  return guarded([&]() -> Result<ObservedState> {
    ObservedState out;
    sql::Statement q(
        *db_, "SELECT kind, host, key, fields_json, COALESCE(problem, '') FROM observations");
    while (withObjects && q.executeStep()) {
      out.objects.push_back(ObservedObject{
          q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          Json::parse(q.getColumn(3).getString()), q.getColumn(4).getString()});
    }
    sql::Statement h(*db_,
                     "SELECT host, status, since, COALESCE(evidence, ''), successes, failures, "
                     "COALESCE(version, ''), COALESCE(latency_ms, 0), COALESCE(http_status, 0), "
                     "COALESCE(last_probe_ms, 0), breaker, COALESCE(breaker_opened_ms, 0), "
                     "COALESCE(reach_json, '') FROM host_observations");
    while (h.executeStep()) {
      HostObservation obs;
      obs.status =
          parseHostStatus(h.getColumn(1).getString()).value_or(HostStatus::kPendingInstallation);
      obs.since = h.getColumn(2).getInt64();
      obs.evidence = h.getColumn(3).getString();
      obs.successes = h.getColumn(4).getInt();
      obs.failures = h.getColumn(5).getInt();
      obs.version = h.getColumn(6).getString();
      obs.latencyMs = h.getColumn(7).getInt64();
      obs.httpStatus = h.getColumn(8).getInt();
      obs.lastProbeMs = h.getColumn(9).getInt64();
      obs.breaker = parseBreakerState(h.getColumn(10).getString()).value_or(BreakerState::kClosed);
      obs.breakerOpenedMs = h.getColumn(11).getInt64();
      // Written by hxctl, but read defensively: a row that is not the object it wrote is unknown.
      const Json reach = Json::parse(h.getColumn(12).getString(), nullptr, false);
      if (reach.is_object()) {
        auto text = [&](const char* k) {
          return reach.contains(k) && reach[k].is_string() ? reach[k].get<std::string>() : "";
        };
        auto number = [&](const char* k) {
          return reach.contains(k) && reach[k].is_number_integer() ? reach[k].get<int64_t>() : 0;
        };
        const std::string state = text("state");
        obs.reach.state = state == "reachable"     ? ReachState::kReachable
                          : state == "unreachable" ? ReachState::kUnreachable
                                                   : ReachState::kUnknown;
        obs.reach.via = text("via");
        obs.reach.detail = text("detail");
        obs.reach.latencyMs = number("latency_ms");
        obs.reach.atMs = number("at_ms");
        obs.reach.sinceMs = number("since_ms");
      }
      out.hosts[h.getColumn(0).getString()] = obs;
    }
    return out;
  });
}

}  // namespace hx
