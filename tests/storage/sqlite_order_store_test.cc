// What is particular to the SQLite store: its schema, migrations, file and lock handling. The
// behaviour every store shares is the contract suite (order_store_contract_test.cc).
#include "storage/sqlite_order_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "domain/storage_error.h"
#include "storage/sqlite_connection.h"

namespace orderstream::storage {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFirstPage = std::numeric_limits<int64_t>::max();
constexpr int64_t kNow = 1'700'000'000'000;

std::vector<OrderEvent> history_page(OrderStore& store, std::string_view customer, int64_t before,
                                     std::size_t limit) {
  return store.customer_events(
      EventRange::of_customer(customer).with_before(before).with_limit(limit));
}

using CreateKind = CreateOutcome::Kind;
using ChangeKind = StatusChangeOutcome::Kind;

class SqliteOrderStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "orderstream-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    options_.path = (dir_ / "orders.db").string();
    options_.synchronous_full = false;  // durability is not under test; keep the suite quick
    options_.reader_connections = 2;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  CreateOutcome create_one(SqliteOrderStore& store, const std::string& id,
                           const std::string& customer, float total, int64_t now = kNow) {
    const std::vector<NewOrder> batch{NewOrder{id, customer, total}};
    auto outcomes = store.create_orders(batch, now);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.at(0);
  }

  fs::path dir_;
  SqliteOptions options_;
};

TEST_F(SqliteOrderStoreTest, HistoryQueryIsARangeScanOfTheClusteredTable) {
  { SqliteOrderStore store(options_); }
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  SqliteStatement plan(db,
                       "EXPLAIN QUERY PLAN SELECT seq, order_id, event_type, ts FROM order_events "
                       "WHERE customer_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3");
  std::string details;
  while (plan.step()) {
    details += plan.column_text(3);
    details += "\n";
  }
  EXPECT_NE(details.find("USING PRIMARY KEY (customer_id=? AND seq<?)"), std::string::npos)
      << details;
  EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;  // no sort step
}

// Catch-up reads every customer's events in sequence order: a range scan of the seq index.
TEST_F(SqliteOrderStoreTest, EventsAfterQueryIsARangeScanOfTheSequenceIndex) {
  { SqliteOrderStore store(options_); }
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  SqliteStatement plan(db,
                       "EXPLAIN QUERY PLAN SELECT seq, order_id, customer_id, event_type, ts "
                       "FROM order_events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  std::string details;
  while (plan.step()) {
    details += plan.column_text(3);
    details += "\n";
  }
  EXPECT_NE(details.find("USING INDEX order_events_by_seq (seq>?)"), std::string::npos) << details;
  EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;
}

// A schema-2 file (no sequence index) gets the index on open, its events untouched.
TEST_F(SqliteOrderStoreTest, SchemaTwoGainsTheSequenceIndex) {
  {
    SqliteOrderStore store(options_);
    create_one(store, "ORD-1", "cust-a", 1.0f);
  }
  {
    SqliteConnection db(options_.path, SqliteConnection::Mode::kReadWriteCreate);
    db.exec("DROP INDEX order_events_by_seq; PRAGMA user_version = 2;");
  }
  SqliteOrderStore store(options_);
  EXPECT_EQ(store.events_after(0, 10).size(), 1u);
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 3);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'order_events_by_seq'"),
            1);
}

TEST_F(SqliteOrderStoreTest, SchemaIsVersionedAndInWalMode) {
  { SqliteOrderStore store(options_); }
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 3);
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name IN "
                           "('orders', 'order_events', 'event_sequence')"),
            3);
}

TEST_F(SqliteOrderStoreTest, TotalIsStoredAsTheFloatWidenedToDouble) {
  {
    SqliteOrderStore store(options_);
    create_one(store, "ORD-1", "c", 0.1f);
  }
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  SqliteStatement total(db, "SELECT total FROM orders WHERE order_id = 'ORD-1'");
  ASSERT_TRUE(total.step());
  EXPECT_EQ(total.column_double(0), static_cast<double>(0.1f));
}

// A file written by schema 1 (rowid events table, AUTOINCREMENT, an index) is migrated on open:
// every event kept, and new sequences start above the highest one schema 1 ever handed out,
// including one whose event was deleted.
TEST_F(SqliteOrderStoreTest, SchemaOneIsMigratedKeepingEventsAndSequences) {
  {
    SqliteConnection db(options_.path, SqliteConnection::Mode::kReadWriteCreate);
    db.exec(R"sql(
      CREATE TABLE orders(order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL,
        total REAL NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL, last_seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE order_events(seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL,
        customer_id TEXT NOT NULL, event_type TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE INDEX order_events_by_customer ON order_events(customer_id, seq);
      INSERT INTO orders VALUES('ORD-1', 'cust-a', 5.0, 'SHIPPED', 1, 2, 3);
      INSERT INTO orders VALUES('ORD-2', 'cust-b', 6.0, 'CREATED', 1, 1, 2);
      INSERT INTO order_events(seq, order_id, customer_id, event_type, ts) VALUES
        (1, 'ORD-1', 'cust-a', 'CREATED', 1), (2, 'ORD-2', 'cust-b', 'CREATED', 1),
        (3, 'ORD-1', 'cust-a', 'SHIPPED', 2), (4, 'ORD-9', 'cust-c', 'CREATED', 3);
      DELETE FROM order_events WHERE seq = 4;
      PRAGMA user_version = 1;
    )sql");
  }
  SqliteOrderStore store(options_);
  const auto history = history_page(store, "cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].sequence, 3);
  EXPECT_EQ(history[0].type, OrderStatus::kShipped);
  EXPECT_EQ(history[1].sequence, 1);
  EXPECT_EQ(history_page(store, "cust-b", kFirstPage, 10).size(), 1u);
  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kShipped);
  EXPECT_EQ(create_one(store, "ORD-3", "cust-a", 1.0f).order.sequence, 5);
  EXPECT_EQ(store.compare_and_set_status("ORD-2", OrderStatus::kCreated, OrderStatus::kShipped, 9)
                .event.sequence,
            6);

  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 3);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'order_events%' "
                           "AND type = 'table'"),
            1);
  EXPECT_EQ(store.events_after(0, 100).size(), 5u);  // 1, 2, 3 kept, 5 and 6 new
}

TEST_F(SqliteOrderStoreTest, OpeningInMissingDirectoryThrows) {
  options_.path = (dir_ / "missing" / "orders.db").string();
  try {
    SqliteOrderStore store(options_);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_NE(std::string(e.what()).find(options_.path), std::string::npos) << e.what();
  }
}

TEST_F(SqliteOrderStoreTest, NewerSchemaVersionIsRefused) {
  { SqliteOrderStore store(options_); }
  {
    SqliteConnection db(options_.path, SqliteConnection::Mode::kReadWriteCreate);
    db.exec("PRAGMA user_version = 4");
  }
  try {
    SqliteOrderStore store(options_);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient());
  }
}

TEST_F(SqliteOrderStoreTest, UnknownStoredStatusIsPermanentError) {
  SqliteOrderStore store(options_);
  create_one(store, "ORD-1", "c", 1.0f);
  {
    SqliteConnection db(options_.path, SqliteConnection::Mode::kReadWriteCreate);
    db.exec("UPDATE orders SET status = 'LOST'");
  }
  try {
    store.find_order("ORD-1");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient());
  }
}

TEST_F(SqliteOrderStoreTest, WriteLockHeldByAnotherProcessIsTransientAndRecovers) {
  SqliteOrderStore store(options_);
  {
    SqliteConnection other(options_.path, SqliteConnection::Mode::kReadWriteCreate);
    TransactionStatements statements(other);
    SqliteTransaction held(statements);
    try {
      create_one(store, "ORD-1", "c", 1.0f);  // waits out the 5 s busy timeout
      FAIL() << "expected StorageError";
    } catch (const StorageError& e) {
      EXPECT_TRUE(e.transient()) << e.what();
    }
  }
  EXPECT_EQ(create_one(store, "ORD-1", "c", 1.0f).kind, CreateKind::kCreated);
}

}  // namespace
}  // namespace orderstream::storage
