#include "state/sql_sqlite.h"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace hx::sql {

namespace {}  // namespace

Fault sqliteFault(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Fault::kBusy;
    case SQLITE_FULL:
      return Fault::kFull;
    case SQLITE_READONLY:
      return Fault::kReadOnly;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Fault::kCorrupt;
    case SQLITE_CANTOPEN:
      return Fault::kCantOpen;
    case SQLITE_IOERR:
      return Fault::kIo;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Fault::kPermission;
    case SQLITE_CONSTRAINT:
      return Fault::kConstraint;
    default:
      return Fault::kOther;
  }
}

namespace {

// Runs `f`, turning SQLiteCpp's exceptions into sql::Error classified by the result code.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw Error(sqliteFault(e.getErrorCode()), e.what());
  }
}

class SqliteStatement : public StatementImpl {
 public:
  SqliteStatement(SQLite::Database& db, const std::string& sql)
      : q_(guarded([&] { return SQLite::Statement(db, sql); })) {}
  void bind(int index, Param value) override {
    guarded([&] {
      std::visit(
          [&](auto&& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
              q_.bind(index);
            else
              q_.bind(index, v);
          },
          value);
      return 0;
    });
  }
  bool step() override {
    return guarded([&] { return q_.executeStep(); });
  }
  int run() override {
    return guarded([&] { return q_.exec(); });
  }
  void reset() override {
    guarded([&] {
      q_.reset();
      return 0;
    });
  }
  int columnCount() const override { return q_.getColumnCount(); }
  std::string columnName(int index) const override {
    return guarded([&] { return std::string(q_.getColumnName(index)); });
  }
  Value column(int index) const override {
    return guarded([&] {
      const SQLite::Column c = q_.getColumn(index);
      switch (c.getType()) {
        case SQLITE_NULL:
          return Value();
        case SQLITE_INTEGER:
          return Value(Param(c.getInt64()));
        case SQLITE_FLOAT:
          return Value(Param(c.getDouble()));
        default:
          return Value(Param(c.getString()));
      }
    });
  }

 private:
  mutable SQLite::Statement q_;
};

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
  std::unique_ptr<StatementImpl> prepare(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(*db_, sql);
  }
  int exec(const std::string& sql) override {
    return guarded([&] { return db_->exec(sql); });
  }
  void begin() override { exec("BEGIN IMMEDIATE"); }
  void commit() override { exec("COMMIT"); }
  void rollback() override { exec("ROLLBACK"); }
  int schemaVersion() override {
    return guarded([&] { return db_->execAndGet("PRAGMA user_version").getInt(); });
  }
  void setSchemaVersion(int version) override {
    exec("PRAGMA user_version = " + std::to_string(version));
  }
  void migrate(const std::string& script) override { exec(script); }
  const char* engine() const override { return "sqlite"; }
  void idsCopied(const std::string&) override {}  // rowids go on after the highest by themselves
  SQLite::Database& database() { return *db_; }

 private:
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace

std::unique_ptr<Connection> openSqlite(const std::string& path, SqliteMode mode) {
  return guarded([&]() -> std::unique_ptr<Connection> {
    std::unique_ptr<SQLite::Database> db;
    if (mode == SqliteMode::kMemory) {
      db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    } else if (mode == SqliteMode::kReadOnly) {
      db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
      db->setBusyTimeout(10000);
    } else {
      db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db->setBusyTimeout(10000);
      db->exec("PRAGMA journal_mode=WAL");
      db->exec("PRAGMA synchronous=NORMAL");
    }
    db->exec("PRAGMA foreign_keys=ON");
    return std::make_unique<SqliteConnection>(std::move(db));
  });
}

std::unique_ptr<Connection> sqliteMemoryCopy(Connection& from) {
  auto& source = dynamic_cast<SqliteConnection&>(from);
  return guarded([&]() -> std::unique_ptr<Connection> {
    auto copy = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE);
    SQLite::Backup(*copy, source.database()).executeStep();
    copy->exec("PRAGMA foreign_keys=ON");
    return std::make_unique<SqliteConnection>(std::move(copy));
  });
}

}  // namespace hx::sql
