#include "storage/pg_order_store.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/log.h"
#include "domain/storage_error.h"
#include "storage/pg_connection.h"
#include "storage/pg_connection_pool.h"
#include "storage/pg_events_channel.h"
#include "storage/pg_events_query.h"

namespace orderstream::storage {
namespace {

// Any constant shared by every orderstream build: the lock that serializes schema set-up
// between replicas starting together ('orderstr' in ASCII).
constexpr int64_t kSchemaLockKey = 0x6f72646572737472;

// Ids compare bytewise (COLLATE "C"), as on SQLite, and so that the staging table joins the
// orders table with the same collation (an index is only used for a matching one).
//
// order_events is keyed by seq (catch-up reads events in sequence order, and appending touches
// the rightmost leaf only) with an index on (customer_id, seq) for a customer's history.
//
// event_sequence holds the highest sequence handed out, in one row. Every writing transaction
// locks that row first and updates it before committing, so writers commit one at a time in
// sequence order and a reader never sees a sequence before a smaller one (docs/DESIGN.md).
constexpr const char* kCreateSchema = R"sql(
  CREATE TABLE orders(
    order_id text COLLATE "C" PRIMARY KEY,
    customer_id text COLLATE "C" NOT NULL,
    total float8 NOT NULL,
    status text NOT NULL,
    created_at int8 NOT NULL,
    updated_at int8 NOT NULL,
    last_seq int8 NOT NULL
  );
  CREATE TABLE order_events(
    seq int8 PRIMARY KEY,
    customer_id text COLLATE "C" NOT NULL,
    order_id text COLLATE "C" NOT NULL,
    event_type text NOT NULL,
    ts int8 NOT NULL
  );
  CREATE INDEX order_events_by_customer ON order_events(customer_id, seq);
  CREATE TABLE event_sequence(
    only_row bool PRIMARY KEY DEFAULT true CHECK (only_row),
    last_seq int8 NOT NULL
  );
  INSERT INTO event_sequence(last_seq) VALUES (0);
  CREATE TABLE orderstream_schema(version int8 NOT NULL);
)sql";

// Per connection: where a bulk create's rows land before one INSERT ... SELECT takes them.
// Temporary (no WAL, invisible to other sessions) and emptied at every commit.
constexpr const char* kCreateStage = R"sql(
  CREATE TEMP TABLE orderstream_stage(
    pos int4 NOT NULL,
    order_id text COLLATE "C" NOT NULL,
    customer_id text COLLATE "C" NOT NULL,
    total float8 NOT NULL
  ) ON COMMIT DELETE ROWS
)sql";

constexpr const char* kCopyStage =
    "COPY orderstream_stage(pos, order_id, customer_id, total) FROM STDIN (FORMAT binary)";

// A batch's first query string, one round trip to the start of its first COPY:
// - BEGIN;
// - the sequence counter's row lock, held until commit: it makes writers take turns. It is a
//   statement of its own, before anything the transaction reads: in READ COMMITTED each later
//   statement (each statement of a query string too) takes its snapshot after the previous
//   writer committed;
// - the common case of a batch, every id new: its rows go straight into the tables, as fast as
//   COPY loads them, under a savepoint. A unique violation (an id that exists, or one repeated
//   in the batch) rolls back to it, and the batch takes the staging path, which sorts out each
//   order's outcome. The COPY data, built before, is numbered from the lock's answer.
// One string rather than a round trip per statement: a batch takes four round trips (this
// string, each COPY's data, the commit) instead of eight, so a group commit of CreateOrder calls
// waits four network round trips less for a database on another host (docs/bench/HISTORY.md).
constexpr const char* kBeginDirect =
    "BEGIN; "
    "SELECT last_seq FROM event_sequence FOR UPDATE; "
    "SAVEPOINT orderstream_direct; "
    "COPY orders(order_id, customer_id, total, status, created_at, updated_at, last_seq) "
    "FROM STDIN (FORMAT binary); "
    "COPY order_events(seq, customer_id, order_id, event_type, ts) FROM STDIN (FORMAT binary)";
constexpr std::string_view kUniqueViolation = "23505";

// One statement for a whole staged batch, given the last sequence ($1) and the time ($2):
// - `looked`: every staged row with the stored order of its id, if any;
// - `fresh`: the first occurrence of each id not stored yet, numbered in arrival order;
// - inserts those orders and their CREATED events (grouped by customer, as on SQLite);
// - answers 'n' (pos, seq) for each inserted order and 'e' (pos, stored row) for each staged row
//   whose id was already stored. A later occurrence of an id new in this batch gets no row: the
//   caller compares it with the order created from the first one.
// ON CONFLICT only matters for a writer that bypasses the counter lock; the answer then lacks
// the row and the call fails instead of reporting a create that did not happen.
constexpr const char* kCreateStaged = "create_staged";
constexpr const char* kCreateStagedSql = R"sql(
  WITH looked AS MATERIALIZED (
    SELECT s.pos, s.order_id, s.customer_id, s.total, o.order_id IS NOT NULL AS found,
           o.customer_id AS stored_customer_id, o.total AS stored_total, o.status,
           o.created_at, o.updated_at, o.last_seq
      FROM orderstream_stage s LEFT JOIN orders o ON o.order_id = s.order_id
  ), fresh AS (
    SELECT DISTINCT ON (order_id) pos, order_id, customer_id, total
      FROM looked WHERE NOT found ORDER BY order_id, pos
  ), numbered AS MATERIALIZED (
    SELECT pos, order_id, customer_id, total, $1::int8 + row_number() OVER (ORDER BY pos) AS seq
      FROM fresh
  ), inserted AS (
    INSERT INTO orders(order_id, customer_id, total, status, created_at, updated_at, last_seq)
      SELECT order_id, customer_id, total, 'CREATED', $2::int8, $2::int8, seq
        FROM numbered ORDER BY order_id
      ON CONFLICT (order_id) DO NOTHING
      RETURNING last_seq
  ), created AS MATERIALIZED (
    SELECT n.pos, n.seq, n.order_id, n.customer_id FROM numbered n JOIN inserted i ON i.last_seq = n.seq
  ), appended AS (
    INSERT INTO order_events(seq, customer_id, order_id, event_type, ts)
      SELECT seq, customer_id, order_id, 'CREATED', $2::int8 FROM created ORDER BY customer_id, seq
  )
  SELECT 'n', pos, seq, NULL, NULL, NULL, NULL, NULL FROM created
  UNION ALL
  SELECT 'e', pos, last_seq, stored_customer_id, stored_total, status, created_at, updated_at
    FROM looked WHERE found
)sql";

// Takes the counter lock and the next sequence in one statement (rolled back with the
// transaction when the change does not happen).
constexpr const char* kNextSequence = "next_sequence";
constexpr const char* kNextSequenceSql =
    "UPDATE event_sequence SET last_seq = last_seq + 1 RETURNING last_seq";

// The compare-and-set of $1's status from $2 to $3 at time $4 with sequence $5, appending the
// event when it happens. Answers the row as it was before (none: not found) and whether it
// changed.
constexpr const char* kCompareAndSet = "compare_and_set";
constexpr const char* kCompareAndSetSql = R"sql(
  WITH current AS (
    SELECT order_id, customer_id, total, status, created_at, updated_at, last_seq
      FROM orders WHERE order_id = $1::text
  ), changed AS (
    UPDATE orders SET status = $3::text, updated_at = $4::int8, last_seq = $5::int8
      WHERE order_id = $1::text AND status = $2::text
      RETURNING customer_id
  ), appended AS (
    INSERT INTO order_events(seq, customer_id, order_id, event_type, ts)
      SELECT $5::int8, customer_id, $1::text, $3::text, $4::int8 FROM changed
  )
  SELECT order_id, customer_id, total, status, created_at, updated_at, last_seq,
         (SELECT count(*) FROM changed)
    FROM current
)sql";

constexpr const char* kSelectOrder = "select_order";
constexpr const char* kSelectOrderSql =
    "SELECT order_id, customer_id, total, status, created_at, updated_at, last_seq "
    "FROM orders WHERE order_id = $1::text";

void prepare_session(PgConnection& connection) {
  // The staging table is the session's scratch space, not data: it is made in a read-write
  // transaction of its own even when the database's transactions are read-only by default
  // (default_transaction_read_only, set for maintenance or while a failover settles). Such a
  // session still serves reads, and its writes are refused (SQLSTATE 25006, transient) for as
  // long as that default holds for it.
  connection.exec(std::string("BEGIN READ WRITE; ") + kCreateStage + "; COMMIT");
  connection.prepare(kCreateStaged, kCreateStagedSql);
  connection.prepare(kNextSequence, kNextSequenceSql);
  connection.prepare(kCompareAndSet, kCompareAndSetSql);
  connection.prepare(kSelectOrder, kSelectOrderSql);
  prepare_events_queries(connection);
}

// Creates the schema in an empty database, or checks the version of an existing one. The
// transaction-scoped advisory lock makes a second replica starting at the same moment wait, then
// find the schema made.
void ensure_schema(PgConnection& connection) {
  PgTransaction transaction(connection);
  connection.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLockKey) + ")");
  const PgResult found = connection.exec(
      "SELECT to_regclass('orderstream_schema') IS NOT NULL, to_regclass('orders') IS NOT NULL");
  const bool versioned = found.text(0, 0) == "t";
  if (!versioned) {
    if (found.text(0, 1) == "t") {
      throw StorageError(
          "the PostgreSQL database already has an 'orders' table that orderstream did not create; "
          "use another database or schema",
          false);
    }
    connection.exec(kCreateSchema);
    connection.exec("INSERT INTO orderstream_schema(version) VALUES (" +
                    std::to_string(PgOrderStore::kSchemaVersion) + ")");
    transaction.commit();
    OS_LOG(kInfo) << "created the PostgreSQL schema, version " << PgOrderStore::kSchemaVersion;
    return;
  }
  const PgResult version = connection.exec("SELECT max(version) FROM orderstream_schema");
  const int64_t stored = version.is_null(0, 0) ? 0 : version.int64(0, 0);
  if (stored > PgOrderStore::kSchemaVersion) {
    throw StorageError("the PostgreSQL schema is version " + std::to_string(stored) +
                           ", newer than this server supports (" +
                           std::to_string(PgOrderStore::kSchemaVersion) + "); upgrade the server",
                       false);
  }
  if (stored < PgOrderStore::kSchemaVersion) {
    throw StorageError("the PostgreSQL schema version " + std::to_string(stored) + " is unknown",
                       false);
  }
  transaction.commit();
}

// A row in the column order of kSelectOrderSql, from column `first` on.
Order read_order(const PgResult& result, int row) {
  Order order;
  order.id = std::string(result.text(row, 0));
  order.customer_id = std::string(result.text(row, 1));
  order.total = static_cast<float>(result.float8(row, 2));
  order.status = stored_status(result.text(row, 3));
  order.created_at_ms = result.int64(row, 4);
  order.updated_at_ms = result.int64(row, 5);
  order.sequence = result.int64(row, 6);
  return order;
}

// PostgreSQL's binary COPY format: a header, then per row a field count and each field as a
// length and big-endian bytes, then -1. No escaping, and floats go over exactly.
class BinaryCopyBuffer {
 public:
  BinaryCopyBuffer() {
    static constexpr char kSignature[] = "PGCOPY\n\377\r\n";
    data_.append(kSignature, sizeof(kSignature));  // 11 bytes, including the final NUL
    int32(0);                                      // flags
    int32(0);                                      // header extension length
  }
  void row(int16_t fields) { int16(fields); }
  void field_int4(int32_t value) {
    int32(4);
    int32(value);
  }
  void field_int8(int64_t value) {
    int32(8);
    big_endian(static_cast<uint64_t>(value), 8);
  }
  // An int8 field whose value set_int8 writes later, at the offset returned.
  std::size_t field_int8_later() {
    int32(8);
    const std::size_t at = data_.size();
    data_.append(8, '\0');
    return at;
  }
  void set_int8(std::size_t at, int64_t value) {
    auto bits = static_cast<uint64_t>(value);
    for (int i = 7; i >= 0; --i) {
      data_[at + static_cast<std::size_t>(i)] = static_cast<char>(bits & 0xff);
      bits >>= 8;
    }
  }
  void field_text(std::string_view value) {
    int32(static_cast<int32_t>(value.size()));
    data_.append(value);
  }
  void field_float8(double value) {
    int32(8);
    big_endian(std::bit_cast<uint64_t>(value), 8);
  }
  // The whole COPY data, trailer included; no row may follow.
  std::string_view finish() {
    if (!finished_) int16(-1);
    finished_ = true;
    return data_;
  }
  void reserve(std::size_t bytes) { data_.reserve(bytes); }

 private:
  void int16(int16_t value) { big_endian(static_cast<uint16_t>(value), 2); }
  void int32(int32_t value) { big_endian(static_cast<uint32_t>(value), 4); }
  void big_endian(uint64_t value, int bytes) {
    char out[8];
    for (int i = bytes - 1; i >= 0; --i) {
      out[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
    data_.append(out, static_cast<std::size_t>(bytes));
  }
  std::string data_;
  bool finished_ = false;
};

// A batch's rows for the COPY straight into orders and order_events. Orders go in arrival
// order; events grouped by customer (in sequence order within each), so that the
// (customer_id, seq) index is written leaf by leaf rather than hopping between customers: that
// index is most of the COPY's cost, and grouping made a 65,536-event insert about a third
// faster than arrival order (docs/BENCHMARKS.md). Built before the counter lock is taken; the
// sequences, known only under it, are written in afterwards (still in arrival order).
class DirectRows {
 public:
  DirectRows(const std::vector<NewOrder>& orders, int64_t now_ms) {
    orders_.reserve(orders.size() * 96);
    events_.reserve(orders.size() * 80);
    order_seq_at_.reserve(orders.size());
    event_seq_at_.resize(orders.size());
    const std::string_view created = to_string(OrderStatus::kCreated);
    for (const NewOrder& order : orders) {
      orders_.row(7);
      orders_.field_text(order.id);
      orders_.field_text(order.customer_id);
      orders_.field_float8(static_cast<double>(order.total));
      orders_.field_text(created);
      orders_.field_int8(now_ms);
      orders_.field_int8(now_ms);
      order_seq_at_.push_back(orders_.field_int8_later());
    }
    std::vector<uint32_t> by_customer(orders.size());
    for (std::size_t pos = 0; pos < orders.size(); ++pos) {
      by_customer[pos] = static_cast<uint32_t>(pos);
    }
    std::sort(by_customer.begin(), by_customer.end(), [&](uint32_t a, uint32_t b) {
      const int order = orders[a].customer_id.compare(orders[b].customer_id);
      return order != 0 ? order < 0 : a < b;
    });
    for (const uint32_t pos : by_customer) {
      const NewOrder& order = orders[pos];
      events_.row(5);
      event_seq_at_[pos] = events_.field_int8_later();
      events_.field_text(order.customer_id);
      events_.field_text(order.id);
      events_.field_text(created);
      events_.field_int8(now_ms);
    }
  }

  // Numbers the orders after `last_sequence`, in arrival order.
  void number_after(int64_t last_sequence) {
    for (std::size_t pos = 0; pos < order_seq_at_.size(); ++pos) {
      const int64_t seq = last_sequence + 1 + static_cast<int64_t>(pos);
      orders_.set_int8(order_seq_at_[pos], seq);
      events_.set_int8(event_seq_at_[pos], seq);
    }
  }

  std::string_view orders() { return orders_.finish(); }
  std::string_view events() { return events_.finish(); }

 private:
  BinaryCopyBuffer orders_;
  BinaryCopyBuffer events_;
  std::vector<std::size_t> order_seq_at_;
  std::vector<std::size_t> event_seq_at_;
};

// kBeginDirect's savepoint stays open, whichever path the batch took, until kReleaseDirect.
// Ends the savepoint before the counter row is updated, so that the transaction that locked the
// row also updates it. Updated from inside the savepoint (a subtransaction, with an id of its
// own), the row would get a MultiXact, one per commit, holding the lock and the update: every
// later locker must look its members up, and PostgreSQL must eventually vacuum the MultiXacts
// away (autovacuum_multixact_freeze_max_age).
constexpr const char* kReleaseDirect = "RELEASE SAVEPOINT orderstream_direct";

// The fast path of a batch, with the counter lock held and kBeginDirect at its first COPY:
// sends the rows straight into the tables. False when an id was taken (stored already, or
// repeated in the batch): the savepoint is rolled back, nothing of the batch is written, and
// the caller takes the staging path.
bool copy_direct(PgConnection& connection, DirectRows& rows, int64_t last_sequence) {
  rows.number_after(last_sequence);
  try {
    connection.copy_data(rows.orders(), "COPY orders");
    connection.copy_data(rows.events(), "COPY order_events");
    return true;
  } catch (const PgStatementError& e) {
    if (e.sqlstate() != kUniqueViolation) throw;
  }
  connection.exec("ROLLBACK TO SAVEPOINT orderstream_direct");
  return false;
}

// The staging path of a bulk batch, with the counter lock held: COPYs the batch into the
// session's staging table, and one statement (kCreateStagedSql) inserts the new orders and
// answers each one's outcome. Fills `outcomes` (one per order) and returns how many were
// created, numbered after `last_sequence` in arrival order.
int64_t create_staged(PgConnection& connection, std::vector<NewOrder>& orders,
                      int64_t last_sequence, int64_t now_ms, std::vector<CreateOutcome>& outcomes) {
  BinaryCopyBuffer copy;
  copy.reserve(orders.size() * 64);
  for (std::size_t pos = 0; pos < orders.size(); ++pos) {
    const NewOrder& order = orders[pos];
    copy.row(4);
    copy.field_int4(static_cast<int32_t>(pos));
    copy.field_text(order.id);
    copy.field_text(order.customer_id);
    copy.field_float8(static_cast<double>(order.total));
  }
  connection.copy_in(kCopyStage, copy.finish());
  const std::string base = std::to_string(last_sequence);
  const std::string now = std::to_string(now_ms);
  const std::string_view params[] = {base, now};
  const PgResult result = connection.exec_prepared(kCreateStaged, params);

  outcomes.resize(orders.size());
  std::vector<bool> answered(orders.size(), false);
  int64_t created = 0;
  for (int row = 0; row < result.rows(); ++row) {
    const auto pos = static_cast<std::size_t>(result.int64(row, 1));
    if (pos >= orders.size() || answered[pos]) {
      throw StorageError("unexpected position in the bulk insert's answer", false);
    }
    answered[pos] = true;
    CreateOutcome& outcome = outcomes[pos];
    NewOrder& request = orders[pos];
    if (result.text(row, 0) == "n") {
      ++created;
      outcome.kind = CreateOutcome::Kind::kCreated;
      outcome.order = Order{std::move(request.id),
                            std::move(request.customer_id),
                            request.total,
                            OrderStatus::kCreated,
                            now_ms,
                            now_ms,
                            result.int64(row, 2)};
      continue;
    }
    outcome.order = Order{request.id,
                          std::string(result.text(row, 3)),
                          static_cast<float>(result.float8(row, 4)),
                          stored_status(result.text(row, 5)),
                          result.int64(row, 6),
                          result.int64(row, 7),
                          result.int64(row, 2)};
    outcome.kind = same_content(outcome.order, request) ? CreateOutcome::Kind::kExisting
                                                        : CreateOutcome::Kind::kConflict;
  }
  // Positions without an answer repeat an id created earlier in this batch; they are compared
  // with that order (only a batch with repeated ids pays for the map).
  if (static_cast<std::size_t>(result.rows()) < orders.size()) {
    std::unordered_map<std::string_view, std::size_t> created_at_position;
    for (std::size_t pos = 0; pos < orders.size(); ++pos) {
      if (answered[pos] && outcomes[pos].kind == CreateOutcome::Kind::kCreated) {
        created_at_position.emplace(outcomes[pos].order.id, pos);
      }
    }
    for (std::size_t pos = 0; pos < orders.size(); ++pos) {
      if (answered[pos]) continue;
      const auto first = created_at_position.find(orders[pos].id);
      if (first == created_at_position.end() || first->second >= pos) {
        throw StorageError("order " + orders[pos].id + " was neither inserted nor found", false);
      }
      outcomes[pos].order = outcomes[first->second].order;
      outcomes[pos].kind = same_content(outcomes[pos].order, orders[pos])
                               ? CreateOutcome::Kind::kExisting
                               : CreateOutcome::Kind::kConflict;
    }
  }
  return created;
}

}  // namespace

struct PgOrderStore::Impl {
  explicit Impl(const PgOptions& options)
      : pool(options.url, options.statement_timeout_ms, options.pool_size, prepare_session) {}

  // Runs a read on a pooled connection. A read that failed because the connection turned out to
  // be lost (the server restarted while it sat idle) changed nothing, so it runs once more on a
  // new connection; a database that is really gone fails the second time.
  template <class Read>
  auto read(const Deadline& deadline, Read&& read_with) {
    for (int attempt = 0;; ++attempt) {
      auto connection = pool.acquire(deadline);
      try {
        return read_with(*connection);
      } catch (const DeadlineExceededError&) {
        throw;  // the caller stopped waiting: nothing to retry for
      } catch (const StorageError&) {
        if (attempt > 0 || !connection->lost()) throw;
      }
    }
  }

  PgConnectionPool pool;
};

PgOrderStore::PgOrderStore(PgOptions options) : impl_(std::make_unique<Impl>(options)) {
  PgConnection connection(options.url, options.statement_timeout_ms);
  ensure_schema(connection);
}

PgOrderStore::~PgOrderStore() = default;

std::vector<CreateOutcome> PgOrderStore::do_create_orders(std::vector<NewOrder> orders,
                                                          int64_t now_ms,
                                                          const Deadline& deadline) {
  std::vector<CreateOutcome> outcomes;
  if (orders.empty()) return outcomes;
  if (orders.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) {
    throw StorageError("a batch of " + std::to_string(orders.size()) + " orders is too large",
                       false);
  }
  DirectRows rows(orders, now_ms);

  auto connection = impl_->pool.acquire(deadline);
  PgTransaction transaction(*connection, PgTransaction::BegunByCaller{});
  const PgResult locked = connection->exec_until_copy(kBeginDirect);
  if (locked.rows() != 1) throw StorageError("the event_sequence table has no row", false);
  const int64_t last_sequence = locked.int64(0, 0);
  int64_t created = 0;
  if (copy_direct(*connection, rows, last_sequence)) {
    created = static_cast<int64_t>(orders.size());
    outcomes.resize(orders.size());
    for (std::size_t pos = 0; pos < orders.size(); ++pos) {
      NewOrder& request = orders[pos];
      outcomes[pos].kind = CreateOutcome::Kind::kCreated;
      outcomes[pos].order = Order{std::move(request.id),
                                  std::move(request.customer_id),
                                  request.total,
                                  OrderStatus::kCreated,
                                  now_ms,
                                  now_ms,
                                  last_sequence + 1 + static_cast<int64_t>(pos)};
    }
  } else {
    created = create_staged(*connection, orders, last_sequence, now_ms, outcomes);
  }

  if (created == 0) {
    transaction.commit();  // nothing to announce; the counter stays as it was
    return outcomes;
  }
  const int64_t first = last_sequence + 1;
  const int64_t last = last_sequence + created;
  transaction.commit(std::string(kReleaseDirect) + "; UPDATE event_sequence SET last_seq = " +
                     std::to_string(last) + "; NOTIFY " + std::string(kPgEventsChannel) + ", '" +
                     format_pg_events_payload(first, last) + "'");
  return outcomes;
}

StatusChangeOutcome PgOrderStore::do_compare_and_set_status(std::string_view order_id,
                                                            OrderStatus expected, OrderStatus to,
                                                            int64_t now_ms,
                                                            const Deadline& deadline) {
  StatusChangeOutcome outcome;
  auto connection = impl_->pool.acquire(deadline);
  // Early returns roll back, the sequence taken included: nothing was written.
  PgTransaction transaction(*connection);
  const PgResult next = connection->exec_prepared(kNextSequence, {});
  const int64_t seq = next.int64(0, 0);
  const std::string seq_text = std::to_string(seq);
  const std::string now = std::to_string(now_ms);
  const std::string_view params[] = {order_id, to_string(expected), to_string(to), now, seq_text};
  const PgResult result = connection->exec_prepared(kCompareAndSet, params);
  if (result.rows() == 0) {
    outcome.kind = StatusChangeOutcome::Kind::kNotFound;
    return outcome;
  }
  outcome.order = read_order(result, 0);
  if (result.int64(0, 7) == 0) {
    outcome.kind = StatusChangeOutcome::Kind::kStale;
    return outcome;
  }
  transaction.commit("NOTIFY " + std::string(kPgEventsChannel) + ", '" +
                     format_pg_events_payload(seq, seq) + "'");
  outcome.kind = StatusChangeOutcome::Kind::kChanged;
  outcome.order.status = to;
  outcome.order.updated_at_ms = now_ms;
  outcome.order.sequence = seq;
  outcome.event = latest_event_of(outcome.order);
  return outcome;
}

std::optional<Order> PgOrderStore::do_find_order(std::string_view order_id,
                                                 const Deadline& deadline) {
  return impl_->read(deadline, [&](PgConnection& connection) -> std::optional<Order> {
    const std::string_view params[] = {order_id};
    const PgResult result = connection.exec_prepared(kSelectOrder, params);
    if (result.rows() == 0) return std::nullopt;
    return read_order(result, 0);
  });
}

std::vector<OrderEvent> PgOrderStore::do_customer_events(const EventRange& range,
                                                         const Deadline& deadline) {
  if (range.limit == 0) return {};
  return impl_->read(
      deadline, [&](PgConnection& connection) { return read_customer_events(connection, range); });
}

std::vector<OrderEvent> PgOrderStore::do_events_after(int64_t after_sequence, std::size_t limit,
                                                      const Deadline& deadline) {
  if (limit == 0) return {};
  return impl_->read(deadline, [&](PgConnection& connection) {
    return read_events_after(connection, after_sequence, limit);
  });
}

}  // namespace orderstream::storage
