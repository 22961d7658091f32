// The store's one view of a SQL database, so that the same store code, migrations and semantics
// run on SQLite (the embedded default, sql_sqlite.cpp) and on PostgreSQL (a shared store for
// several daemons: sql_postgres.cpp). The API mirrors SQLiteCpp's, which the store was written
// against: Statement(db, sql), bind(i, v), executeStep(), exec(), getColumn(i).getInt64().
//
// Statements use `?` placeholders and SQL both engines speak (INSERT ... ON CONFLICT, RETURNING);
// migrations are written for SQLite and a driver translates their column types.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

namespace hx::sql {

// What went wrong, as the driver classifies its own codes (SQLite's result codes, PostgreSQL's
// SQLSTATE): the store turns it into a Status without reading any message.
enum class Fault {
  kBusy,        // another writer holds it; or a serialization conflict: retry
  kFull,        // no space
  kReadOnly,    // the file, the file system or the session is read-only
  kCorrupt,     // not an hxctl store, or damaged
  kCantOpen,    // cannot open or reach it
  kIo,          // an I/O error
  kPermission,  // refused: permissions, authentication
  kConstraint,  // a write the schema refused
  kStaleTerm,   // a write fenced off: another daemon leads now
  kOther,
};

class Error : public std::runtime_error {
 public:
  Error(Fault fault, const std::string& what) : std::runtime_error(what), fault_(fault) {}
  Fault fault() const { return fault_; }

 private:
  Fault fault_;
};

using Param = std::variant<std::monostate, int64_t, double, std::string>;

// One column of the current row.
class Value {
 public:
  Value() = default;
  explicit Value(Param v) : v_(std::move(v)) {}
  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }
  int64_t getInt64() const;
  int getInt() const { return static_cast<int>(getInt64()); }
  double getDouble() const;
  std::string getString() const;
  const Param& param() const { return v_; }

 private:
  Param v_;
};

class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind(int index, Param value) = 0;  // 1-based, as SQLite's
  virtual bool step() = 0;                        // true: a row is there to read
  virtual int run() = 0;                          // to completion; rows changed
  virtual void reset() = 0;                       // ready to run again; bindings kept
  virtual Value column(int index) const = 0;      // 0-based, as SQLite's
  // After the first step: the result's columns.
  virtual int columnCount() const = 0;
  virtual std::string columnName(int index) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::unique_ptr<StatementImpl> prepare(const std::string& sql) = 0;
  // Runs one statement or a script of several (no placeholders); the rows the last one changed.
  virtual int exec(const std::string& sql) = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE, taking the write lock at once).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // The schema version the migrations reached (SQLite: PRAGMA user_version).
  virtual int schemaVersion() = 0;
  virtual void setSchemaVersion(int version) = 0;
  // A migration step, written for SQLite, run in this engine's words.
  virtual void migrate(const std::string& script) = 0;
  virtual const char* engine() const = 0;  // "sqlite" | "postgres"
  // After rows were copied in with their ids: identity columns go on after the highest.
  virtual void idsCopied(const std::string& table) = 0;
};

class Statement {
 public:
  Statement(Connection& db, const std::string& sql) : impl_(db.prepare(sql)) {}
  void bind(int index, int64_t v) { impl_->bind(index, Param(v)); }
  void bind(int index, int v) { impl_->bind(index, Param(static_cast<int64_t>(v))); }
  void bind(int index, long long v) { impl_->bind(index, Param(static_cast<int64_t>(v))); }
  void bind(int index, double v) { impl_->bind(index, Param(v)); }
  void bind(int index, const std::string& v) { impl_->bind(index, Param(v)); }
  void bind(int index, const char* v) { impl_->bind(index, Param(std::string(v))); }
  void bind(int index) { impl_->bind(index, Param()); }  // NULL
  bool executeStep() { return impl_->step(); }
  int exec() { return impl_->run(); }
  void reset() { impl_->reset(); }
  Value getColumn(int index) const { return impl_->column(index); }
  Param getParam(int index) const { return impl_->column(index).param(); }
  int getColumnCount() const { return impl_->columnCount(); }
  std::string getColumnName(int index) const { return impl_->columnName(index); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// A write transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (open_) try {
        db_.rollback();
      } catch (const std::exception&) {  // the connection is gone: nothing to roll back
      }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    open_ = false;
    db_.commit();
  }

 private:
  Connection& db_;
  bool open_ = true;
};

}  // namespace hx::sql
