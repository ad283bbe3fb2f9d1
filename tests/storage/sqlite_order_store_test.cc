#include "storage/sqlite_order_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/storage_error.h"
#include "storage/sqlite_connection.h"

namespace orderstream::storage {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFirstPage = std::numeric_limits<int64_t>::max();
constexpr int64_t kNow = 1'700'000'000'000;

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

  // Every event of the customer, walking pages of `page_size` newest first.
  static std::vector<OrderEvent> all_pages(SqliteOrderStore& store, const std::string& customer,
                                           std::size_t page_size, int* pages = nullptr) {
    std::vector<OrderEvent> events;
    int64_t before = kFirstPage;
    int count = 0;
    for (;;) {
      auto page = store.history_page(customer, before, page_size);
      EXPECT_LE(page.size(), page_size);
      if (page.empty()) break;
      ++count;
      events.insert(events.end(), page.begin(), page.end());
      before = page.back().sequence;
      if (count > 10'000) break;  // a bug must not hang the test
    }
    if (pages != nullptr) *pages = count;
    return events;
  }

  fs::path dir_;
  SqliteOptions options_;
};

TEST_F(SqliteOrderStoreTest, CreatesNewOrderWithItsEvent) {
  SqliteOrderStore store(options_);
  const CreateOutcome outcome = create_one(store, "ORD-1", "cust-a", 19.99f);
  ASSERT_EQ(outcome.kind, CreateKind::kCreated);
  EXPECT_EQ(outcome.order.id, "ORD-1");
  EXPECT_EQ(outcome.order.customer_id, "cust-a");
  EXPECT_EQ(outcome.order.total, 19.99f);
  EXPECT_EQ(outcome.order.status, OrderStatus::kCreated);
  EXPECT_EQ(outcome.order.created_at_ms, kNow);
  EXPECT_EQ(outcome.order.updated_at_ms, kNow);
  EXPECT_GT(outcome.order.sequence, 0);

  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->customer_id, "cust-a");
  EXPECT_EQ(found->total, 19.99f);
  EXPECT_EQ(found->status, OrderStatus::kCreated);
  EXPECT_EQ(found->created_at_ms, kNow);
  EXPECT_EQ(found->sequence, outcome.order.sequence);

  const auto history = store.history_page("cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].sequence, outcome.order.sequence);
  EXPECT_EQ(history[0].order_id, "ORD-1");
  EXPECT_EQ(history[0].customer_id, "cust-a");
  EXPECT_EQ(history[0].type, OrderStatus::kCreated);
  EXPECT_EQ(history[0].timestamp_ms, kNow);
}

TEST_F(SqliteOrderStoreTest, RetryWithSameContentIsExisting) {
  SqliteOrderStore store(options_);
  const CreateOutcome first = create_one(store, "ORD-1", "cust-a", 19.99f);
  const CreateOutcome retry = create_one(store, "ORD-1", "cust-a", 19.99f, kNow + 500);
  ASSERT_EQ(retry.kind, CreateKind::kExisting);
  EXPECT_EQ(retry.order.sequence, first.order.sequence);
  EXPECT_EQ(retry.order.created_at_ms, kNow);  // the stored row, not the retry's time
  EXPECT_EQ(store.history_page("cust-a", kFirstPage, 10).size(), 1u);  // no second event
}

TEST_F(SqliteOrderStoreTest, SameIdWithOtherContentIsConflict) {
  SqliteOrderStore store(options_);
  create_one(store, "ORD-1", "cust-a", 19.99f);
  const CreateOutcome other_total = create_one(store, "ORD-1", "cust-a", 20.0f);
  ASSERT_EQ(other_total.kind, CreateKind::kConflict);
  EXPECT_EQ(other_total.order.total, 19.99f);  // the stored row
  const CreateOutcome other_customer = create_one(store, "ORD-1", "cust-b", 19.99f);
  ASSERT_EQ(other_customer.kind, CreateKind::kConflict);
  EXPECT_EQ(other_customer.order.customer_id, "cust-a");
  EXPECT_TRUE(store.history_page("cust-b", kFirstPage, 10).empty());
}

TEST_F(SqliteOrderStoreTest, IdRepeatedWithinBatchCountsAsExistingOrConflict) {
  SqliteOrderStore store(options_);
  const std::vector<NewOrder> batch{
      {"ORD-1", "cust-a", 5.0f},
      {"ORD-2", "cust-a", 6.0f},
      {"ORD-1", "cust-a", 5.0f},
      {"ORD-1", "cust-a", 7.0f},
  };
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[1].kind, CreateKind::kCreated);
  EXPECT_EQ(outcomes[2].kind, CreateKind::kExisting);
  EXPECT_EQ(outcomes[2].order.sequence, outcomes[0].order.sequence);
  EXPECT_EQ(outcomes[3].kind, CreateKind::kConflict);
  EXPECT_EQ(outcomes[3].order.total, 5.0f);
  EXPECT_EQ(store.history_page("cust-a", kFirstPage, 10).size(), 2u);
}

TEST_F(SqliteOrderStoreTest, EmptyBatchReturnsNothing) {
  SqliteOrderStore store(options_);
  EXPECT_TRUE(store.create_orders({}, kNow).empty());
}

TEST_F(SqliteOrderStoreTest, SequencesIncreaseStrictlyAcrossCalls) {
  SqliteOrderStore store(options_);
  int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    const std::vector<NewOrder> batch{{"A" + std::to_string(i), "c", 1.0f},
                                      {"B" + std::to_string(i), "c", 2.0f}};
    for (const auto& outcome : store.create_orders(batch, kNow)) {
      ASSERT_EQ(outcome.kind, CreateKind::kCreated);
      EXPECT_GT(outcome.order.sequence, last);
      last = outcome.order.sequence;
    }
    const auto change = store.compare_and_set_status("A" + std::to_string(i), OrderStatus::kCreated,
                                                     OrderStatus::kShipped, kNow);
    ASSERT_EQ(change.kind, ChangeKind::kChanged);
    EXPECT_GT(change.event.sequence, last);
    last = change.event.sequence;
  }
}

TEST_F(SqliteOrderStoreTest, CompareAndSetChangesStatusAndAppendsEvent) {
  SqliteOrderStore store(options_);
  const CreateOutcome created = create_one(store, "ORD-1", "cust-a", 3.5f);
  const auto change = store.compare_and_set_status("ORD-1", OrderStatus::kCreated,
                                                   OrderStatus::kShipped, kNow + 1000);
  ASSERT_EQ(change.kind, ChangeKind::kChanged);
  EXPECT_EQ(change.order.status, OrderStatus::kShipped);
  EXPECT_EQ(change.order.created_at_ms, kNow);
  EXPECT_EQ(change.order.updated_at_ms, kNow + 1000);
  EXPECT_GT(change.order.sequence, created.order.sequence);
  EXPECT_EQ(change.event.sequence, change.order.sequence);
  EXPECT_EQ(change.event.order_id, "ORD-1");
  EXPECT_EQ(change.event.customer_id, "cust-a");
  EXPECT_EQ(change.event.type, OrderStatus::kShipped);
  EXPECT_EQ(change.event.timestamp_ms, kNow + 1000);

  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kShipped);
  EXPECT_EQ(found->updated_at_ms, kNow + 1000);
  EXPECT_EQ(found->sequence, change.event.sequence);

  const auto history = store.history_page("cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].type, OrderStatus::kShipped);
  EXPECT_EQ(history[0].sequence, change.event.sequence);
  EXPECT_EQ(history[1].type, OrderStatus::kCreated);
}

TEST_F(SqliteOrderStoreTest, CompareAndSetIsStaleWhenStatusMoved) {
  SqliteOrderStore store(options_);
  create_one(store, "ORD-1", "cust-a", 3.5f);
  ASSERT_EQ(
      store.compare_and_set_status("ORD-1", OrderStatus::kCreated, OrderStatus::kShipped, kNow)
          .kind,
      ChangeKind::kChanged);
  const auto stale = store.compare_and_set_status("ORD-1", OrderStatus::kCreated,
                                                  OrderStatus::kCancelled, kNow + 1);
  ASSERT_EQ(stale.kind, ChangeKind::kStale);
  EXPECT_EQ(stale.order.status, OrderStatus::kShipped);  // the current row
  EXPECT_EQ(store.find_order("ORD-1")->status, OrderStatus::kShipped);
  EXPECT_EQ(store.history_page("cust-a", kFirstPage, 10).size(), 2u);  // nothing appended
}

TEST_F(SqliteOrderStoreTest, CompareAndSetOnMissingOrderIsNotFound) {
  SqliteOrderStore store(options_);
  const auto outcome =
      store.compare_and_set_status("nope", OrderStatus::kCreated, OrderStatus::kShipped, kNow);
  EXPECT_EQ(outcome.kind, ChangeKind::kNotFound);
  // The rolled-back transaction leaves the writer usable.
  EXPECT_EQ(create_one(store, "ORD-1", "c", 1.0f).kind, CreateKind::kCreated);
}

TEST_F(SqliteOrderStoreTest, FindMissingOrderIsNullopt) {
  SqliteOrderStore store(options_);
  create_one(store, "ORD-1", "cust-a", 1.0f);
  EXPECT_FALSE(store.find_order("ORD-2").has_value());
  EXPECT_FALSE(store.find_order("").has_value());
}

TEST_F(SqliteOrderStoreTest, HistoryPaginatesNewestFirstWithEveryEventOnce) {
  SqliteOrderStore store(options_);
  // Interleave another customer's events so that pages must skip them.
  std::set<int64_t> expected;
  for (const char* id : {"O1", "O2", "O3"}) {
    expected.insert(create_one(store, id, "cust-a", 1.0f).order.sequence);
    create_one(store, std::string(id) + "-other", "cust-b", 1.0f);
  }
  for (const char* id : {"O1", "O2", "O3"}) {
    auto shipped =
        store.compare_and_set_status(id, OrderStatus::kCreated, OrderStatus::kShipped, kNow);
    ASSERT_EQ(shipped.kind, ChangeKind::kChanged);
    expected.insert(shipped.event.sequence);
    store.compare_and_set_status(std::string(id) + "-other", OrderStatus::kCreated,
                                 OrderStatus::kCancelled, kNow);
  }
  auto delivered =
      store.compare_and_set_status("O2", OrderStatus::kShipped, OrderStatus::kDelivered, kNow);
  expected.insert(delivered.event.sequence);
  ASSERT_EQ(expected.size(), 7u);

  int pages = 0;
  const auto events = all_pages(store, "cust-a", 2, &pages);
  EXPECT_EQ(pages, 4);  // 2 + 2 + 2 + 1
  ASSERT_EQ(events.size(), 7u);
  std::set<int64_t> seen;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].customer_id, "cust-a");
    EXPECT_EQ(events[i].order_id.find("-other"), std::string::npos);
    if (i > 0) {
      EXPECT_LT(events[i].sequence, events[i - 1].sequence);
    }
    seen.insert(events[i].sequence);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(events.front().type, OrderStatus::kDelivered);
  EXPECT_EQ(events.front().order_id, "O2");
}

TEST_F(SqliteOrderStoreTest, HistoryRespectsBeforeSequenceAndLimit) {
  SqliteOrderStore store(options_);
  std::vector<int64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    seqs.push_back(create_one(store, "O" + std::to_string(i), "c", 1.0f).order.sequence);
  }
  const auto page = store.history_page("c", seqs[3], 10);  // strictly before seqs[3]
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].sequence, seqs[2]);
  EXPECT_EQ(page[2].sequence, seqs[0]);
  EXPECT_TRUE(store.history_page("c", seqs[0], 10).empty());
  EXPECT_TRUE(store.history_page("c", kFirstPage, 0).empty());
  EXPECT_EQ(store.history_page("c", kFirstPage, std::numeric_limits<std::size_t>::max()).size(),
            5u);
}

TEST_F(SqliteOrderStoreTest, HistoryOfUnknownCustomerIsEmpty) {
  SqliteOrderStore store(options_);
  create_one(store, "ORD-1", "cust-a", 1.0f);
  EXPECT_TRUE(store.history_page("cust-z", kFirstPage, 10).empty());
  EXPECT_TRUE(store.history_page("", kFirstPage, 10).empty());
}

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

TEST_F(SqliteOrderStoreTest, SchemaIsVersionedAndInWalMode) {
  { SqliteOrderStore store(options_); }
  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 2);
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

TEST_F(SqliteOrderStoreTest, DataPersistsAcrossReopen) {
  int64_t last_seq = 0;
  {
    SqliteOrderStore store(options_);
    create_one(store, "ORD-1", "cust-a", 42.5f);
    last_seq = store
                   .compare_and_set_status("ORD-1", OrderStatus::kCreated, OrderStatus::kCancelled,
                                           kNow + 7)
                   .event.sequence;
    ASSERT_GT(last_seq, 0);
  }
  SqliteOrderStore reopened(options_);
  const auto found = reopened.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kCancelled);
  EXPECT_EQ(found->total, 42.5f);
  EXPECT_EQ(found->updated_at_ms, kNow + 7);
  EXPECT_EQ(found->sequence, last_seq);
  EXPECT_EQ(reopened.history_page("cust-a", kFirstPage, 10).size(), 2u);
  EXPECT_EQ(create_one(reopened, "ORD-1", "cust-a", 42.5f).kind, CreateKind::kExisting);
  EXPECT_GT(create_one(reopened, "ORD-2", "cust-a", 1.0f).order.sequence, last_seq);
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
  const auto history = store.history_page("cust-a", kFirstPage, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].sequence, 3);
  EXPECT_EQ(history[0].type, OrderStatus::kShipped);
  EXPECT_EQ(history[1].sequence, 1);
  EXPECT_EQ(store.history_page("cust-b", kFirstPage, 10).size(), 1u);
  const auto found = store.find_order("ORD-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, OrderStatus::kShipped);
  EXPECT_EQ(create_one(store, "ORD-3", "cust-a", 1.0f).order.sequence, 5);
  EXPECT_EQ(store.compare_and_set_status("ORD-2", OrderStatus::kCreated, OrderStatus::kShipped, 9)
                .event.sequence,
            6);

  SqliteConnection db(options_.path, SqliteConnection::Mode::kReadOnly);
  EXPECT_EQ(db.query_int64("PRAGMA user_version"), 2);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'order_events%'"),
            1);
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
    db.exec("PRAGMA user_version = 3");
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

TEST_F(SqliteOrderStoreTest, LargeBatchCommits) {
  SqliteOrderStore store(options_);
  std::vector<NewOrder> batch;
  for (int i = 0; i < 10'000; ++i) {
    batch.push_back(
        {"ORD-" + std::to_string(i), "cust-" + std::to_string(i % 7), static_cast<float>(i) / 4});
  }
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), batch.size());
  std::set<int64_t> seqs;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_EQ(outcomes[i].kind, CreateKind::kCreated) << i;
    EXPECT_EQ(outcomes[i].order.id, batch[i].id);
    seqs.insert(outcomes[i].order.sequence);
  }
  EXPECT_EQ(seqs.size(), batch.size());
  const auto last = store.find_order("ORD-9999");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->total, 9999.0f / 4);
  EXPECT_EQ(all_pages(store, "cust-3", 500).size(), 1429u);  // i = 3, 10, ..., 9999
}

TEST_F(SqliteOrderStoreTest, ReadersSeeCommittedBatchesWhileWriterRuns) {
  constexpr int kBatches = 60;
  constexpr int kBatchSize = 10;
  constexpr std::size_t kTotalEvents = kBatches * (kBatchSize + 1);  // + one SHIPPED per batch
  SqliteOrderStore store(options_);
  std::atomic<bool> writer_done{false};

  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<NewOrder> batch;
      for (int i = 0; i < kBatchSize; ++i) {
        batch.push_back({"B" + std::to_string(b) + "-" + std::to_string(i), "cust", 1.0f});
      }
      store.create_orders(batch, kNow + b);
      store.compare_and_set_status(batch[0].id, OrderStatus::kCreated, OrderStatus::kShipped,
                                   kNow + b);
    }
    writer_done = true;
  });

  std::atomic<int> failures{0};
  auto reader = [&] {
    std::size_t previous = 0;
    for (int round = 0; round < 2'000; ++round) {
      const bool last_round = writer_done.load();
      const auto events = store.history_page("cust", kFirstPage, 100'000);
      std::size_t created = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].customer_id != "cust") ++failures;
        if (i > 0 && events[i].sequence >= events[i - 1].sequence) ++failures;
        if (events[i].type == OrderStatus::kCreated) ++created;
      }
      if (created % kBatchSize != 0) ++failures;  // a batch is visible whole or not at all
      if (events.size() < previous) ++failures;   // snapshots only move forward
      previous = events.size();
      if (!events.empty()) {
        // The newest event's order is visible, at least as new as that event.
        const auto order = store.find_order(events.front().order_id);
        if (!order || order->sequence < events.front().sequence) ++failures;
      }
      if (last_round) {
        if (events.size() != kTotalEvents) ++failures;  // everything committed is visible
        break;
      }
    }
  };
  std::thread reader_a(reader);
  std::thread reader_b(reader);
  writer.join();
  reader_a.join();
  reader_b.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(all_pages(store, "cust", 64).size(), kTotalEvents);
}

}  // namespace
}  // namespace orderstream::storage
