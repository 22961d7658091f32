// Suspensions: resources an operator asked hxctl to leave alone for now (hxctl suspend).
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Status Store::suspend(const Suspension& s) {
  return guarded([&]() -> Status {
    sql::Statement put(*db_,
                       "INSERT INTO suspensions(resource, by, since, reason) VALUES (?, ?, ?, "
                       "?) ON CONFLICT(resource) DO UPDATE SET by = excluded.by, since = "
                       "excluded.since, reason = excluded.reason");
    put.bind(1, s.resource);
    put.bind(2, s.by);
    put.bind(3, s.since);
    put.bind(4, s.reason);
    put.exec();
    return Status::ok();
  });
}

Result<bool> Store::resume(const std::string& resource) {
  return guarded([&]() -> Result<bool> {
    sql::Statement del(*db_, "DELETE FROM suspensions WHERE resource = ?");
    del.bind(1, resource);
    return del.exec() > 0;
  });
}

Result<std::map<std::string, Suspension>> Store::suspensions() {
  return guarded([&]() -> Result<std::map<std::string, Suspension>> {
    sql::Statement q(*db_, "SELECT resource, by, since, reason FROM suspensions");
    std::map<std::string, Suspension> out;
    while (q.executeStep()) {
      Suspension s{q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(3).getString(), q.getColumn(2).getInt64()};
      out[s.resource] = s;
    }
    return out;
  });
}

}  // namespace hx
