// The single-writer lock: one row, taken inside an IMMEDIATE transaction so two processes can
// never both see it free.
#include <random>

#include "state/store.h"
#include "state/store_error.h"

namespace hx {

namespace {

std::string newLockId() {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 12; ++i) id += kHex[rd() % 16];
  return id;
}

LockInfo readLock(sql::Statement& q) {
  LockInfo l;
  l.lockId = q.getColumn(0).getString();
  l.holder = q.getColumn(1).getString();
  l.hostname = q.getColumn(2).getString();
  l.pid = q.getColumn(3).getInt();
  l.operation = q.getColumn(4).getString();
  l.startedAt = q.getColumn(5).getInt64();
  l.heartbeatAt = q.getColumn(6).getInt64();
  return l;
}

constexpr const char* kSelectLock =
    "SELECT lock_id, holder, hostname, pid, operation, started_at, heartbeat_at FROM lock "
    "WHERE id = 1";
}  // namespace

std::string describeLock(const LockInfo& l) {
  return "lock " + l.lockId + " held by " + l.holder + " (" + l.operation + ", pid " +
         std::to_string(l.pid) + " on " + l.hostname + ", since " + formatTime(l.startedAt) +
         ", last heartbeat " + formatTime(l.heartbeatAt) + ")";
}

Result<LockInfo> Store::acquireLock(const std::string& operation, const RunInfo& who) {
  return guarded([&]() -> Result<LockInfo> {
    sql::Transaction tx(*db_);
    sql::Statement current(*db_, kSelectLock);
    if (current.executeStep()) {
      LockInfo held = readLock(current);
      return Status::error(ErrorKind::kConflict,
                           "the state store is locked: " + describeLock(held));
    }
    LockInfo mine;
    mine.lockId = newLockId();
    mine.holder = who.user;
    mine.hostname = who.hostname;
    mine.pid = who.pid;
    mine.operation = operation;
    mine.startedAt = mine.heartbeatAt = clock_.nowSeconds();
    sql::Statement put(*db_,
                       "INSERT INTO lock(id, lock_id, holder, hostname, pid, operation, "
                       "started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
    put.bind(1, mine.lockId);
    put.bind(2, mine.holder);
    put.bind(3, mine.hostname);
    put.bind(4, mine.pid);
    put.bind(5, mine.operation);
    put.bind(6, mine.startedAt);
    put.bind(7, mine.heartbeatAt);
    put.exec();
    tx.commit();
    return mine;
  });
}

Status Store::heartbeat(const std::string& lockId) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "UPDATE lock SET heartbeat_at = ? WHERE lock_id = ?");
    q.bind(1, clock_.nowSeconds());
    q.bind(2, lockId);
    if (q.exec() == 0)
      return Status::error(ErrorKind::kConflict, "lock " + lockId + " is no longer held");
    return Status::ok();
  });
}

Status Store::releaseLock(const std::string& lockId) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "DELETE FROM lock WHERE lock_id = ?");
    q.bind(1, lockId);
    q.exec();
    return Status::ok();
  });
}

Result<std::optional<LockInfo>> Store::currentLock() {
  return guarded([&]() -> Result<std::optional<LockInfo>> {
    sql::Statement q(*db_, kSelectLock);
    if (q.executeStep()) return std::optional<LockInfo>(readLock(q));
    return std::optional<LockInfo>();
  });
}

Status Store::forceUnlock(const std::string& lockId) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_, "DELETE FROM lock WHERE lock_id = ?");
    q.bind(1, lockId);
    if (q.exec() == 0)
      return Status::error(ErrorKind::kNotFound, "no lock with ID " + lockId + " is held");
    return Status::ok();
  });
}

}  // namespace hx
