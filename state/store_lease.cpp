// The daemons' lease and its fence (issue 21): leader election on the shared store.
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

namespace {

constexpr const char* kLease = "daemon";

Lease leaseOf(sql::Statement& q) {
  return Lease{q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
               q.getColumn(3).getInt64()};
}

}  // namespace

Result<std::optional<Lease>> Store::lease() {
  return guarded([&]() -> Result<std::optional<Lease>> {
    sql::Statement q(*db_,
                     "SELECT holder, term, renewed_ms, duration_ms FROM leases WHERE name = ?");
    q.bind(1, kLease);
    if (!q.executeStep()) return std::optional<Lease>();
    return std::optional<Lease>(leaseOf(q));
  });
}

Result<Lease> Store::tryLease(const std::string& holder, int64_t durationMs) {
  return guarded([&]() -> Result<Lease> {
    sql::Transaction tx(*db_);  // writers are serialised: two contenders never both win
    const int64_t now = clock_.nowMillis();
    sql::Statement q(*db_,
                     "SELECT holder, term, renewed_ms, duration_ms FROM leases WHERE name = ?");
    q.bind(1, kLease);
    std::optional<Lease> current;
    if (q.executeStep()) current = leaseOf(q);
    if (current && current->holder != holder && !current->expiredAt(now)) return *current;
    Lease next{holder, current ? current->term : 0, now, durationMs};
    if (!current || current->holder != holder || current->expiredAt(now)) ++next.term;
    sql::Statement put(*db_,
                       "INSERT INTO leases(name, holder, term, renewed_ms, duration_ms) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                       "holder = excluded.holder, term = excluded.term, "
                       "renewed_ms = excluded.renewed_ms, duration_ms = excluded.duration_ms");
    put.bind(1, kLease);
    put.bind(2, next.holder);
    put.bind(3, next.term);
    put.bind(4, next.renewedMs);
    put.bind(5, next.durationMs);
    put.exec();
    tx.commit();
    return next;
  });
}

Status Store::releaseLease(const std::string& holder) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "UPDATE leases SET renewed_ms = 0 WHERE name = ? AND holder = ?");
    q.bind(1, kLease);
    q.bind(2, holder);
    q.exec();
    return Status::ok();
  });
}

std::string Store::fencedUrl(const std::string& url, int64_t term) {
  if (!isUrl(url)) return url;
  const char* join = url.find('?') == std::string::npos ? "?" : "&";
  return url + join + "options=-c%20hxctl.fence_term%3D" + std::to_string(term);
}

}  // namespace hx
