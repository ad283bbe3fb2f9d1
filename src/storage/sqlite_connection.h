// Thin RAII wrappers over the SQLite C API, so that the store never leaks a handle, never leaves
// a statement holding a read snapshot, and never leaves a transaction open on an exception.
// Every failure becomes a StorageError carrying SQLite's own message (for the server log) and
// whether a retry may succeed. A connection and its statements are not thread-safe: callers give
// each one to a single thread at a time (connections are opened in multi-thread mode, so SQLite
// does not lock them again).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace orderstream::storage {

// Whether an SQLite result code (primary or extended) names a condition that may clear up on
// its own: a lock held by someone else, a full disk, an I/O error, memory pressure.
bool is_transient_sqlite_error(int result_code);

class SqliteConnection {
 public:
  enum class Mode { kReadWriteCreate, kReadOnly };

  // Throws StorageError (with the path in the message) if the file cannot be opened.
  SqliteConnection(const std::string& path, Mode mode);
  ~SqliteConnection();
  // Statements keep a pointer to their connection, so it stays where it was opened.
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements that return no rows we need (pragmas, DDL).
  void exec(const char* sql);
  // Runs a pragma that answers one value (e.g. "PRAGMA journal_mode=WAL") and returns it.
  std::string query_text(const char* sql);
  int64_t query_int64(const char* sql);

  int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  const std::string& path() const { return path_; }
  sqlite3* get() const { return db_.get(); }

  // Throws the StorageError describing `result_code`, the connection's last message and what
  // we were doing.
  [[noreturn]] void fail(int result_code, std::string_view doing) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

// A prepared statement, compiled once and reused across calls. Text is bound without copying
// (SQLITE_STATIC): the bound bytes must outlive the execution, which ends at reset().
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& connection, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&&) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) noexcept;

  void bind_text(int index, std::string_view value);
  void bind_int64(int index, int64_t value);
  void bind_double(int index, double value);

  // Advances; true while a row is available, false once the statement is done.
  bool step();
  // Runs a statement expected to return no row.
  void run();

  // Valid until the next step() or reset().
  std::string_view column_text(int column) const;
  int64_t column_int64(int column) const;
  double column_double(int column) const;

  // Ends the execution (releasing any read snapshot it held) and forgets the bindings, so that
  // no pointer to a caller's buffer survives.
  void reset() noexcept;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  const SqliteConnection* connection_;
};

// Resets a statement when the scope that executes it ends, however it ends.
class StatementScope {
 public:
  explicit StatementScope(SqliteStatement& statement) : statement_(statement) {}
  ~StatementScope() { statement_.reset(); }
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;
  SqliteStatement* operator->() { return &statement_; }

 private:
  SqliteStatement& statement_;
};

// The statements that open and close a write transaction, prepared once per connection like the
// rest.
struct TransactionStatements {
  explicit TransactionStatements(SqliteConnection& connection);
  SqliteConnection* connection;
  SqliteStatement begin_immediate;
  SqliteStatement commit;
  SqliteStatement rollback;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so the transaction cannot fail
// half-way on a lock upgrade); rolls back on destruction unless commit() succeeded.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(TransactionStatements& statements);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void commit();

 private:
  TransactionStatements& statements_;
  bool open_ = true;
};

}  // namespace orderstream::storage
