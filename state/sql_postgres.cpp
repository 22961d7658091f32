#include "state/sql_postgres.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstdio>
#include <regex>
#include <vector>

namespace hx::sql {

namespace {

// The key of the advisory lock every write transaction takes (any constant; "hxctl" in ASCII).
constexpr const char* kWriteLock = "SELECT pg_advisory_xact_lock(104120099116108)";

Fault faultOf(const char* sqlstate) {
  const std::string s = sqlstate ? sqlstate : "";
  if (s == "40001" || s == "40P01" || s == "55P03") return Fault::kBusy;
  if (s == "53100") return Fault::kFull;
  if (s == "25006") return Fault::kReadOnly;
  if (s == "XX001" || s == "XX002") return Fault::kCorrupt;
  if (s == "58030") return Fault::kIo;
  if (s.rfind("28", 0) == 0 || s == "42501") return Fault::kPermission;
  if (s.rfind("23", 0) == 0) return Fault::kConstraint;
  if (s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0) return Fault::kCantOpen;
  if (s == "HXST1") return Fault::kStaleTerm;
  return Fault::kOther;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Throws unless `r` succeeded.
void check(PGconn* conn, const ResultPtr& r) {
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  if (!r) throw Error(Fault::kCantOpen, PQerrorMessage(conn));
  const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
  std::string message = PQresultErrorMessage(r.get());
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
    message.pop_back();
  throw Error(state ? faultOf(state) : Fault::kCantOpen, message);
}

class PostgresConnection;

class PostgresStatement : public StatementImpl {
 public:
  PostgresStatement(PostgresConnection& db, std::string sql) : db_(db), sql_(std::move(sql)) {}
  void bind(int index, Param value) override {
    if (index < 1) throw Error(Fault::kOther, "bind index " + std::to_string(index));
    if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
    params_[static_cast<size_t>(index) - 1] = std::move(value);
  }
  bool step() override;
  int run() override;
  void reset() override {
    result_.reset();
    row_ = -1;
  }
  int columnCount() const override { return result_ ? PQnfields(result_.get()) : 0; }
  std::string columnName(int index) const override {
    return result_ ? PQfname(result_.get(), index) : "";
  }
  Value column(int index) const override {
    if (!result_ || row_ < 0 || index >= PQnfields(result_.get())) return Value();
    if (PQgetisnull(result_.get(), row_, index)) return Value();
    return Value(Param(std::string(PQgetvalue(result_.get(), row_, index),
                                   static_cast<size_t>(PQgetlength(result_.get(), row_, index)))));
  }

 private:
  void execute();
  PostgresConnection& db_;
  std::string sql_;
  std::vector<Param> params_;
  ResultPtr result_;
  int row_ = -1;
};

class PostgresConnection : public Connection {
 public:
  PostgresConnection(std::string url, bool readOnly) : url_(std::move(url)), readOnly_(readOnly) {
    connect();
  }
  ~PostgresConnection() override {
    if (conn_) PQfinish(conn_);
  }
  std::unique_ptr<StatementImpl> prepare(const std::string& sql) override {
    return std::make_unique<PostgresStatement>(*this, postgresStatement(sql));
  }
  int exec(const std::string& sql) override {
    ResultPtr r = run([&](PGconn* c) { return PQexec(c, sql.c_str()); });
    check(conn_, r);
    const char* n = PQcmdTuples(r.get());
    return n && *n ? std::atoi(n) : 0;
  }
  void begin() override {
    exec("BEGIN");
    inTransaction_ = true;
    if (!readOnly_) exec(kWriteLock);
  }
  void commit() override {
    inTransaction_ = false;
    exec("COMMIT");
  }
  void rollback() override {
    inTransaction_ = false;
    exec("ROLLBACK");
  }
  int schemaVersion() override {
    ResultPtr r =
        run([](PGconn* c) { return PQexec(c, "SELECT version FROM hxctl_schema WHERE id = 1"); });
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      // No table yet: a database hxctl has not written to.
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      if (state && std::string(state) == "42P01") return 0;
      check(conn_, r);
    }
    return PQntuples(r.get()) ? std::atoi(PQgetvalue(r.get(), 0, 0)) : 0;
  }
  void setSchemaVersion(int version) override {
    exec("INSERT INTO hxctl_schema(id, version) VALUES (1, " + std::to_string(version) +
         ") ON CONFLICT (id) DO UPDATE SET version = excluded.version");
  }
  void migrate(const std::string& script) override { exec(postgresMigration(script)); }
  const char* engine() const override { return "postgres"; }
  void idsCopied(const std::string& table) override {
    exec("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), MAX(id)) FROM " + table +
         " HAVING MAX(id) IS NOT NULL");
  }

  // The connection, re-established first if the server dropped it (outside a transaction only:
  // inside one, the transaction is lost and the caller must hear of it).
  PGconn* live() {
    if (PQstatus(conn_) != CONNECTION_OK && !inTransaction_) {
      PQreset(conn_);
      if (PQstatus(conn_) == CONNECTION_OK) configure();
    }
    return conn_;
  }
  PGconn* raw() { return conn_; }
  // Runs `query` on the connection. A connection the server dropped (a restart, a failover) is
  // only found broken when used: then, outside a transaction, it is made again and the query
  // sent once more. Inside one the transaction is lost, and the caller hears of it.
  template <typename Query>
  ResultPtr run(Query query) {
    ResultPtr r(query(live()));
    if (PQstatus(conn_) == CONNECTION_BAD && !inTransaction_) {
      PQreset(conn_);
      if (PQstatus(conn_) == CONNECTION_OK) {
        configure();
        r.reset(query(conn_));
      }
    }
    return r;
  }

 private:
  void connect() {
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
        message.pop_back();
      throw Error(
          message.find("password") != std::string::npos ? Fault::kPermission : Fault::kCantOpen,
          message);
    }
    configure();
  }
  void configure() {
    // Quiet: notices ("relation already exists, skipping") are not the operator's business.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    if (readOnly_) {
      exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
      return;
    }
    // The version table exists before any migration's transaction reads it (a failed statement
    // aborts a PostgreSQL transaction); created under the writers' lock, so two daemons starting
    // at once do not race to create it.
    exec("BEGIN");
    exec(kWriteLock);
    exec(
        "CREATE TABLE IF NOT EXISTS hxctl_schema(id INTEGER PRIMARY KEY CHECK (id = 1), "
        "version INTEGER NOT NULL)");
    exec("COMMIT");
  }

  std::string url_;
  bool readOnly_;
  bool inTransaction_ = false;
  PGconn* conn_ = nullptr;
};

void PostgresStatement::execute() {
  std::vector<std::string> text(params_.size());
  std::vector<const char*> values(params_.size(), nullptr);
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& p = params_[i];
    if (std::holds_alternative<std::monostate>(p)) continue;
    if (const auto* n = std::get_if<int64_t>(&p)) {
      text[i] = std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&p)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      text[i] = buf;
    } else {
      text[i] = std::get<std::string>(p);
    }
    values[i] = text[i].c_str();
  }
  result_ = db_.run([&](PGconn* conn) {
    return PQexecParams(conn, sql_.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0);
  });
  check(db_.raw(), result_);
  row_ = -1;
}

bool PostgresStatement::step() {
  if (!result_) execute();
  ++row_;
  return row_ < PQntuples(result_.get());
}

int PostgresStatement::run() {
  execute();
  const char* n = PQcmdTuples(result_.get());
  const int changed = n && *n ? std::atoi(n) : 0;
  reset();
  return changed;
}

bool isReservedHere(const std::string& word) {
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "user";
}

}  // namespace

bool isPostgresUrl(const std::string& location) {
  return location.rfind("postgres://", 0) == 0 || location.rfind("postgresql://", 0) == 0;
}

std::string redactedUrl(const std::string& url) {
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  // libpq takes any connection parameter in the query: password=, sslpassword= too.
  static const std::regex parameter(R"(([?&](?:ssl)?password=)[^&#]*)", std::regex::icase);
  return std::regex_replace(std::regex_replace(url, password, "$1:***@"), parameter, "$1***");
}

std::string postgresStatement(const std::string& sql) {
  std::string out;
  int n = 0;
  for (size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'') {  // a literal, '' inside it an escaped quote
      size_t end = i + 1;
      while (end < sql.size() &&
             !(sql[end] == '\'' && (end + 1 >= sql.size() || sql[end + 1] != '\'')))
        end += sql[end] == '\'' ? 2 : 1;
      out.append(sql, i, end + 1 - i);
      i = end + 1;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = i;
      while (end < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_'))
        ++end;
      const std::string word = sql.substr(i, end - i);
      const bool qualified = i > 0 && sql[i - 1] == '.';
      out += isReservedHere(word) && !qualified ? "\"" + word + "\"" : word;
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string postgresMigration(const std::string& script) {
  std::string s = postgresStatement(script);
  s = std::regex_replace(s, std::regex(R"(\bINTEGER PRIMARY KEY\b)"),
                         "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  s = std::regex_replace(s, std::regex(R"(\bINTEGER\b)"), "BIGINT");
  s = std::regex_replace(s, std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION");
  return s;
}

std::unique_ptr<Connection> openPostgres(const std::string& url, bool readOnly) {
  static const std::regex withPassword(R"(^postgres(?:ql)?://[^:/@]*:[^@]*@)");
  static const std::regex passwordParameter(R"([?&]password=)", std::regex::icase);
  if (std::regex_search(url, withPassword) || std::regex_search(url, passwordParameter))
    throw Error(Fault::kPermission,
                "the store's URL holds a password: give it in PGPASSWORD or a PGPASSFILE "
                "(~/.pgpass) instead, where ps, shell history and messages cannot show it");
  return std::make_unique<PostgresConnection>(url, readOnly);
}

}  // namespace hx::sql
