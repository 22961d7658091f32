// The daemon's per-resource back-off records (reconciler/backoff.h decides their values).
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Status Store::putBackoff(const std::string& resource, const Backoff& backoff) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_,
                     "INSERT INTO resource_backoff(resource, failures, next_retry_at, "
                     "last_error, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(resource) "
                     "DO UPDATE SET failures = excluded.failures, next_retry_at = "
                     "excluded.next_retry_at, last_error = excluded.last_error, updated_at = "
                     "excluded.updated_at");
    q.bind(1, resource);
    q.bind(2, backoff.failures);
    q.bind(3, backoff.nextRetryAt);
    q.bind(4, backoff.lastError);
    q.bind(5, clock_.nowSeconds());
    q.exec();
    return Status::ok();
  });
}

Status Store::clearBackoff(const std::string& resource) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "DELETE FROM resource_backoff WHERE resource = ?");
    q.bind(1, resource);
    q.exec();
    return Status::ok();
  });
}

Result<std::map<std::string, Backoff>> Store::backoffs() {
  return guarded([&]() -> Result<std::map<std::string, Backoff>> {
    std::map<std::string, Backoff> out;
    sql::Statement q(*db_,
                     "SELECT resource, failures, next_retry_at, COALESCE(last_error, '') "
                     "FROM resource_backoff ORDER BY resource");
    while (q.executeStep()) {
      Backoff b;
      b.failures = q.getColumn(1).getInt();
      b.nextRetryAt = q.getColumn(2).getInt64();
      b.lastError = q.getColumn(3).getString();
      out[q.getColumn(0).getString()] = b;
    }
    return out;
  });
}

}  // namespace hx
