#include "storage/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/log.h"

namespace orderstream::storage {
namespace {

// Server notices (such as "relation already exists, skipping" from the idempotent schema DDL)
// are for the log, not stderr.
void log_notice(void* /*arg*/, const char* message) {
  std::string_view text(message);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  OS_LOG(kDebug) << "postgresql: " << text;
}

// After a cancel, how long the server has to answer before the connection is given up on (the
// statement then still ends at the session's statement_timeout).
constexpr int kCancelGraceMs = 5'000;

// Cancel requests sent at once at most, each from a thread of its own (cancel_running).
constexpr int kMaxCancelsInFlight = 16;
std::atomic<int> cancels_in_flight{0};

struct CancelFree {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};

bool is_copy_start(pg_result* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH;
}

bool is_failure(pg_result* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !is_copy_start(result);
}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

bool is_transient_sqlstate(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return true;  // no SQLSTATE: the connection failed, not the query
  const std::string_view cls = sqlstate.substr(0, 2);
  // 08 connection exception, 40 transaction rollback (serialization, deadlock), 53 insufficient
  // resources (disk full, out of memory, too many connections), 57 operator intervention (query
  // canceled or timed out, admin shutdown, cannot connect now), 58 system error (I/O).
  if (cls == "08" || cls == "40" || cls == "53" || cls == "57" || cls == "58") return true;
  // Lock not available, object in use; a read-only transaction (a database set read-only, or a
  // standby answering until failover ends), which lasts only until the database is writable.
  return sqlstate == "55P03" || sqlstate == "55006" || sqlstate == "25006";
}

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::~PgResult() { PQclear(result_); }
PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int PgResult::rows() const { return result_ != nullptr ? PQntuples(result_) : 0; }

bool PgResult::is_null(int row, int column) const { return PQgetisnull(result_, row, column); }

std::string_view PgResult::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

int64_t PgResult::int64(int row, int column) const {
  const std::string_view value = text(row, column);
  int64_t parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw StorageError("not an integer in a PostgreSQL result: '" + std::string(value) + "'",
                       false);
  }
  return parsed;
}

double PgResult::float8(int row, int column) const {
  // PostgreSQL prints float8 with the fewest digits that read back to the same double
  // (extra_float_digits >= 1, the default), so strtod restores it exactly.
  return std::strtod(PQgetvalue(result_, row, column), nullptr);
}

PgConnection::PgConnection(const std::string& url, int64_t statement_timeout_ms,
                           std::string_view application_name) {
  // Keywords are applied in order and the URL (expand_dbname) sets what it names: the defaults
  // before it are the URL's to override, an application_name after it wins over the URL's.
  const std::string name(application_name);
  const char* keywords[] = {"connect_timeout",
                            "application_name",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "dbname",
                            nullptr,
                            nullptr};
  const char* values[] = {"5", "orderstream", "1", "10", "5", "3", url.c_str(), nullptr, nullptr};
  if (!name.empty()) {
    keywords[7] = "application_name";
    values[7] = name.c_str();
  }
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    const std::string detail = trimmed(parse_error);
    PQfreemem(parse_error);
    throw StorageError("invalid PostgreSQL connection string: " + detail, false);
  }
  PQconninfoFree(parsed);
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw StorageError("out of memory connecting to PostgreSQL", true);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string detail = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw StorageError("cannot connect to PostgreSQL: " + detail, true);
  }
  PQsetNoticeProcessor(conn_, log_notice, nullptr);
  try {
    exec("SET statement_timeout = " + std::to_string(std::max<int64_t>(statement_timeout_ms, 0)));
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

PgConnection::~PgConnection() { PQfinish(conn_); }

int PgConnection::socket() const { return PQsocket(conn_); }

bool PgConnection::consume_input() {
  if (broken_ || PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return false;
  }
  return true;
}

std::vector<std::string> PgConnection::take_notifications(std::string_view channel) {
  std::vector<std::string> payloads;
  while (PGnotify* notice = PQnotifies(conn_)) {
    if (channel == notice->relname) payloads.emplace_back(notice->extra);
    PQfreemem(notice);
  }
  return payloads;
}

bool PgConnection::lost() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::usable() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  // A server that closed the connection while it was idle left a FATAL message and then the end
  // of the stream: the first read takes the message, the second finds the end and marks the
  // connection bad. Neither blocks.
  for (int i = 0; i < 2; ++i) {
    if (PQconsumeInput(conn_) == 0) return false;
  }
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void PgConnection::end_transaction_quietly() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return;
  }
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_IDLE) return;
  // The rollback must run whatever the caller's deadline: it ends the transaction's locks.
  deadline_ = Deadline();
  if (status != PQTRANS_INTRANS && status != PQTRANS_INERROR) {
    broken_ = true;  // a command still running or an unknown state: not worth rescuing
    return;
  }
  try {
    exec("ROLLBACK");
  } catch (const StorageError& e) {
    OS_LOG(kDebug) << "rollback failed, dropping the connection: " << e.what();
    broken_ = true;
  }
}

template <class Send>
PgResult PgConnection::run(Send&& send, std::string_view what, PgResult* rows) {
  if (deadline_.expired()) {
    throw DeadlineExceededError("the caller's deadline passed (or it cancelled) before " +
                                std::string(what.substr(0, what.find('\n'))) + " was sent");
  }
  if (send() == 0) fail(what, nullptr);
  return collect(what, rows);
}

PgResult PgConnection::collect(std::string_view what, PgResult* rows) {
  cancelled_ = false;
  pg_result* kept = nullptr;  // the last result, or the first failure
  for (;;) {
    wait_while_busy(what);
    pg_result* next = PQgetResult(conn_);
    if (next == nullptr) break;
    if (is_copy_start(next)) {  // the COPY's data comes next: nothing more to read now
      PQclear(kept);
      kept = next;
      break;
    }
    if (kept != nullptr && is_failure(kept)) {
      PQclear(next);
      continue;
    }
    if (rows != nullptr && PQresultStatus(next) == PGRES_TUPLES_OK) {
      *rows = PgResult(next);
      continue;
    }
    PQclear(kept);
    kept = next;
  }
  if (cancelled_ && (kept == nullptr || is_failure(kept))) {
    const std::string message =
        trimmed(kept != nullptr ? PQresultErrorMessage(kept) : PQerrorMessage(conn_));
    PQclear(kept);
    throw DeadlineExceededError(
        "PostgreSQL statement cancelled at the caller's deadline or "
        "cancellation (" +
        message + ") in: " + std::string(what.substr(0, what.find('\n'))));
  }
  return checked(kept, what);
}

void PgConnection::wait_while_busy(std::string_view what) {
  std::optional<Deadline::Clock::time_point> give_up;
  while (PQisBusy(conn_) != 0) {
    int timeout_ms = -1;
    if (give_up) {
      timeout_ms = static_cast<int>(std::max<int64_t>(
          0,
          std::chrono::ceil<std::chrono::milliseconds>(*give_up - Deadline::Clock::now()).count()));
    } else {
      int64_t wait_ms = -1;
      if (deadline_.is_set()) wait_ms = std::min<int64_t>(deadline_.remaining_ms(), 60'000);
      // Nothing wakes this wait when the caller cancels: it looks now and then.
      if (deadline_.cancellable()) {
        const int64_t check_ms = Deadline::kCancelCheckInterval.count();
        wait_ms = wait_ms < 0 ? check_ms : std::min(wait_ms, check_ms);
      }
      timeout_ms = static_cast<int>(wait_ms);
    }
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    const int ready = ::poll(&fd, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      broken_ = true;
      throw StorageError("poll on the PostgreSQL socket failed in: " + std::string(what), true);
    }
    if (ready > 0) {
      if (PQconsumeInput(conn_) == 0) return;  // lost: PQgetResult reports it
      if (PQisBusy(conn_) == 0) return;
    }
    const auto now = Deadline::Clock::now();
    if (give_up) {
      if (now >= *give_up) {
        // No answer to the cancel: the connection cannot be trusted with another statement.
        broken_ = true;
        throw DeadlineExceededError(
            "PostgreSQL did not answer a cancelled statement; connection dropped in: " +
            std::string(what.substr(0, what.find('\n'))));
      }
    } else if (deadline_.expired(now)) {
      cancel_running();
      cancelled_ = true;
      give_up = now + std::chrono::milliseconds(kCancelGraceMs);
    }
  }
}

void PgConnection::cancel_running() {
  std::unique_ptr<PGcancel, CancelFree> cancel(PQgetCancel(conn_));
  if (cancel == nullptr) return;
  // PQcancel opens a connection of its own with a blocking connect() that libpq 15 bounds by
  // neither connect_timeout nor tcp_user_timeout (Linux applies that to established connections
  // only), so against a host that drops packets it would wait out the kernel's SYN retries,
  // about two minutes. It runs on a thread of its own instead: this thread keeps its bound (it
  // waits kCancelGraceMs for the statement to end, then drops the connection), and the helper
  // ends when the kernel gives up at the latest. At most kMaxCancelsInFlight helpers run at once;
  // beyond that the cancel is not sent, and the connection is dropped after the grace as when
  // the server does not answer.
  if (cancels_in_flight.fetch_add(1) >= kMaxCancelsInFlight) {
    cancels_in_flight.fetch_sub(1);
    OS_LOG(kWarn) << "not cancelling a PostgreSQL statement: " << kMaxCancelsInFlight
                  << " cancel requests are still waiting for the server";
    return;
  }
  try {
    std::thread([cancel = std::move(cancel)] {
      char error[256] = {};
      if (PQcancel(cancel.get(), error, sizeof error) == 0) {
        OS_LOG(kWarn) << "cannot cancel a PostgreSQL statement: " << trimmed(error);
      }
      cancels_in_flight.fetch_sub(1);
    }).detach();
  } catch (const std::system_error& e) {
    cancels_in_flight.fetch_sub(1);
    OS_LOG(kWarn) << "cannot start a thread to cancel a PostgreSQL statement: " << e.what();
  }
}

PgResult PgConnection::exec(const std::string& sql) {
  return run([&] { return PQsendQuery(conn_, sql.c_str()); }, sql);
}

void PgConnection::prepare(const std::string& name, const std::string& sql) {
  run([&] { return PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr); }, sql);
}

PgResult PgConnection::exec_prepared(const std::string& name, PgParams params) {
  // Text parameters must be NUL-terminated; they are short (ids, numbers), so copies are cheap.
  std::vector<std::string> copies(params.begin(), params.end());
  std::vector<const char*> values;
  values.reserve(copies.size());
  for (const std::string& copy : copies) values.push_back(copy.c_str());
  return run(
      [&] {
        return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                   values.data(), nullptr, nullptr, 0);
      },
      name);
}

void PgConnection::copy_in(const std::string& sql, std::string_view data) {
  PgResult started = exec(sql);
  copy_data(data, sql);
}

PgResult PgConnection::exec_until_copy(const std::string& sql) {
  PgResult rows(nullptr);
  run([&] { return PQsendQuery(conn_, sql.c_str()); }, sql, &rows);
  return rows;
}

void PgConnection::copy_data(std::string_view data, std::string_view what) {
  // Bounded pieces: libpq copies each into its output buffer before sending.
  constexpr std::size_t kPiece = 256 * 1024;
  for (std::size_t offset = 0; offset < data.size(); offset += kPiece) {
    const std::size_t size = std::min(kPiece, data.size() - offset);
    if (PQputCopyData(conn_, data.data() + offset, static_cast<int>(size)) != 1) {
      copy_failed(what);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) copy_failed(what);
  // The COPY's own result (a refused row: the server's error), then the statements after it,
  // up to the next COPY's start or the end of the string.
  PgResult ended = collect(what);
}

void PgConnection::copy_failed(std::string_view what) {
  // libpq refuses more data once the COPY is over; when the server ended it, its error is among
  // the results, and says more (and carries the SQLSTATE) than libpq's own message.
  if (PQstatus(conn_) == CONNECTION_OK) collect(what);
  fail(what, nullptr);
}

PgResult PgConnection::checked(pg_result* result, std::string_view what) {
  switch (result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_COPY_IN:
      return PgResult(result);
    default:
      fail(what, result);
  }
}

void PgConnection::fail(std::string_view what, pg_result* result) {
  PgResult owned(result);  // freed on the way out
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const bool lost = PQstatus(conn_) != CONNECTION_OK;
  if (lost) broken_ = true;
  const std::string message =
      trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  // Only the statement's first line goes to the log: enough to tell which one failed.
  std::string_view statement = what.substr(0, what.find('\n'));
  throw PgStatementError("PostgreSQL: " + message +
                             (sqlstate.empty() ? "" : " [" + sqlstate + "]") +
                             (lost ? " (connection lost)" : "") + " in: " + std::string(statement),
                         lost || is_transient_sqlstate(sqlstate), sqlstate);
}

PgTransaction::PgTransaction(PgConnection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

PgTransaction::PgTransaction(PgConnection& connection, BegunByCaller) : connection_(connection) {}

PgTransaction::~PgTransaction() {
  if (!done_) connection_.end_transaction_quietly();
}

void PgTransaction::commit(const std::string& sql_before_commit) {
  // Whatever happens now, the transaction is over: committed, or rolled back by the server
  // (a failed statement aborts it, and a failed COMMIT rolls back), or of unknown outcome with
  // the connection lost. Only the connection's state is left to judge, by the pool.
  done_ = true;
  try {
    connection_.exec(sql_before_commit.empty() ? "COMMIT" : sql_before_commit + "; COMMIT");
  } catch (...) {
    connection_.end_transaction_quietly();
    throw;
  }
}

}  // namespace orderstream::storage
