// hxctl state migrate: a store's records copied into another (SQLite into PostgreSQL).
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

namespace {

// Every table with records, parents before children (actions refer to runs). The lock is left
// out: the copy is taken while nobody holds it, and the target's holder takes its own.
const char* const kTables[] = {"meta",
                               "runs",
                               "actions",
                               "inventory",
                               "observations",
                               "host_observations",
                               "host_transitions",
                               "task_evaluations",
                               "criterion_evidence",
                               "task_transitions",
                               "key_events",
                               "resource_backoff",
                               "issued_tokens",
                               "task_escalations",
                               "load_baselines",
                               "suspensions",
                               "host_probe_buckets"};

const char* const kWithIds[] = {
    "runs", "actions", "host_transitions", "criterion_evidence", "task_transitions", "key_events"};

}  // namespace

Result<std::vector<std::pair<std::string, int64_t>>> Store::copyTo(Store& target) {
  std::vector<std::pair<std::string, int64_t>> copied;
  try {
    if (target.readOnly_)
      return Status::error(ErrorKind::kInternal, "the target store was opened read-only");
    {
      sql::Statement runs(*target.db_, "SELECT COUNT(*) FROM runs");
      sql::Statement inventory(*target.db_, "SELECT COUNT(*) FROM inventory");
      runs.executeStep();
      inventory.executeStep();
      if (runs.getColumn(0).getInt64() > 0 || inventory.getColumn(0).getInt64() > 0)
        return Status::error(ErrorKind::kConflict,
                             "the target store already has records: migrate into an empty one");
    }
    sql::Transaction tx(*target.db_);
    // A new store has its own secret salt and no estate yet: the copy's meta replaces them.
    target.db_->exec("DELETE FROM meta");
    for (const char* table : kTables) {
      sql::Statement read(*db_, std::string("SELECT * FROM ") + table);
      std::unique_ptr<sql::Statement> write;
      int64_t n = 0;
      while (read.executeStep()) {
        if (!write) {
          std::string columns, marks;
          for (int i = 0; i < read.getColumnCount(); ++i) {
            columns += (i ? ", " : "") + read.getColumnName(i);
            marks += i ? ", ?" : "?";
          }
          write = std::make_unique<sql::Statement>(
              *target.db_,
              std::string("INSERT INTO ") + table + "(" + columns + ") VALUES (" + marks + ")");
        }
        for (int i = 0; i < read.getColumnCount(); ++i)
          std::visit(
              [&](auto&& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>)
                  write->bind(i + 1);
                else
                  write->bind(i + 1, v);
              },
              read.getParam(i));
        write->exec();
        write->reset();
        ++n;
      }
      copied.emplace_back(table, n);
    }
    for (const char* table : kWithIds) target.db_->idsCopied(table);
    tx.commit();
    return copied;
  } catch (const std::exception& e) {
    return storeError(e, "copying the store");
  }
}

}  // namespace hx
