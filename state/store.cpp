// Opening, migrating, and the run / action history.
#include "state/store.h"

#include <filesystem>
#include <random>

#include "state/migrations.h"
#include "state/sql_postgres.h"
#include "state/sql_sqlite.h"
#include "state/store_error.h"

namespace hx {

Store::Store(std::unique_ptr<sql::Connection> db, Clock& clock)
    : db_(std::move(db)), clock_(clock) {}
Store::~Store() = default;

std::string Store::shown(const std::string& location) { return sql::redactedUrl(location); }

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Clock& clock) {
  const std::string shown = sql::redactedUrl(path);
  try {
    std::unique_ptr<Store> store(new Store(sql::isPostgresUrl(path)
                                               ? sql::openPostgres(path, false)
                                               : sql::openSqlite(path, sql::SqliteMode::kReadWrite),
                                           clock));
    Status migrated = store->migrate();
    if (!migrated) return migrated.withContext("cannot open state store " + shown);
    return store;
  } catch (const std::exception& e) {
    return storeError(e, "cannot open state store " + shown);
  }
}

Result<std::unique_ptr<Store>> Store::openReadOnly(const std::string& path, Clock& clock,
                                                   bool* missing) {
  const std::string context = "cannot read state store " + sql::redactedUrl(path);
  try {
    if (sql::isPostgresUrl(path)) {
      // A shared store is never "missing": an empty database reads as a new store.
      if (missing) *missing = false;
      std::unique_ptr<Store> store(new Store(sql::openPostgres(path, true), clock));
      store->readOnly_ = true;
      const int version = store->schemaVersion();
      if (version != kSchemaVersion)
        return Status::error(
            ErrorKind::kConflict,
            context + ": it has schema version " + std::to_string(version) + " and this hxctl " +
                std::to_string(kSchemaVersion) +
                (version < kSchemaVersion ? "; run apply or start the daemon" : "; upgrade hxctl"));
      return store;
    }
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (missing) *missing = !exists;
    std::unique_ptr<sql::Connection> db;
    if (exists) {
      db = sql::openSqlite(path, sql::SqliteMode::kReadOnly);
      const int version = db->schemaVersion();
      if (version > kSchemaVersion)
        return Status::error(ErrorKind::kConflict,
                             context + ": it has schema version " + std::to_string(version) +
                                 ", newer than this hxctl understands (" +
                                 std::to_string(kSchemaVersion) + "); upgrade hxctl");
      // Older: read a migrated copy rather than migrate the file (that is apply's to do).
      if (version < kSchemaVersion) db = sql::sqliteMemoryCopy(*db);
    } else {
      db = sql::openSqlite("", sql::SqliteMode::kMemory);
    }
    std::unique_ptr<Store> store(new Store(std::move(db), clock));
    store->readOnly_ = true;
    if (store->schemaVersion() < kSchemaVersion) {
      Status migrated = store->migrate();
      if (!migrated) return migrated.withContext(context);
    }
    return store;
  } catch (const std::exception& e) {
    return storeError(e, context);
  }
}

bool Store::isUrl(const std::string& location) { return sql::isPostgresUrl(location); }

int Store::schemaVersion() {
  try {
    return db_->schemaVersion();
  } catch (const std::exception&) {
    return -1;
  }
}

Status Store::migrate() {
  return guarded([&]() -> Status {
    int current = schemaVersion();
    if (current > kSchemaVersion)
      return Status::error(ErrorKind::kConflict,
                           "state store has schema version " + std::to_string(current) +
                               ", newer than this hxctl understands (" +
                               std::to_string(kSchemaVersion) + "); upgrade hxctl");
    for (const auto& step : migrations()) {
      if (step.version <= current) continue;
      sql::Transaction tx(*db_);
      // Another process may have migrated while we waited for the write lock.
      if (db_->schemaVersion() >= step.version) continue;
      const bool postgres = std::string(db_->engine()) == "postgres";
      db_->migrate(postgres && step.postgres ? step.postgres : step.sql);
      db_->setSchemaVersion(step.version);
      tx.commit();
    }
    return Status::ok();
  });
}

Result<int64_t> Store::beginRun(const RunInfo& info) {
  return guarded([&]() -> Result<int64_t> {
    sql::Statement q(*db_,
                     "INSERT INTO runs(started_at, user, hostname, pid, command, spec_digest, "
                     "started_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    q.bind(1, clock_.nowSeconds());
    q.bind(7, clock_.nowMillis());
    q.bind(2, info.user);
    q.bind(3, info.hostname);
    q.bind(4, info.pid);
    q.bind(5, info.command);
    q.bind(6, info.specDigest);
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

Status Store::endRun(int64_t runId, int exitCode, const std::string& status,
                     const std::string& summary) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_,
                     "UPDATE runs SET ended_at = ?, exit_code = ?, status = ?, summary = ?, "
                     "duration_ms = ? - started_ms WHERE id = ?");
    q.bind(1, clock_.nowSeconds());
    q.bind(2, exitCode);
    q.bind(3, status);
    q.bind(4, summary);
    q.bind(5, clock_.nowMillis());
    q.bind(6, runId);
    q.exec();
    return Status::ok();
  });
}

Status Store::beginBatch() {
  if (inBatch_) return Status::ok();
  try {
    db_->begin();
    inBatch_ = true;
    return Status::ok();
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Status Store::commitBatch() {
  if (!inBatch_) return Status::ok();
  inBatch_ = false;
  try {
    db_->commit();
    return Status::ok();
  } catch (const std::exception& e) {
    // A failed COMMIT may leave the transaction open: end it, so the store stays usable.
    try {
      db_->rollback();
    } catch (const std::exception&) {
    }
    return storeError(e);
  }
}

Result<int64_t> Store::actionStarted(int64_t runId, const PlanAction& action) {
  return guarded([&]() -> Result<int64_t> {
    sql::Statement q(*db_,
                     "INSERT INTO actions(run_id, resource, action, status, reason, started_at) "
                     "VALUES (?, ?, ?, 'started', ?, ?) RETURNING id");
    q.bind(1, runId);
    q.bind(2, action.id.str());
    q.bind(3, actionTypeName(action.type));
    q.bind(4, action.reason);
    q.bind(5, clock_.nowSeconds());
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

Status Store::actionFinished(int64_t actionId, const std::string& status, const Status& error,
                             int attempts, int64_t durationMs) {
  return guarded([&]() -> Status {
    sql::Statement q(*db_,
                     "UPDATE actions SET status = ?, error = ?, error_kind = ?, attempts = ?, "
                     "ended_at = ?, duration_ms = ? WHERE id = ?");
    q.bind(1, status);
    if (error.isOk()) {
      q.bind(2);
      q.bind(3);
    } else {
      q.bind(2, error.message());
      q.bind(3, errorKindName(error.kind()));
    }
    q.bind(4, attempts);
    q.bind(5, clock_.nowSeconds());
    q.bind(6, durationMs);
    q.bind(7, actionId);
    q.exec();
    return Status::ok();
  });
}

Status Store::recordAction(int64_t runId, const PlanAction& action, const std::string& status,
                           const std::string& why) {
  auto id = actionStarted(runId, action);
  if (!id) return id.status();
  try {
    sql::Statement q(*db_,
                     "UPDATE actions SET status = ?, error = ?, ended_at = started_at, "
                     "duration_ms = 0 WHERE id = ?");
    q.bind(1, status);
    if (why.empty())
      q.bind(2);
    else
      q.bind(2, why);
    q.bind(3, id.value());
    q.exec();
    return Status::ok();
  } catch (const std::exception& e) {
    return storeError(e);
  }
}

Result<int> Store::recoverInterrupted() {
  return guarded([&]() -> Result<int> {
    sql::Transaction tx(*db_);
    int n = db_->exec(
        "UPDATE actions SET status = 'interrupted', "
        "error = 'the process running this action stopped before recording its result' "
        "WHERE status = 'started' AND run_id IN "
        "(SELECT id FROM runs WHERE status = 'running' AND command IN ('apply', 'daemon'))");
    sql::Statement q(*db_,
                     "UPDATE runs SET status = 'interrupted', ended_at = ? "
                     "WHERE status = 'running' AND command IN ('apply', 'daemon')");
    q.bind(1, clock_.nowSeconds());
    q.exec();
    tx.commit();
    return n;
  });
}

Status Store::interruptRunsOf(const std::string& hostname, int pid, int exitCode) {
  return guarded([&]() -> Status {
    sql::Transaction tx(*db_);
    const char* mine = "SELECT id FROM runs WHERE status = 'running' AND hostname = ? AND pid = ?";
    sql::Statement actions(*db_,
                           std::string("UPDATE actions SET status = 'interrupted', error = 'the "
                                       "process was stopped at once by a second signal' WHERE "
                                       "status = 'started' AND run_id IN (") +
                               mine + ")");
    actions.bind(1, hostname);
    actions.bind(2, pid);
    actions.exec();
    sql::Statement runs(*db_, std::string("UPDATE runs SET status = 'interrupted', exit_code = ?, "
                                          "ended_at = ? WHERE id IN (") +
                                  mine + ")");
    runs.bind(1, exitCode);
    runs.bind(2, clock_.nowSeconds());
    runs.bind(3, hostname);
    runs.bind(4, pid);
    runs.exec();
    tx.commit();
    return Status::ok();
  });
}

Result<std::vector<RunRecord>> Store::runs(int limit) {
  return guarded([&]() -> Result<std::vector<RunRecord>> {
    sql::Statement q(*db_,
                     "SELECT id, started_at, COALESCE(ended_at, 0), user, hostname, pid, "
                     "command, COALESCE(spec_digest, ''), status, exit_code, "
                     "COALESCE(summary, ''), "
                     "COALESCE(duration_ms, 1000 * (ended_at - started_at), 0) "
                     "FROM runs ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<RunRecord> out;
    while (q.executeStep()) {
      RunRecord r;
      r.id = q.getColumn(0).getInt64();
      r.startedAt = q.getColumn(1).getInt64();
      r.endedAt = q.getColumn(2).getInt64();
      r.user = q.getColumn(3).getString();
      r.hostname = q.getColumn(4).getString();
      r.pid = q.getColumn(5).getInt();
      r.command = q.getColumn(6).getString();
      r.specDigest = q.getColumn(7).getString();
      r.status = q.getColumn(8).getString();
      if (!q.getColumn(9).isNull()) r.exitCode = q.getColumn(9).getInt();
      r.summary = q.getColumn(10).getString();
      r.durationMs = q.getColumn(11).getInt64();
      out.push_back(std::move(r));
    }
    return out;
  });
}

namespace {
constexpr const char* kActionColumns =
    "SELECT id, run_id, resource, action, status, COALESCE(reason, ''), COALESCE(error, ''), "
    "COALESCE(error_kind, ''), attempts, started_at, COALESCE(ended_at, 0), "
    "COALESCE(duration_ms, 0) FROM actions ";
}  // namespace

Result<std::vector<ActionRecord>> Store::actions(int64_t runId) {
  return actionRows("WHERE run_id = ? ORDER BY id", std::to_string(runId), 1000000000);
}

Result<std::vector<ActionRecord>> Store::actions(int64_t runId, int limit) {
  return actionRows("WHERE run_id = ? ORDER BY id LIMIT ?", std::to_string(runId), limit);
}

Result<int64_t> Store::actionCount(int64_t runId) {
  return guarded([&]() -> Result<int64_t> {
    sql::Statement q(*db_, "SELECT COUNT(*) FROM actions WHERE run_id = ?");
    q.bind(1, runId);
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

Result<std::vector<ActionRecord>> Store::actionsOf(const std::string& resource, int limit) {
  return actionRows("WHERE resource = ? ORDER BY id DESC LIMIT ?", resource, limit);
}

Result<std::vector<ActionRecord>> Store::actionRows(const std::string& where,
                                                    const std::string& key, int limit) {
  return guarded([&]() -> Result<std::vector<ActionRecord>> {
    sql::Statement q(*db_, std::string(kActionColumns) + where);
    q.bind(1, key);
    if (where.find("LIMIT") != std::string::npos) q.bind(2, limit);
    std::vector<ActionRecord> out;
    while (q.executeStep()) {
      ActionRecord a;
      a.id = q.getColumn(0).getInt64();
      a.runId = q.getColumn(1).getInt64();
      a.resource = q.getColumn(2).getString();
      a.action = q.getColumn(3).getString();
      a.status = q.getColumn(4).getString();
      a.reason = q.getColumn(5).getString();
      a.error = q.getColumn(6).getString();
      a.errorKind = q.getColumn(7).getString();
      a.attempts = q.getColumn(8).getInt();
      a.startedAt = q.getColumn(9).getInt64();
      a.endedAt = q.getColumn(10).getInt64();
      a.durationMs = q.getColumn(11).getInt64();
      out.push_back(std::move(a));
    }
    return out;
  });
}

Result<std::optional<std::string>> Store::estate() {
  return guarded([&]() -> Result<std::optional<std::string>> {
    sql::Statement get(*db_, "SELECT value FROM meta WHERE key = 'estate'");
    if (get.executeStep()) return std::optional<std::string>(get.getColumn(0).getString());
    return std::optional<std::string>();
  });
}

Status Store::setEstate(const std::string& estate) {
  return guarded([&]() -> Status {
    sql::Statement put(*db_,
                       "INSERT INTO meta(key, value) VALUES ('estate', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    put.bind(1, estate);
    put.exec();
    return Status::ok();
  });
}

namespace {

std::string randomSalt() {
  std::random_device rd;
  std::string salt;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 64; ++i) salt += kHex[rd() % 16];
  return salt;
}

}  // namespace

Result<std::string> Store::secretSalt() {
  return guarded([&]() -> Result<std::string> {
    if (readOnly_) {
      // No salt recorded means no secret digest recorded either: any salt compares the same.
      sql::Statement get(*db_, "SELECT value FROM meta WHERE key = 'secret_salt'");
      if (get.executeStep()) return get.getColumn(0).getString();
      if (ephemeralSalt_.empty()) ephemeralSalt_ = randomSalt();
      return ephemeralSalt_;
    }
    sql::Transaction tx(*db_);
    sql::Statement get(*db_, "SELECT value FROM meta WHERE key = 'secret_salt'");
    if (get.executeStep()) return get.getColumn(0).getString();
    std::string salt = randomSalt();
    sql::Statement put(*db_, "INSERT INTO meta(key, value) VALUES ('secret_salt', ?)");
    put.bind(1, salt);
    put.exec();
    tx.commit();
    return salt;
  });
}

}  // namespace hx
