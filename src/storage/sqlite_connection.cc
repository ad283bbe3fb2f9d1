#include "storage/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

#include "domain/storage_error.h"

namespace orderstream::storage {
namespace {

std::string describe(int result_code, std::string_view message, std::string_view doing,
                     std::string_view path) {
  std::string text = "SQLite error ";
  text += std::to_string(result_code);
  text += " (";
  text += sqlite3_errstr(result_code);
  text += ")";
  if (!message.empty()) {
    text += ": ";
    text += message;
  }
  text += " while ";
  text += doing;
  text += " [";
  text += path;
  text += "]";
  return text;
}

// What a failure message says of the SQL it ran: the start of it, on one line. A whole schema in
// the log (a read-only file fails on the first CREATE) says nothing more.
std::string sql_summary(std::string_view sql) {
  constexpr std::size_t kMaxChars = 60;
  std::string out;
  for (const char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
    if (out.size() > kMaxChars) {
      out.resize(kMaxChars);
      return out + "...";
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

bool is_transient_sqlite_error(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

// --- SqliteConnection --------------------------------------------------------------------------

void SqliteConnection::Closer::operator()(sqlite3* db) const {
  // close_v2 defers the close until every statement is finalized, so destruction order between
  // a connection and its statements cannot leak or crash.
  sqlite3_close_v2(db);
}

SqliteConnection::SqliteConnection(const std::string& path, Mode mode) : path_(path) {
  // NOMUTEX: each connection is used by one thread at a time (writer mutex, reader leases), so
  // SQLite's per-connection mutex would only add cost.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |=
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // a handle comes back even on failure, and must be closed
  if (rc != SQLITE_OK) {
    const std::string message = raw != nullptr ? sqlite3_errmsg(raw) : "";
    throw StorageError(describe(rc, message, "opening the database", path_),
                       is_transient_sqlite_error(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
}

SqliteConnection::~SqliteConnection() = default;

void SqliteConnection::fail(int result_code, std::string_view doing) const {
  throw StorageError(describe(result_code, sqlite3_errmsg(db_.get()), doing, path_),
                     is_transient_sqlite_error(result_code));
}

void SqliteConnection::exec(const char* sql) {
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, "executing: " + sql_summary(sql));
}

std::string SqliteConnection::query_text(const char* sql) {
  SqliteStatement statement(*this, sql);
  StatementScope scope(statement);
  if (!statement.step()) return {};
  return std::string(statement.column_text(0));
}

int64_t SqliteConnection::query_int64(const char* sql) {
  SqliteStatement statement(*this, sql);
  StatementScope scope(statement);
  if (!statement.step()) return 0;
  return statement.column_int64(0);
}

int64_t SqliteConnection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int SqliteConnection::changes() const { return sqlite3_changes(db_.get()); }

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

// --- SqliteStatement ---------------------------------------------------------------------------

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

SqliteStatement::SqliteStatement(SqliteConnection& connection, std::string_view sql)
    : connection_(&connection) {
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these statements live as long as the connection, so SQLite should not draw them
  // from its short-lived lookaside memory.
  const int rc = sqlite3_prepare_v3(connection.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) connection.fail(rc, "preparing: " + sql_summary(sql));
}

SqliteStatement::~SqliteStatement() = default;
SqliteStatement::SqliteStatement(SqliteStatement&&) noexcept = default;
SqliteStatement& SqliteStatement::operator=(SqliteStatement&&) noexcept = default;

void SqliteStatement::bind_text(int index, std::string_view value) {
  // A null pointer would bind SQL NULL; an empty view must stay an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_.get(), index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding: " + sql_summary(sqlite3_sql(stmt_.get())));
}

void SqliteStatement::bind_int64(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding: " + sql_summary(sqlite3_sql(stmt_.get())));
}

void SqliteStatement::bind_double(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_.get(), index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "binding: " + sql_summary(sqlite3_sql(stmt_.get())));
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->fail(rc, "executing: " + sql_summary(sqlite3_sql(stmt_.get())));
}

void SqliteStatement::run() {
  StatementScope scope(*this);
  step();
}

std::string_view SqliteStatement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}

void SqliteStatement::reset() noexcept {
  if (!stmt_) return;
  // The result repeats the last step()'s error, which was already reported.
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

// --- transactions ------------------------------------------------------------------------------

TransactionStatements::TransactionStatements(SqliteConnection& db)
    : connection(&db),
      begin_immediate(db, "BEGIN IMMEDIATE"),
      commit(db, "COMMIT"),
      rollback(db, "ROLLBACK") {}

SqliteTransaction::SqliteTransaction(TransactionStatements& statements) : statements_(statements) {
  // A transaction left behind by a failed rollback would make every later BEGIN fail for good;
  // give it one more chance to go away.
  if (statements_.connection->in_transaction()) statements_.rollback.run();
  statements_.begin_immediate.run();
}

SqliteTransaction::~SqliteTransaction() {
  // SQLite rolls back by itself after some errors (e.g. SQLITE_FULL, SQLITE_IOERR); a second
  // ROLLBACK would only fail.
  if (!open_ || !statements_.connection->in_transaction()) return;
  try {
    statements_.rollback.run();
  } catch (...) {
    // Nothing more to do from a destructor: the connection rolls back when it closes, and the
    // next BEGIN reports the problem if it persists.
  }
}

void SqliteTransaction::commit() {
  statements_.commit.run();
  open_ = false;
}

}  // namespace orderstream::storage
