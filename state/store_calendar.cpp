// The backlog calendar's records: escalations and load baselines.
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Status Store::recordEscalations(const std::vector<TaskEscalation>& escalations) {
  return guarded([&]() -> Status {
    sql::Transaction tx(*db_);
    sql::Statement put(*db_,
                       "INSERT INTO task_escalations(task, status_since, status, "
                       "priority, escalated_at, why, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT DO NOTHING");
    for (const auto& e : escalations) {
      put.bind(1, e.task);
      put.bind(2, e.statusSince);
      put.bind(3, e.status);
      put.bind(4, e.priority);
      put.bind(5, e.escalatedAt);
      put.bind(6, e.why);
      put.bind(7, clock_.nowSeconds());
      put.exec();
      put.reset();
    }
    tx.commit();
    return Status::ok();
  });
}

Result<std::vector<TaskEscalation>> Store::escalations(const std::string& task) {
  return guarded([&]() -> Result<std::vector<TaskEscalation>> {
    sql::Statement q(*db_,
                     "SELECT status, priority, COALESCE(why, ''), status_since, escalated_at "
                     "FROM task_escalations WHERE task = ? ORDER BY status_since");
    q.bind(1, task);
    std::vector<TaskEscalation> out;
    while (q.executeStep())
      out.push_back(TaskEscalation{task, q.getColumn(0).getString(), q.getColumn(1).getString(),
                                   q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                                   q.getColumn(4).getInt64()});
    return out;
  });
}

Result<std::optional<LoadBaseline>> Store::loadBaseline(const std::string& key) {
  return guarded([&]() -> Result<std::optional<LoadBaseline>> {
    sql::Statement q(*db_,
                     "SELECT subject, avg_ms, p95_ms, rps, value, at FROM load_baselines "
                     "WHERE key = ?");
    q.bind(1, key);
    if (!q.executeStep()) return std::optional<LoadBaseline>{};
    LoadBaseline b;
    b.key = key;
    b.subject = q.getColumn(0).getString();
    b.avgMs = q.getColumn(1).getDouble();
    b.p95Ms = q.getColumn(2).getDouble();
    b.rps = q.getColumn(3).getDouble();
    b.value = q.getColumn(4).getString();
    b.at = q.getColumn(5).getInt64();
    return std::optional<LoadBaseline>(b);
  });
}

Status Store::putLoadBaseline(const LoadBaseline& b) {
  return guarded([&]() -> Status {
    sql::Statement put(*db_,
                       "INSERT INTO load_baselines(key, subject, avg_ms, p95_ms, rps, value, "
                       "at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                       "subject = excluded.subject, avg_ms = excluded.avg_ms, p95_ms = "
                       "excluded.p95_ms, rps = excluded.rps, value = excluded.value, at = "
                       "excluded.at");
    put.bind(1, b.key);
    put.bind(2, b.subject);
    put.bind(3, b.avgMs);
    put.bind(4, b.p95Ms);
    put.bind(5, b.rps);
    put.bind(6, b.value);
    put.bind(7, b.at);
    put.exec();
    return Status::ok();
  });
}

}  // namespace hx
