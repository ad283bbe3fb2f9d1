#include "storage/sqlite_order_store.h"

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/log.h"
#include "domain/storage_error.h"
#include "storage/database_lock.h"
#include "storage/sqlite_connection.h"

namespace orderstream::storage {
namespace {

constexpr int64_t kSchemaVersion = 3;

// orders is WITHOUT ROWID: it is keyed and always looked up by its text id, and its rows
// are small, so the row can live in the primary-key b-tree itself, and a lookup by id is one
// tree search instead of index-then-table. A quick measurement of bulk creation (1,000-order
// batches, up to 1M orders) found the rowid variant no better beyond noise (at most ~10% at 1M
// rows), for a file ~15% larger.
//
// order_events is clustered by (customer_id, seq): a customer's history is one range scan of the
// table itself with no join, and appending an event writes one b-tree instead of a table plus an
// index (schema 1 had a rowid table and an index on (customer_id, seq); the change made bulk
// imports 1.27x faster, see docs/BENCHMARKS.md). Sequences are handed out by the writer and
// the highest one is kept in event_sequence, written once per transaction, so that seq stays
// strictly increasing and is never reused, which clients rely on to resume. The index on seq
// (schema 3) serves OrderStore::events_after: catch-up and resume read every customer's events in
// sequence order, and appending to it touches its rightmost leaf only, since sequences only
// grow. The schema's statements are written once and assembled for a new file and for the
// migrations alike.
constexpr std::string_view kOrdersTable = R"sql(
  CREATE TABLE IF NOT EXISTS orders(
    order_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    total REAL NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL
  ) WITHOUT ROWID;
)sql";

// Schema 2's events table under `name`: the migration builds it beside schema 1's table first.
std::string order_events_table(std::string_view name) {
  return "CREATE TABLE IF NOT EXISTS " + std::string(name) + R"sql((
    customer_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY(customer_id, seq)
  ) WITHOUT ROWID;
)sql";
}

constexpr std::string_view kEventSequenceTable =
    "CREATE TABLE IF NOT EXISTS event_sequence(last_seq INTEGER NOT NULL);\n";

constexpr std::string_view kSequenceIndex =
    "CREATE INDEX IF NOT EXISTS order_events_by_seq ON order_events(seq);\n";

std::string set_schema_version() {
  return "PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";\n";
}

std::string create_schema() {
  return std::string(kOrdersTable) + order_events_table("order_events") +
         std::string(kEventSequenceTable) +
         "INSERT INTO event_sequence SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM event_sequence);\n" +
         std::string(kSequenceIndex) + set_schema_version();
}

// Schema 1 -> 3: the events move into the clustered table, and the highest sequence ever handed
// out (AUTOINCREMENT's, which may exceed the largest stored one) into event_sequence.
std::string migrate_from_1() {
  return std::string(kEventSequenceTable) + R"sql(
  INSERT INTO event_sequence SELECT max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'order_events'), 0),
    coalesce((SELECT max(seq) FROM order_events), 0));
)sql" + order_events_table("order_events_v2") +
         R"sql(
  INSERT INTO order_events_v2(customer_id, seq, order_id, event_type, ts)
    SELECT customer_id, seq, order_id, event_type, ts FROM order_events ORDER BY customer_id, seq;
  DROP TABLE order_events;
  ALTER TABLE order_events_v2 RENAME TO order_events;
)sql" + std::string(kSequenceIndex) +
         set_schema_version();
}

// Schema 2 -> 3: the index that reads events in sequence order.
std::string migrate_from_2() { return std::string(kSequenceIndex) + set_schema_version(); }

constexpr std::string_view kSelectOrder =
    "SELECT order_id, customer_id, total, status, created_at, updated_at, last_seq "
    "FROM orders WHERE order_id = ?1";
constexpr std::string_view kInsertOrder =
    "INSERT INTO orders(order_id, customer_id, total, status, created_at, updated_at, last_seq) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6) ON CONFLICT(order_id) DO NOTHING";
constexpr std::string_view kInsertEvent =
    "INSERT INTO order_events(seq, order_id, customer_id, event_type, ts) "
    "VALUES(?5, ?1, ?2, ?3, ?4)";
// The highest sequence ever handed out (kept even if events are deleted).
constexpr std::string_view kLastSequence = "SELECT last_seq FROM event_sequence";
constexpr std::string_view kSetLastSequence = "UPDATE event_sequence SET last_seq = ?1";
constexpr std::string_view kUpdateStatus =
    "UPDATE orders SET status = ?2, updated_at = ?3, last_seq = ?4 WHERE order_id = ?1";
// A customer's events in a sequence range, optionally of one order (?4, empty: all): one range
// scan of the clustered key in either direction (history pages, backfills, watch resumes).
constexpr std::string_view kCustomerEventsNewestFirst =
    "SELECT seq, order_id, event_type, ts FROM order_events "
    "WHERE customer_id = ?1 AND seq > ?2 AND seq < ?3 AND (?4 = '' OR order_id = ?4) "
    "ORDER BY seq DESC LIMIT ?5";
constexpr std::string_view kCustomerEventsOldestFirst =
    "SELECT seq, order_id, event_type, ts FROM order_events "
    "WHERE customer_id = ?1 AND seq > ?2 AND seq < ?3 AND (?4 = '' OR order_id = ?4) "
    "ORDER BY seq LIMIT ?5";
constexpr std::string_view kEventsAfter =
    "SELECT seq, order_id, customer_id, event_type, ts FROM order_events "
    "WHERE seq > ?1 ORDER BY seq LIMIT ?2";

OrderStatus stored_status(std::string_view text, const SqliteConnection& db) {
  if (auto status = parse_order_status(text)) return *status;
  // Only another program writing the file can get here; retrying will not fix it.
  throw StorageError("unknown status '" + std::string(text) + "' stored in " + db.path(), false);
}

// Reads a row in the column order of kSelectOrder.
Order read_order(const SqliteStatement& row, const SqliteConnection& db) {
  Order order;
  order.id = row.column_text(0);
  order.customer_id = row.column_text(1);
  order.total = static_cast<float>(row.column_double(2));
  order.status = stored_status(row.column_text(3), db);
  order.created_at_ms = row.column_int64(4);
  order.updated_at_ms = row.column_int64(5);
  order.sequence = row.column_int64(6);
  return order;
}

// Waiting a little for a lock held by another process (or a checkpoint) beats failing at once.
constexpr const char* kBusyTimeout = "PRAGMA busy_timeout = 5000";

// When the WAL is copied back into the database file (checkpoint). Orders named by the client (a
// bulk import's ids) land all over the orders b-tree, and each customer's events on its own leaf,
// so a large commit writes thousands of pages to the WAL. Checkpointing every 1,000 pages
// (SQLite's default) would copy the WAL back after nearly every commit; letting it grow to 10,000
// pages (~40 MB) lets a page rewritten by several commits be copied once.
// But a WAL is only given back to the disk by a checkpoint that needs room
// in the database file: on a disk with less free space than that, the WAL took every free byte
// (20.9 MB of WAL beside a 4 KB database on a 20 MB filesystem) and no checkpoint could run any
// more, even after a restart. So the WAL is also checkpointed, and truncated, as soon as it
// exceeds a quarter of the free space left (checked once the WAL passes 1 MiB), and its file is
// cut back to 64 MiB whenever it restarts (above the 40 MB a roomy disk lets it reach, so
// there it is never truncated and regrown; docs/DESIGN.md). The writer's cache size comes from
// SqliteOptions::writer_cache_mib.
constexpr int kCheckpointPages = 10000;
constexpr int kFreeSpaceCheckPages = 256;
constexpr const char* kJournalSizeLimit = "PRAGMA journal_size_limit = 67108864";

// The writer's checkpoint policy, run by SQLite after every commit (sqlite3_wal_hook, which
// replaces wal_autocheckpoint).
struct WalPolicy {
  std::string directory;  // of the database file: where the WAL takes its space
  int64_t page_size = 4096;

  bool low_on_space(int pages) const {
    struct statvfs fs {};
    if (statvfs(directory.c_str(), &fs) != 0) return false;
    const auto free_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
    return int64_t{pages} * page_size * 4 > free_bytes;
  }

  static int after_commit(void* self, sqlite3* db, const char* schema, int pages) {
    if (pages < kFreeSpaceCheckPages) return SQLITE_OK;
    const bool low = static_cast<const WalPolicy*>(self)->low_on_space(pages);
    if (!low && pages < kCheckpointPages) return SQLITE_OK;
    // TRUNCATE hands the file's space back at once; PASSIVE never waits for readers.
    const int rc = sqlite3_wal_checkpoint_v2(
        db, schema, low ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      OS_LOG(kWarn) << "checkpoint of a " << pages << "-page WAL failed: " << sqlite3_errstr(rc);
    }
    return SQLITE_OK;
  }
};

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Applies the pragmas and brings the schema up to date; returns `db` so that it can run in a
// member initializer before the statements that need the tables are prepared.
SqliteConnection& configured_writer(SqliteConnection& db, const SqliteOptions& options) {
  db.exec(kBusyTimeout);
  // Readers must not wait behind the writer, which only WAL offers.
  const std::string mode = db.query_text("PRAGMA journal_mode = WAL");
  if (mode != "wal") {
    throw StorageError(
        "cannot switch " + db.path() + " to WAL mode (journal_mode is '" + mode + "')", false);
  }
  db.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db.exec(kJournalSizeLimit);
  // Negative: in KiB rather than pages.
  db.exec(("PRAGMA cache_size = -" + std::to_string(options.writer_cache_mib * 1024)).c_str());

  TransactionStatements statements(db);
  SqliteTransaction transaction(statements);
  const int64_t version = db.query_int64("PRAGMA user_version");
  if (version > kSchemaVersion) {
    throw StorageError("schema version " + std::to_string(version) + " of " + db.path() +
                           " is newer than this server supports (" +
                           std::to_string(kSchemaVersion) + ")",
                       false);
  }
  // One transaction: a migration that fails half-way leaves schema 1 as it was.
  const auto start = std::chrono::steady_clock::now();
  if (version == 0) db.exec(create_schema().c_str());
  if (version == 1 || version == 2) {
    // Seconds for a large file (2.6 s per million events here): say why start-up waits.
    OS_LOG(kInfo) << "migrating " << db.path() << " from schema " << version << " to "
                  << kSchemaVersion;
    db.exec((version == 1 ? migrate_from_1() : migrate_from_2()).c_str());
  }
  transaction.commit();
  if (version == 1 || version == 2) {
    OS_LOG(kInfo) << "migrated " << db.path() << " to schema " << kSchemaVersion << " in "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count()
                  << " ms";
  }
  return db;
}

SqliteConnection& configured_reader(SqliteConnection& db) {
  db.exec(kBusyTimeout);
  return db;
}

// The single write connection and its statements. Guarded by Impl::write_mutex.
struct Writer {
  explicit Writer(const SqliteOptions& options)
      : db(options.path, SqliteConnection::Mode::kReadWriteCreate),
        wal_policy{directory_of(options.path)},
        transaction(configured_writer(db, options)),
        select_order(db, kSelectOrder),
        insert_order(db, kInsertOrder),
        insert_event(db, kInsertEvent),
        update_status(db, kUpdateStatus),
        last_sequence(db, kLastSequence),
        set_last_sequence(db, kSetLastSequence) {
    wal_policy.page_size = db.query_int64("PRAGMA page_size");
    sqlite3_wal_hook(db.get(), &WalPolicy::after_commit, &wal_policy);
  }

  // The hook points at wal_policy, which goes before db does.
  ~Writer() { sqlite3_wal_hook(db.get(), nullptr, nullptr); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs one write transaction (`body`). A transaction that failed (a full disk, above all) still
  // left its frames in the WAL, so the WAL is checkpointed and truncated right after, and before
  // every later write until that succeeds: once space returns, writes work again without a
  // restart, and the WAL does not stay at the size of the disk.
  template <typename Body>
  auto write(Body&& body) -> decltype(body()) {
    if (reclaim_pending) reclaim_wal();
    try {
      return body();
    } catch (const StorageError&) {
      reclaim_pending = true;
      reclaim_wal();
      throw;
    }
  }

  void reclaim_wal() {
    const int rc =
        sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (rc == SQLITE_OK) {
      if (reclaim_pending) {
        OS_LOG(kInfo) << "WAL of " << db.path() << " checkpointed and truncated";
      }
      reclaim_pending = false;
    } else {
      OS_LOG(kDebug) << "WAL checkpoint after a failed write did not complete: "
                     << sqlite3_errstr(rc);
    }
  }

  // The next sequence to hand out. Read inside the write transaction (the writer holds SQLite's
  // write lock, so nobody else can take it) at the cost of one b-tree lookup per transaction.
  int64_t next_sequence() {
    StatementScope query(last_sequence);
    query->step();
    return last_sequence.column_int64(0) + 1;
  }

  // Records `seq` as the highest sequence handed out; once per transaction.
  void record_last_sequence(int64_t seq) {
    StatementScope update(set_last_sequence);
    update->bind_int64(1, seq);
    update->step();
  }

  // Appends the event with sequence `seq`, which the caller took from next_sequence().
  void append_event(int64_t seq, std::string_view order_id, std::string_view customer_id,
                    OrderStatus type, int64_t ts) {
    StatementScope insert(insert_event);
    insert->bind_text(1, order_id);
    insert->bind_text(2, customer_id);
    insert->bind_text(3, to_string(type));
    insert->bind_int64(4, ts);
    insert->bind_int64(5, seq);
    insert->step();
  }

  // Declaration order is initialization order: the schema exists before the statements compile.
  SqliteConnection db;
  WalPolicy wal_policy;  // read by SQLite after each commit of db
  bool reclaim_pending = false;
  TransactionStatements transaction;
  SqliteStatement select_order;
  SqliteStatement insert_order;
  SqliteStatement insert_event;
  SqliteStatement update_status;
  SqliteStatement last_sequence;
  SqliteStatement set_last_sequence;
};

// One read connection with its own statements; WAL gives each read the last committed snapshot.
struct Reader {
  explicit Reader(const std::string& path)
      : db(path, SqliteConnection::Mode::kReadOnly),
        select_order(configured_reader(db), kSelectOrder),
        newest_first(db, kCustomerEventsNewestFirst),
        oldest_first(db, kCustomerEventsOldestFirst),
        events_after(db, kEventsAfter) {}

  SqliteConnection db;
  SqliteStatement select_order;
  SqliteStatement newest_first;
  SqliteStatement oldest_first;
  SqliteStatement events_after;
};

// A fixed set of readers handed out one caller at a time; callers wait when all are busy rather
// than opening more connections.
class ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool& pool, Reader& reader) : pool_(pool), reader_(reader) {}
    ~Lease() { pool_.release(reader_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Reader* operator->() const { return &reader_; }

   private:
    ReaderPool& pool_;
    Reader& reader_;
  };

  ReaderPool(const std::string& path, std::size_t count) {
    count = std::max<std::size_t>(count, 1);
    readers_.reserve(count);
    idle_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      readers_.push_back(std::make_unique<Reader>(path));
      idle_.push_back(readers_.back().get());
    }
  }

  Lease acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    Reader* reader = idle_.back();
    idle_.pop_back();
    return Lease(*this, *reader);
  }

 private:
  void release(Reader& reader) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(&reader);
    }
    available_.notify_one();
  }

  std::vector<std::unique_ptr<Reader>> readers_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Reader*> idle_;  // guarded by mutex_
};

}  // namespace

struct SqliteOrderStore::Impl {
  explicit Impl(const SqliteOptions& options)
      : lock(options.path), writer(options), readers(options.path, options.reader_connections) {}

  DatabaseLock lock;  // taken before the file is opened, released after it is closed

  std::mutex write_mutex;
  Writer writer;  // guarded by write_mutex
  // Declared last so that the readers close first and the writer, closing last, checkpoints the
  // WAL back into the database file.
  ReaderPool readers;
};

SqliteOrderStore::SqliteOrderStore(SqliteOptions options)
    : impl_(std::make_unique<Impl>(options)) {}

SqliteOrderStore::~SqliteOrderStore() = default;

std::vector<CreateOutcome> SqliteOrderStore::do_create_orders(std::vector<NewOrder> orders,
                                                              int64_t now_ms, const Deadline&) {
  std::vector<CreateOutcome> outcomes;
  if (orders.empty()) return outcomes;
  outcomes.reserve(orders.size());

  std::lock_guard lock(impl_->write_mutex);
  Writer& w = impl_->writer;
  return w.write([&]() -> std::vector<CreateOutcome> {
    SqliteTransaction transaction(w.transaction);
    int64_t seq = w.next_sequence();
    std::vector<const Order*> created;  // point into `outcomes`, whose storage is reserved
    created.reserve(orders.size());
    for (NewOrder& request : orders) {
      CreateOutcome& outcome = outcomes.emplace_back();
      // Insert first, and look the row up only when the id was taken: new orders (the common case
      // in a bulk import) cost one search of the orders tree, not two. The sequence is assigned
      // here rather than by the events table so that the order row is written once, complete, and
      // so that the events can be inserted in another order below.
      {
        StatementScope insert(w.insert_order);
        insert->bind_text(1, request.id);
        insert->bind_text(2, request.customer_id);
        insert->bind_double(3, static_cast<double>(request.total));
        insert->bind_text(4, to_string(OrderStatus::kCreated));
        insert->bind_int64(5, now_ms);
        insert->bind_int64(6, seq);
        insert->step();
      }
      if (w.db.changes() == 0) {
        StatementScope select(w.select_order);
        select->bind_text(1, request.id);
        select->step();
        outcome.order = read_order(w.select_order, w.db);
        outcome.kind = same_content(outcome.order, request) ? CreateOutcome::Kind::kExisting
                                                            : CreateOutcome::Kind::kConflict;
        continue;
      }
      outcome.kind = CreateOutcome::Kind::kCreated;
      outcome.order = Order{std::move(request.id),
                            std::move(request.customer_id),
                            request.total,
                            OrderStatus::kCreated,
                            now_ms,
                            now_ms,
                            seq};
      created.push_back(&outcome.order);
      ++seq;
    }
    // The events go in grouped by customer (their sequences were fixed above, in arrival order):
    // consecutive inserts then land on the same leaf of the events table, keyed by (customer_id,
    // seq), which stays hot, instead of hopping between the leaves of every customer in the batch.
    std::stable_sort(created.begin(), created.end(), [](const Order* a, const Order* b) {
      return a->customer_id < b->customer_id;
    });
    for (const Order* order : created) {
      w.append_event(order->sequence, order->id, order->customer_id, OrderStatus::kCreated, now_ms);
    }
    if (!created.empty()) w.record_last_sequence(seq - 1);
    transaction.commit();
    return outcomes;
  });
}

StatusChangeOutcome SqliteOrderStore::do_compare_and_set_status(std::string_view order_id,
                                                                OrderStatus expected,
                                                                OrderStatus to, int64_t now_ms,
                                                                const Deadline&) {
  std::lock_guard lock(impl_->write_mutex);
  Writer& w = impl_->writer;
  return w.write([&]() -> StatusChangeOutcome {
    StatusChangeOutcome outcome;
    // Early returns leave the transaction to roll back: nothing was written.
    SqliteTransaction transaction(w.transaction);
    {
      StatementScope select(w.select_order);
      select->bind_text(1, order_id);
      if (!select->step()) {
        outcome.kind = StatusChangeOutcome::Kind::kNotFound;
        return outcome;
      }
      outcome.order = read_order(w.select_order, w.db);
    }
    if (outcome.order.status != expected) {
      outcome.kind = StatusChangeOutcome::Kind::kStale;
      return outcome;
    }
    const int64_t seq = w.next_sequence();
    w.append_event(seq, order_id, outcome.order.customer_id, to, now_ms);
    w.record_last_sequence(seq);
    {
      StatementScope update(w.update_status);
      update->bind_text(1, order_id);
      update->bind_text(2, to_string(to));
      update->bind_int64(3, now_ms);
      update->bind_int64(4, seq);
      update->step();
    }
    transaction.commit();
    outcome.kind = StatusChangeOutcome::Kind::kChanged;
    outcome.order.status = to;
    outcome.order.updated_at_ms = now_ms;
    outcome.order.sequence = seq;
    outcome.event = latest_event_of(outcome.order);
    return outcome;
  });
}

std::optional<Order> SqliteOrderStore::do_find_order(std::string_view order_id, const Deadline&) {
  auto reader = impl_->readers.acquire();
  StatementScope select(reader->select_order);
  select->bind_text(1, order_id);
  if (!select->step()) return std::nullopt;
  return read_order(reader->select_order, reader->db);
}

std::vector<OrderEvent> SqliteOrderStore::do_customer_events(const EventRange& range,
                                                             const Deadline&) {
  std::vector<OrderEvent> events;
  if (range.limit == 0) return events;
  constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<int64_t>::max());
  // Pages are small in practice; do not let a huge limit reserve memory up front.
  events.reserve(std::min<std::size_t>(range.limit, 256));

  auto reader = impl_->readers.acquire();
  SqliteStatement& statement = range.oldest_first ? reader->oldest_first : reader->newest_first;
  StatementScope query(statement);
  query->bind_text(1, range.customer_id);
  query->bind_int64(2, range.after_sequence);
  query->bind_int64(3, range.before_sequence);
  query->bind_text(4, range.order_id);
  query->bind_int64(5, static_cast<int64_t>(std::min(range.limit, kMaxLimit)));
  while (query->step()) {
    events.push_back(OrderEvent{statement.column_int64(0), std::string(statement.column_text(1)),
                                std::string(range.customer_id),
                                stored_status(statement.column_text(2), reader->db),
                                statement.column_int64(3)});
  }
  return events;
}

std::vector<OrderEvent> SqliteOrderStore::do_events_after(int64_t after_sequence, std::size_t limit,
                                                          const Deadline&) {
  std::vector<OrderEvent> events;
  if (limit == 0) return events;
  constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<int64_t>::max());
  events.reserve(std::min<std::size_t>(limit, 256));

  auto reader = impl_->readers.acquire();
  StatementScope query(reader->events_after);
  query->bind_int64(1, after_sequence);
  query->bind_int64(2, static_cast<int64_t>(std::min(limit, kMaxLimit)));
  while (query->step()) {
    const SqliteStatement& row = reader->events_after;
    events.push_back(OrderEvent{
        row.column_int64(0), std::string(row.column_text(1)), std::string(row.column_text(2)),
        stored_status(row.column_text(3), reader->db), row.column_int64(4)});
  }
  return events;
}

}  // namespace orderstream::storage
