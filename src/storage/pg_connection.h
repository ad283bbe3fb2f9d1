// Thin RAII wrappers over libpq, so that the PostgreSQL store never leaks a connection or a
// result, never leaves a transaction open on an exception, and turns every failure into a
// StorageError that says whether a retry may succeed. A connection is not thread-safe: the pool
// (pg_connection_pool.h) gives each one to a single thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/deadline.h"
#include "domain/storage_error.h"

struct pg_conn;
struct pg_result;

namespace orderstream::storage {

// Whether a SQLSTATE names a condition that may clear up by itself: a lost or refused
// connection, a server shutting down or starting, a statement timeout, a lock or serialization
// conflict, exhausted resources, a database that is read-only for now. Syntax errors, missing
// tables and constraint violations are not.
bool is_transient_sqlstate(std::string_view sqlstate);

// A statement PostgreSQL refused, with its SQLSTATE, for the callers that handle one condition
// themselves (the bulk path's unique violation). Other callers treat it as any StorageError.
class PgStatementError : public StorageError {
 public:
  PgStatementError(const std::string& detail, bool transient, std::string sqlstate)
      : StorageError(detail, transient), sqlstate_(std::move(sqlstate)) {}
  // Empty when the server sent none (the connection failed, not the statement).
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// One query's result; rows and columns count from 0. Text format: values are what PostgreSQL
// prints, parsed here.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  int64_t int64(int row, int column) const;
  double float8(int row, int column) const;

 private:
  pg_result* result_;
};

// The parameters of a prepared statement, as text. Views must outlive the call.
using PgParams = std::span<const std::string_view>;

class PgConnection {
 public:
  // Connects to `url` (a postgresql:// URL or a key=value string) and sets each session up:
  // `statement_timeout_ms` bounds every statement (0: none). A non-empty `application_name`
  // overrides the URL's (it names the session in pg_stat_activity). TCP keepalives find a peer
  // that vanished without closing (host down, network cut) within about 25 s. Throws a transient
  // StorageError when the server cannot be reached, so that a caller retrying later may succeed.
  PgConnection(const std::string& url, int64_t statement_timeout_ms,
               std::string_view application_name = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Whether the connection can still be used: false once the server closed it or a failure left
  // it unusable. Reads what the server may have sent meanwhile without blocking, so that a
  // connection closed while idle (a restarted server) is found out before a statement is sent on
  // it.
  bool usable();

  // Bounds the statements that follow by `deadline` (none: only the session's statement_timeout):
  // a statement still running when it is reached (its time passes, or its caller cancels) is
  // cancelled (PQcancel), and one that would start after it is not sent; either throws
  // DeadlineExceededError. The pool sets it per lease.
  void set_deadline(const Deadline& deadline) { deadline_ = deadline; }

  // Runs one or more statements without parameters; returns the last result.
  PgResult exec(const std::string& sql);
  // Prepares `sql` under `name` for this session.
  void prepare(const std::string& name, const std::string& sql);
  PgResult exec_prepared(const std::string& name, PgParams params);

  // COPY ... FROM STDIN: starts the copy with `sql`, sends `data` (in the format `sql` names), and
  // ends it. One call per COPY; `data` may be large. A row the server refuses fails the whole
  // COPY with the server's error (PgStatementError, with its SQLSTATE).
  void copy_in(const std::string& sql, std::string_view data);

  // Several statements and COPYs in one round trip each. `sql` is a query string whose last
  // statements are COPY ... FROM STDIN; it runs up to the start of the first COPY, and the
  // rows of the last statement before it that returned any come back (none: an empty result),
  // so that a COPY's data may depend on them. Then copy_data sends each COPY's data in turn and
  // waits only for the next COPY to start (or, after the last, for the string's end). A failed
  // statement or COPY throws and the rest of the string does not run.
  PgResult exec_until_copy(const std::string& sql);
  void copy_data(std::string_view data, std::string_view what);

  // Rolls back a transaction left open (or failed), without throwing; a connection on which
  // that fails is marked unusable.
  void end_transaction_quietly();

  // For a LISTEN session: the socket to wait on for notifications.
  int socket() const;
  // Reads whatever the server sent without blocking; false once the connection is lost.
  bool consume_input();
  // The payloads of the notifications on `channel` read so far, oldest first (others dropped).
  std::vector<std::string> take_notifications(std::string_view channel);

  // Marks the connection unusable, so that the pool replaces it.
  void discard() { broken_ = true; }
  // Whether the connection was lost or discarded (without reading from it).
  bool lost() const;

 private:
  // Sends with `send` (a PQsend* call), waits for the answer within the deadline, and returns the
  // last result, or the first failed one, or a COPY's start; `what` names the statement in errors.
  // With `rows`, results that carry rows go there instead (the last one wins).
  template <class Send>
  PgResult run(Send&& send, std::string_view what, PgResult* rows = nullptr);
  // Waits for the results of what was sent, as run() describes.
  PgResult collect(std::string_view what, PgResult* rows = nullptr);
  // Waits until libpq has a whole result to hand out; cancels the statement at the deadline.
  void wait_while_busy(std::string_view what);
  // Asks the server to cancel the running statement (PQcancel: a connection of its own, opened
  // on a helper thread so that an unreachable server cannot hold this one up).
  void cancel_running();
  // After libpq refused COPY data or its end: throws the server's error if it sent one.
  [[noreturn]] void copy_failed(std::string_view what);
  // Throws StorageError for a failed result (or none), keeping the result's own message.
  PgResult checked(pg_result* result, std::string_view what);
  [[noreturn]] void fail(std::string_view what, pg_result* result);

  pg_conn* conn_;
  bool broken_ = false;
  Deadline deadline_;
  bool cancelled_ = false;  // the statement being waited for was cancelled at the deadline
};

// BEGIN on construction; ROLLBACK on destruction unless committed. A failed ROLLBACK (the
// connection is gone) marks the connection broken instead of throwing from a destructor.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection);
  // For a caller whose first query string starts with BEGIN itself (a round trip fewer): sends
  // nothing now, and ends the transaction as the other constructor does.
  struct BegunByCaller {};
  PgTransaction(PgConnection& connection, BegunByCaller);
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  // Runs `sql_before_commit` (may be empty) and COMMIT in one round trip.
  void commit(const std::string& sql_before_commit = {});

 private:
  PgConnection& connection_;
  bool done_ = false;
};

}  // namespace orderstream::storage
