// What is particular to the PostgreSQL store: its schema and start-up under concurrent replicas,
// the NOTIFY after each commit, sequences visible in commit order across replicas, timeouts and
// recovery from a lost database. The behaviour every store shares is the contract suite.
#include "storage/pg_order_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/cancellation.h"
#include "domain/deadline.h"
#include "domain/storage_error.h"
#include "faults/tcp_proxy.h"
#include "storage/pg_connection.h"
#include "storage/pg_events_channel.h"
#include "storage/pg_events_query.h"
#include "support/pg_test_database.h"

namespace orderstream::storage {
namespace {

using testing::PgTestSchema;
using CreateKind = CreateOutcome::Kind;
using ChangeKind = StatusChangeOutcome::Kind;

constexpr int64_t kNow = 1'700'000'000'000;

class PgOrderStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  }

  static CreateOutcome create_one(OrderStore& store, const std::string& id,
                                  const std::string& customer = "c") {
    return store.create_orders({NewOrder{id, customer, 1.0f}}, kNow).at(0);
  }

  std::optional<std::string> url_;
};

// The StorageError a call throws, or a test failure if it throws none.
template <class Call>
std::optional<StorageError> storage_error_of(Call&& call) {
  try {
    call();
  } catch (const StorageError& e) {
    return e;
  }
  ADD_FAILURE() << "expected StorageError";
  return std::nullopt;
}

TEST(PgEventsChannelTest, PayloadRoundTripsAndRejectsAnythingElse) {
  EXPECT_EQ(format_pg_events_payload(1201, 1264), "1201:1264");
  const auto notice = parse_pg_events_payload("1201:1264");
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->first_sequence, 1201);
  EXPECT_EQ(notice->last_sequence, 1264);
  EXPECT_TRUE(parse_pg_events_payload("7:7").has_value());
  for (const char* bad :
       {"", ":", "1:", ":2", "5:4", "0:3", "-1:2", "1:2:3", "a:b", "1;2", "1:2 "}) {
    EXPECT_FALSE(parse_pg_events_payload(bad).has_value()) << bad;
  }
}

TEST(PgConnectionTest, SqlstatesThatMayClearUpAreTransient) {
  for (const char* transient : {"08006", "08001", "40001", "40P01", "53100", "53300", "57014",
                                "57P01", "57P03", "58030", "55P03", "25006", ""}) {
    EXPECT_TRUE(is_transient_sqlstate(transient)) << transient;
  }
  for (const char* permanent : {"42P01", "42601", "23505", "22021", "28P01", "3D000"}) {
    EXPECT_FALSE(is_transient_sqlstate(permanent)) << permanent;
  }
}

TEST_F(PgOrderStoreTest, SchemaIsCreatedAndVersioned) {
  PgTestSchema schema(*url_);
  { PgOrderStore store(PgOptions{.url = schema.url()}); }
  PgConnection& db = schema.admin();
  EXPECT_EQ(db.exec("SELECT version FROM orderstream_schema").text(0, 0),
            std::to_string(PgOrderStore::kSchemaVersion));
  EXPECT_EQ(db.exec("SELECT count(*) FROM orderstream_schema").text(0, 0), "1");
  EXPECT_EQ(db.exec("SELECT last_seq FROM event_sequence").text(0, 0), "0");
  // The tables live in the schema the URL selects.
  EXPECT_EQ(db.exec("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                    "tablename IN ('orders', 'order_events', 'event_sequence', "
                    "'orderstream_schema')")
                .text(0, 0),
            "4");
  // A second start finds the schema and keeps the data.
  {
    PgOrderStore store(PgOptions{.url = schema.url()});
    create_one(store, "A");
  }
  PgOrderStore reopened(PgOptions{.url = schema.url()});
  EXPECT_TRUE(reopened.find_order("A").has_value());
  EXPECT_EQ(db.exec("SELECT count(*) FROM orderstream_schema").text(0, 0), "1");
}

TEST_F(PgOrderStoreTest, NewerSchemaIsRefused) {
  PgTestSchema schema(*url_);
  { PgOrderStore store(PgOptions{.url = schema.url()}); }
  schema.admin().exec("UPDATE orderstream_schema SET version = version + 1");
  const auto error = storage_error_of([&] { PgOrderStore store(PgOptions{.url = schema.url()}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_FALSE(error->transient());
  EXPECT_NE(std::string(error->what()).find("newer"), std::string::npos) << error->what();
}

TEST_F(PgOrderStoreTest, OrdersTableNotMadeByOrderstreamIsRefused) {
  PgTestSchema schema(*url_);
  schema.admin().exec("CREATE TABLE orders(id int)");
  const auto error = storage_error_of([&] { PgOrderStore store(PgOptions{.url = schema.url()}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_FALSE(error->transient());
  EXPECT_EQ(schema.admin().exec("SELECT to_regclass('orderstream_schema') IS NULL").text(0, 0),
            "t");
}

// Replicas starting at the same moment on an empty database: the advisory lock lets one create
// the schema while the others wait, then find it. Without it, concurrent CREATE TABLEs fail.
TEST_F(PgOrderStoreTest, ReplicasStartingTogetherCreateTheSchemaOnce) {
  PgTestSchema schema(*url_);
  constexpr int kReplicas = 6;
  std::atomic<int> ready{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kReplicas) std::this_thread::yield();
      try {
        PgOrderStore store(PgOptions{.url = schema.url(), .pool_size = 1});
        create_one(store, "R" + std::to_string(i));
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& replica : replicas) replica.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(schema.admin().exec("SELECT count(*) FROM orderstream_schema").text(0, 0), "1");
  EXPECT_EQ(schema.admin().exec("SELECT count(*) FROM order_events").text(0, 0),
            std::to_string(kReplicas));
}

// A LISTEN connection of the test's own (raw libpq: the store never listens).
class Listener {
 public:
  explicit Listener(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    PQclear(PQexec(conn_, ("LISTEN " + std::string(kPgEventsChannel)).c_str()));
  }
  ~Listener() { PQfinish(conn_); }

  // The next notification's payload, waiting at most 30 s (a bound, not an expectation: it
  // normally arrives within milliseconds of the commit).
  std::optional<std::string> next() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (PQconsumeInput(conn_) == 0) return std::nullopt;
      if (PGnotify* notify = PQnotifies(conn_)) {
        std::string payload = notify->relname == kPgEventsChannel ? notify->extra : "";
        PQfreemem(notify);
        return payload;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      poll(&fd, 1, static_cast<int>(left.count()));
    }
  }

  // Whatever arrived so far, without waiting.
  bool has_pending() {
    PQconsumeInput(conn_);
    PGnotify* notify = PQnotifies(conn_);
    if (notify == nullptr) return false;
    PQfreemem(notify);
    return true;
  }

 private:
  PGconn* conn_;
};

// Each committing transaction announces the range of sequences it committed, and only those:
// a transaction that commits nothing new stays silent. A database of its own, since NOTIFY
// channels are database-wide and other tests run beside this one.
TEST_F(PgOrderStoreTest, EachCommitNotifiesItsSequenceRange) {
  PgTestSchema database(*url_, PgTestSchema::Scope::kDatabase);
  PgOrderStore store(PgOptions{.url = database.url()});
  Listener listener(database.url());

  store.create_orders({{"A", "c", 1.0f}, {"B", "c", 1.0f}, {"A", "c", 1.0f}}, kNow);
  EXPECT_EQ(listener.next(), "1:2");
  ASSERT_EQ(
      store.compare_and_set_status("B", OrderStatus::kCreated, OrderStatus::kShipped, kNow).kind,
      ChangeKind::kChanged);
  EXPECT_EQ(listener.next(), "3:3");
  // Silent: nothing new (a retried batch, a stale change, a missing order) ...
  store.create_orders({{"A", "c", 1.0f}}, kNow);
  store.compare_and_set_status("B", OrderStatus::kCreated, OrderStatus::kCancelled, kNow);
  store.compare_and_set_status("Z", OrderStatus::kCreated, OrderStatus::kCancelled, kNow);
  // ... as the next announced commit shows: it follows "3:3" directly.
  create_one(store, "C");
  EXPECT_EQ(listener.next(), "4:4");
  EXPECT_FALSE(listener.has_pending());
}

// A page of a customer's history reads that page from the index, in order, even before
// PostgreSQL has any statistics of the table: it then estimates a handful of rows per customer
// and, left to itself, once the table holds a few hundred thousand rows, fetches every event of
// the customer and sorts them, for each page (storage/pg_events_query.h). The plans checked are
// the ones a session of the store makes. The events are written straight into the table, as a
// big import would leave them, with autovacuum off for it so that no ANALYZE runs meanwhile.
TEST_F(PgOrderStoreTest, HistoryPagesReadTheIndexInOrderWithoutTableStatistics) {
  constexpr int kEvents = 400'000;
  PgTestSchema schema(*url_);
  PgOrderStore store(PgOptions{.url = schema.url()});
  auto& admin = schema.admin();
  admin.exec("ALTER TABLE order_events SET (autovacuum_enabled = false)");
  admin.exec(
      "INSERT INTO order_events(seq, customer_id, order_id, event_type, ts) "
      "SELECT g, 'big', 'o-' || g, 'CREATED', 0 FROM generate_series(1, " +
      std::to_string(kEvents) + ") g");
  admin.exec("UPDATE event_sequence SET last_seq = " + std::to_string(kEvents));
  ASSERT_EQ(admin
                .exec("SELECT count(*) FROM pg_stats WHERE tablename = 'order_events' "
                      "AND schemaname = current_schema()")
                .int64(0, 0),
            0);

  PgConnection session(schema.url(), 0);
  prepare_events_queries(session);
  for (const char* statement : {kCustomerEventsNewestFirst, kCustomerEventsOldestFirst}) {
    const PgResult plan = session.exec(std::string("EXPLAIN EXECUTE ") + statement +
                                       "('big', 1000, 300000, '', 1024)");
    std::string text;
    for (int row = 0; row < plan.rows(); ++row) text += std::string(plan.text(row, 0)) + "\n";
    EXPECT_NE(text.find("Index Scan"), std::string::npos) << text;
    EXPECT_NE(text.find("order_events_by_customer"), std::string::npos) << text;
    EXPECT_EQ(text.find("Sort"), std::string::npos) << text;
  }
  const auto page = store.customer_events(EventRange::of_customer("big").with_limit(1024));
  ASSERT_EQ(page.size(), 1024u);
  EXPECT_EQ(page.front().sequence, kEvents);
  EXPECT_EQ(page.back().sequence, kEvents - 1023);
}

// The sequence guarantee across replicas: two stores (as two servers would) write concurrently,
// and readers tailing with events_after never see a sequence appear below one they already
// saw. Sequences are dense here (nothing is deleted), so a reader that skipped one would see a
// gap, and a full read at the end must equal what the tailers collected.
TEST_F(PgOrderStoreTest, SequencesBecomeVisibleInOrderAcrossConcurrentReplicas) {
  PgTestSchema schema(*url_);
  PgOrderStore replica_a(PgOptions{.url = schema.url(), .pool_size = 4});
  PgOrderStore replica_b(PgOptions{.url = schema.url(), .pool_size = 4});
  constexpr int kBatchesPerWriter = 40;
  constexpr int kWriters = 4;  // two per replica
  std::atomic<int> writers_done{0};
  std::atomic<int> failures{0};

  auto writer = [&](PgOrderStore& store, int writer_id) {
    for (int b = 0; b < kBatchesPerWriter; ++b) {
      const std::string prefix = "W" + std::to_string(writer_id) + "-" + std::to_string(b) + "-";
      std::vector<NewOrder> batch;
      for (int i = 0; i < 1 + (b % 5) * 7; ++i) {
        batch.push_back({prefix + std::to_string(i), "cust-" + std::to_string(i % 3), 1.0f});
      }
      try {
        store.create_orders(batch, kNow);
        if (store
                .compare_and_set_status(prefix + "0", OrderStatus::kCreated, OrderStatus::kShipped,
                                        kNow)
                .kind != ChangeKind::kChanged) {
          ++failures;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    }
    ++writers_done;
  };

  // Each reader alternates replicas, the way a client reconnecting elsewhere would.
  auto reader = [&](std::vector<OrderEvent>* seen) {
    int64_t last = 0;
    PgOrderStore* stores[] = {&replica_a, &replica_b};
    for (int round = 0; round < 100'000; ++round) {
      const bool final_round = writers_done.load() == kWriters;
      for (const OrderEvent& event : stores[round % 2]->events_after(last, 50)) {
        if (event.sequence != last + 1) {
          ADD_FAILURE() << "after " << last << " came " << event.sequence;
          ++failures;
        }
        last = event.sequence;
        seen->push_back(event);
      }
      if (final_round && stores[0]->events_after(last, 1).empty()) return;
    }
    ADD_FAILURE() << "reader did not finish";
  };

  std::vector<OrderEvent> seen_1;
  std::vector<OrderEvent> seen_2;
  std::vector<std::thread> threads;
  threads.emplace_back(writer, std::ref(replica_a), 0);
  threads.emplace_back(writer, std::ref(replica_b), 1);
  threads.emplace_back(writer, std::ref(replica_a), 2);
  threads.emplace_back(writer, std::ref(replica_b), 3);
  threads.emplace_back(reader, &seen_1);
  threads.emplace_back(reader, &seen_2);
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  const auto all = replica_a.events_after(0, std::numeric_limits<std::size_t>::max());
  int64_t expected_events = 0;
  for (int b = 0; b < kBatchesPerWriter; ++b) expected_events += 1 + (b % 5) * 7 + 1;
  EXPECT_EQ(static_cast<int64_t>(all.size()), expected_events * kWriters);
  ASSERT_EQ(seen_1.size(), all.size());
  ASSERT_EQ(seen_2.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(seen_1[i].order_id, all[i].order_id);
    EXPECT_EQ(seen_2[i].order_id, all[i].order_id);
  }
  EXPECT_EQ(schema.admin().exec("SELECT last_seq FROM event_sequence").int64(0, 0),
            static_cast<int64_t>(all.size()));
}

// A bulk batch goes straight into the tables unless an id is taken; then the rows already copied
// are rolled back with the savepoint and the batch is answered by the duplicate rule, numbered
// without a gap. The taken id sits late in the batch, so most rows had been copied first.
TEST_F(PgOrderStoreTest, BatchWithATakenIdLateInItFallsBackAndLeavesNoStrayRow) {
  PgTestSchema schema(*url_);
  PgOrderStore store(PgOptions{.url = schema.url(), .pool_size = 1});
  ASSERT_EQ(create_one(store, "M").kind, CreateKind::kCreated);
  std::vector<NewOrder> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back({"N" + std::to_string(i), "c", 2.0f});
  batch[900] = NewOrder{"M", "c", 1.0f};           // stored already, same content
  batch.push_back(NewOrder{"N5", "other", 2.0f});  // repeated in the batch, other content
  const auto outcomes = store.create_orders(batch, kNow);
  ASSERT_EQ(outcomes.size(), 1001u);
  int64_t next = 2;
  for (std::size_t i = 0; i < 1000; ++i) {
    if (i == 900) {
      EXPECT_EQ(outcomes[i].kind, CreateKind::kExisting);
      EXPECT_EQ(outcomes[i].order.sequence, 1);
      continue;
    }
    ASSERT_EQ(outcomes[i].kind, CreateKind::kCreated) << i;
    EXPECT_EQ(outcomes[i].order.sequence, next++) << i;  // arrival order, no gap
  }
  EXPECT_EQ(outcomes[1000].kind, CreateKind::kConflict);
  PgConnection& admin = schema.admin();
  EXPECT_EQ(admin.exec("SELECT count(*) FROM orders").int64(0, 0), 1000);
  EXPECT_EQ(admin.exec("SELECT count(*) FROM order_events").int64(0, 0), 1000);
  EXPECT_EQ(admin.exec("SELECT last_seq FROM event_sequence").int64(0, 0), 1000);

  // The next batch, every id new, takes the direct path and carries on from there.
  const auto more = store.create_orders({{"P1", "c", 1.0f}, {"P2", "d", 1.0f}}, kNow);
  EXPECT_EQ(more.at(0).kind, CreateKind::kCreated);
  EXPECT_EQ(more.at(0).order.sequence, 1001);
  EXPECT_EQ(more.at(1).order.sequence, 1002);
  EXPECT_EQ(store.events_after(1000, 10).size(), 2u);
}

// A writing transaction leaves no MultiXact behind: the transaction that locks the counter row
// is the one that updates it, also when its rows went in under the direct path's savepoint or
// took the staging path. The count is cluster-wide (mxid_age of the first MultiXact id), so
// another test could only add to it; a store that makes one per commit shows as at least one
// per batch here.
TEST_F(PgOrderStoreTest, WritesLeaveNoMultiXactOnTheCounterRow) {
  PgTestSchema schema(*url_);
  PgOrderStore store(PgOptions{.url = schema.url(), .pool_size = 1});
  const auto multixacts = [&] {
    return schema.admin().exec("SELECT mxid_age('1'::xid)").int64(0, 0);
  };
  const int64_t before = multixacts();
  constexpr int kCreates = 20;
  for (int i = 0; i < kCreates; ++i) {
    ASSERT_EQ(create_one(store, "X" + std::to_string(i)).kind, CreateKind::kCreated);
  }
  // The staging path: a batch with a stored id.
  const auto mixed = store.create_orders({{"X0", "c", 1.0f}, {"Y", "c", 1.0f}}, kNow);
  ASSERT_EQ(mixed.at(1).kind, CreateKind::kCreated);
  ASSERT_EQ(
      store.compare_and_set_status("Y", OrderStatus::kCreated, OrderStatus::kShipped, kNow).kind,
      ChangeKind::kChanged);
  EXPECT_LT(multixacts() - before, kCreates);
}

// A caller that cancels (no deadline) stops its statement: a create waiting for the counter lock
// another session holds ends with DeadlineExceededError once cancelled, and leaves no statement
// behind while the lock is still held.
TEST_F(PgOrderStoreTest, CancelledCallStopsItsStatement) {
  PgTestSchema database(*url_, PgTestSchema::Scope::kDatabase);
  // A statement timeout far beyond every wait below: only a cancel can end the statement.
  PgOrderStore store(
      PgOptions{.url = database.url(), .pool_size = 1, .statement_timeout_ms = 600'000});
  create_one(store, "A");
  PgConnection holder(database.url(), 0);
  holder.exec("BEGIN; SELECT last_seq FROM event_sequence FOR UPDATE");
  const auto running = [&](const char* condition) {
    return database.admin()
        .exec(std::string("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND pid <> pg_backend_pid() AND state = 'active' "
                          "AND application_name = 'orderstream'") +
              condition)
        .int64(0, 0);
  };
  const Cancellation cancellation = Cancellation::create();
  std::string outcome;
  std::thread call([&] {
    try {
      store.create_orders({NewOrder{"B", "c", 1.0f}}, kNow, Deadline().or_cancelled(cancellation));
      outcome = "created";
    } catch (const DeadlineExceededError&) {
      outcome = "stopped";
    } catch (const std::exception& e) {
      outcome = e.what();
    }
  });
  bool waited = false;
  for (int attempt = 0; attempt < 1500 && !waited; ++attempt) {
    waited = running(" AND wait_event_type = 'Lock'") == 1;
    if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  cancellation.cancel();
  call.join();
  ASSERT_TRUE(waited);
  EXPECT_EQ(outcome, "stopped");
  bool gone = false;
  for (int attempt = 0; attempt < 1500 && !gone; ++attempt) {
    gone = running("") == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
  holder.exec("ROLLBACK");
  EXPECT_FALSE(store.find_order("B").has_value());
  EXPECT_EQ(create_one(store, "C").kind, CreateKind::kCreated);
}

// PQcancel cannot hold a caller up: with the network to PostgreSQL gone silent (a proxy that
// forwards nothing and closes nothing), a statement past its deadline is cancelled by a request
// that never gets its answer either, and the call still ends, within the cancel grace, with the
// connection given up. The proxy stays silent until the check is over, so a caller blocked in
// PQcancel would never have returned in time.
TEST_F(PgOrderStoreTest, CancelToAnUnreachableServerDoesNotHoldTheCallerUp) {
  PgTestSchema schema(*url_);
  const PgResult port = schema.admin().exec("SELECT inet_server_port()");
  if (port.is_null(0, 0)) GTEST_SKIP() << "PostgreSQL is not reached over TCP";
  std::optional<testing::TcpProxy> proxy;
  proxy.emplace(static_cast<int>(port.int64(0, 0)));
  const std::string through_proxy =
      schema.url() + (schema.url().find('?') == std::string::npos ? "?" : "&") +
      "host=127.0.0.1&port=" + proxy->target().substr(proxy->target().rfind(':') + 1);
  PgOrderStore store(PgOptions{.url = through_proxy, .pool_size = 1});
  ASSERT_EQ(create_one(store, "A").kind, CreateKind::kCreated);
  proxy->drop();

  std::promise<std::string> outcome;
  auto answered = outcome.get_future();
  std::thread call([&] {
    try {
      store.create_orders({NewOrder{"B", "c", 1.0f}}, kNow,
                          Deadline::after(std::chrono::milliseconds(500)));
      outcome.set_value("created");
    } catch (const DeadlineExceededError&) {
      outcome.set_value("stopped");
    } catch (const std::exception& e) {
      outcome.set_value(e.what());
    }
  });
  // Generous: the call needs its deadline plus the 5 s grace.
  const bool returned = answered.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  if (returned) {
    EXPECT_EQ(answered.get(), "stopped");
  }
  EXPECT_TRUE(returned) << "the caller is still held up by the cancel";
  if (!returned) proxy.reset();  // closes every connection, which frees the caller
  call.join();
}

// Every statement is bounded: a writer stuck behind a lock gives up after statement_timeout with
// a transient error, and the store works again once the lock is gone.
TEST_F(PgOrderStoreTest, StatementTimeoutIsTransientAndTheStoreRecovers) {
  PgTestSchema schema(*url_);
  PgOrderStore store(PgOptions{.url = schema.url(), .pool_size = 2, .statement_timeout_ms = 200});
  create_one(store, "A");
  PgConnection& other = schema.admin();
  other.exec("BEGIN");
  other.exec("SELECT last_seq FROM event_sequence FOR UPDATE");  // as another replica's writer
  const auto error = storage_error_of([&] { create_one(store, "B"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(error->transient()) << error->what();
  EXPECT_NE(std::string(error->what()).find("57014"), std::string::npos) << error->what();
  EXPECT_TRUE(store.find_order("A").has_value());  // reads do not take the lock
  other.exec("ROLLBACK");
  EXPECT_EQ(create_one(store, "B").kind, CreateKind::kCreated);
  EXPECT_FALSE(store.find_order("C").has_value());
}

TEST_F(PgOrderStoreTest, UnreachableDatabaseIsTransientAndBadUrlIsNot) {
  // Port 1 on the loopback: nothing listens there, and the refusal is immediate.
  const auto refused = storage_error_of(
      [&] { PgOrderStore store(PgOptions{.url = "postgresql://postgres@127.0.0.1:1/postgres"}); });
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(refused->transient()) << refused->what();
  const auto malformed =
      storage_error_of([&] { PgOrderStore store(PgOptions{.url = "postgresql://[::1/x"}); });
  ASSERT_TRUE(malformed.has_value());
  EXPECT_FALSE(malformed->transient()) << malformed->what();
}

// Connections killed under the store (a failover, an administrator) are replaced on next use,
// so no call fails at all. pg_terminate_backend with a timeout returns once the backends are
// gone, so the store's connection is closed before the next call, not during it.
TEST_F(PgOrderStoreTest, TerminatedConnectionsAreReplaced) {
  PgTestSchema database(*url_, PgTestSchema::Scope::kDatabase);
  PgOrderStore store(PgOptions{.url = database.url(), .pool_size = 3});
  create_one(store, "A");
  EXPECT_TRUE(store.find_order("A").has_value());
  const PgResult killed = database.admin().exec(
      "SELECT count(pg_terminate_backend(pid, 30000)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_GE(killed.int64(0, 0), 1);
  EXPECT_TRUE(store.find_order("A").has_value());
  EXPECT_EQ(create_one(store, "B").kind, CreateKind::kCreated);
  EXPECT_EQ(store.events_after(0, 10).size(), 2u);
}

// The database stopped under a running store: every call fails fast with a transient error, and
// once it is back the store serves again by itself. A cluster of its own, since stopping the
// shared one would fail the tests running beside this one.
TEST_F(PgOrderStoreTest, DatabaseStoppedAndStartedWhileTheStoreRuns) {
  testing::PgThrowawayCluster cluster;
  ASSERT_TRUE(cluster.ok());
  PgOrderStore store(PgOptions{.url = cluster.url(), .pool_size = 2});
  create_one(store, "A");
  ASSERT_TRUE(store.find_order("A").has_value());

  ASSERT_TRUE(cluster.stop());
  for (int i = 0; i < 3; ++i) {
    const auto read = storage_error_of([&] { store.find_order("A"); });
    ASSERT_TRUE(read.has_value());
    EXPECT_TRUE(read->transient()) << read->what();
    const auto write = storage_error_of([&] { create_one(store, "B"); });
    ASSERT_TRUE(write.has_value());
    EXPECT_TRUE(write->transient()) << write->what();
  }

  ASSERT_TRUE(cluster.start());
  const auto found = store.find_order("A");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(create_one(store, "B").kind, CreateKind::kCreated);
  EXPECT_EQ(store.events_after(0, 10).size(), 2u);
}

}  // namespace
}  // namespace orderstream::storage
