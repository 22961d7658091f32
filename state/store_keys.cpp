// The audit of API keys: every key created, rotated, re-delivered, revoked or expired, with the
// run (and so who ran hxctl, where and when). Never the secret.
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Status Store::recordKeyEvent(int64_t runId, const std::string& key, const std::string& event,
                             const std::string& detail) {
  return guarded([&]() -> Status {
    sql::Statement put(
        *db_, "INSERT INTO key_events(run_id, key, event, detail, at) VALUES (?, ?, ?, ?, ?)");
    put.bind(1, runId);
    put.bind(2, key);
    put.bind(3, event);
    put.bind(4, detail);
    put.bind(5, clock_.nowSeconds());
    put.exec();
    return Status::ok();
  });
}

Result<std::vector<KeyEvent>> Store::keyEvents(const std::string& key) {
  return guarded([&]() -> Result<std::vector<KeyEvent>> {
    sql::Statement q(*db_,
                     "SELECT k.key, k.event, COALESCE(k.detail, ''), k.at, k.run_id, "
                     "r.user || '@' || r.hostname FROM key_events k JOIN runs r ON "
                     "r.id = k.run_id WHERE ? = '' OR k.key = ? ORDER BY k.at, k.id");
    q.bind(1, key);
    q.bind(2, key);
    std::vector<KeyEvent> out;
    while (q.executeStep())
      out.push_back(KeyEvent{q.getColumn(0).getString(), q.getColumn(1).getString(),
                             q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                             q.getColumn(4).getInt64(), q.getColumn(5).getString()});
    return out;
  });
}

}  // namespace hx
