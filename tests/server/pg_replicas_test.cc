// Several server processes on one PostgreSQL database: a watcher on any replica sees every change
// committed through any replica, in order and exactly once, also across a terminated listening
// session; sequences appear in increasing order to readers while two replicas write; a replica
// killed mid-import leaves a retry exactly one copy of each order; and health follows the
// database. Every wait is bounded; nothing depends on timing working out.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "order_service.grpc.pb.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
namespace health = ::grpc::health::v1;
using std::chrono::seconds;

constexpr auto kWait = seconds(60);

class PgReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  }
  std::optional<std::string> url_;
};

ServerProcessOptions on_database(const std::string& url) {
  return ServerProcessOptions{.extra_args = {}, .db = url};
}

std::shared_ptr<grpc::Channel> channel_of(const ServerProcess& server) {
  return grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<pb::OrderService::Stub> stub_of(const ServerProcess& server) {
  return pb::OrderService::NewStub(channel_of(server));
}

void set_deadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + seconds(30));
}

grpc::Status create(pb::OrderService::Stub& stub, const std::string& id,
                    const std::string& customer) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(3.5f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  set_deadline(context);
  return stub.CreateOrder(&context, order, &response);
}

grpc::Status set_status(pb::OrderService::Stub& stub, const std::string& id,
                        const std::string& status) {
  pb::OrderStatusChange change;
  change.set_order_id(id);
  change.set_status(status);
  pb::OrderUpdate update;
  grpc::ClientContext context;
  set_deadline(context);
  return stub.UpdateOrderStatus(&context, change, &update);
}

// The sequences of the customer's history, as streamed (newest first).
grpc::Status history(pb::OrderService::Stub& stub, const std::string& customer,
                     std::vector<int64_t>* sequences) {
  pb::UserID user;
  user.set_id(customer);
  grpc::ClientContext context;
  set_deadline(context);
  auto reader = stub.GetOrderHistory(&context, user);
  pb::OrderEvent event;
  while (reader->Read(&event)) sequences->push_back(event.sequence());
  return reader->Finish();
}

// One NotifyOrderUpdates stream; a thread of its own collects what arrives.
class Watcher {
 public:
  explicit Watcher(const ServerProcess& server) : stub_(stub_of(server)) {
    stream_ = stub_->NotifyOrderUpdates(&context_);
    reader_ = std::thread([this] {
      pb::OrderUpdate update;
      while (stream_->Read(&update)) {
        std::lock_guard lock(mutex_);
        updates_.push_back(update);
        changed_.notify_all();
      }
      grpc::Status ended = stream_->Finish();
      std::lock_guard lock(mutex_);
      ended_status_ = ended;
      ended_ = true;
      changed_.notify_all();
    });
  }
  ~Watcher() {
    context_.TryCancel();
    reader_.join();
  }

  bool watch(const std::string& order_id) {
    pb::OrderID id;
    id.set_id(order_id);
    return stream_->Write(id);
  }

  // Waits (bounded) until `count` updates arrived; false if they did not.
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return updates_.size() >= count || ended_; }) &&
           updates_.size() >= count;
  }

  // How the stream ended, once it has (OK while it runs).
  grpc::Status status() const {
    std::lock_guard lock(mutex_);
    return ended_status_;
  }

  std::vector<pb::OrderUpdate> updates() const {
    std::lock_guard lock(mutex_);
    return updates_;
  }

 private:
  std::unique_ptr<pb::OrderService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>> stream_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<pb::OrderUpdate> updates_;
  bool ended_ = false;
  grpc::Status ended_status_;
};

// Sends `count` orders BULK-<first>.. for `customer` on one import stream and returns its status.
grpc::Status import(pb::OrderService::Stub& stub, int first, int count, const std::string& customer,
                    pb::BulkProcessResult* result) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(120));
  auto writer = stub.ProcessBulkOrders(&context, result);
  for (int i = first; i < first + count; ++i) {
    pb::Order order;
    order.set_order_id("BULK-" + std::to_string(i));
    order.set_customer_id(customer);
    order.set_total(1.25f);
    if (!writer->Write(order)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

// The updates after the first `skip`, strictly increasing in sequence, none repeated.
void expect_strictly_increasing(const std::vector<pb::OrderUpdate>& updates, std::size_t skip) {
  for (std::size_t i = skip + 1; i < updates.size(); ++i) {
    EXPECT_GT(updates[i].sequence(), updates[i - 1].sequence())
        << "update " << i << " (" << updates[i].order_id() << " " << updates[i].status() << ")";
  }
}

// Terminates the listening session of the replica with process id `pid` (its application_name
// is "orderstream-listener-<pid>"), waiting (bounded) for it to exist: it may be reconnecting.
bool terminate_listener(storage::PgConnection& admin, pid_t pid) {
  const std::string sql =
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity "
      "WHERE application_name = 'orderstream-listener-" +
      std::to_string(pid) + "') t WHERE done";
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (admin.exec(sql).int64(0, 0) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST_F(PgReplicasTest, WatcherOnBSeesWhatACommits) {
  PgTestSchema schema(*url_);
  ServerProcess a(on_database(schema.url()));
  ServerProcess b(on_database(schema.url()));
  auto stub_a = stub_of(a);
  auto stub_b = stub_of(b);
  Watcher watcher(b);
  ASSERT_TRUE(watcher.watch("ORD-1"));
  ASSERT_TRUE(watcher.wait_for(1));  // UNKNOWN: not created yet

  // Each change waits for the previous to arrive, so none can be conflated with the next.
  ASSERT_TRUE(create(*stub_a, "ORD-1", "erin").ok());
  ASSERT_TRUE(watcher.wait_for(2));
  ASSERT_TRUE(set_status(*stub_a, "ORD-1", "SHIPPED").ok());
  ASSERT_TRUE(watcher.wait_for(3));
  ASSERT_TRUE(set_status(*stub_b, "ORD-1", "DELIVERED").ok());  // B's own commit
  ASSERT_TRUE(watcher.wait_for(4));
  // One more change through A: nothing before it may arrive a second time.
  ASSERT_TRUE(create(*stub_a, "ORD-2", "erin").ok());
  ASSERT_TRUE(watcher.watch("ORD-2"));
  ASSERT_TRUE(watcher.wait_for(5));

  const auto updates = watcher.updates();
  ASSERT_EQ(updates.size(), 5u);
  const std::vector<std::string> statuses = {"UNKNOWN", "CREATED", "SHIPPED", "DELIVERED",
                                             "CREATED"};
  for (std::size_t i = 0; i < statuses.size(); ++i) EXPECT_EQ(updates[i].status(), statuses[i]);
  EXPECT_EQ(updates[0].sequence(), 0);
  expect_strictly_increasing(updates, 0);
}

TEST_F(PgReplicasTest, BulkImportOnAWhileBStreamsHistoryAndWatches) {
  PgTestSchema schema(*url_);
  ServerProcess a(on_database(schema.url()));
  ServerProcess b(on_database(schema.url()));
  auto stub_a = stub_of(a);
  auto stub_b = stub_of(b);
  constexpr int kOrders = 20'000;
  constexpr int kWatched = 50;
  Watcher watcher(b);
  for (int i = 0; i < kWatched; ++i) {
    ASSERT_TRUE(watcher.watch("BULK-" + std::to_string(i * (kOrders / kWatched))));
  }
  ASSERT_TRUE(watcher.wait_for(kWatched));  // every acknowledgement: UNKNOWN

  std::atomic<bool> imported{false};
  pb::BulkProcessResult result;
  grpc::Status import_status;
  std::thread importer([&] {
    import_status = import(*stub_a, 0, kOrders, "frank", &result);
    imported = true;
  });
  // History on B while A imports: each read is newest first without repeats, and no read shows
  // fewer events than the one before (what was visible stays visible). The reads stop when the
  // import has answered (or after 2,000 of them, however long the import takes), and one more
  // read after its answer sees every order it committed.
  std::size_t previous = 0;
  const auto read_history = [&] {
    std::vector<int64_t> sequences;
    const grpc::Status status = history(*stub_b, "frank", &sequences);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      EXPECT_EQ(previous, 0u);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (std::size_t i = 1; i < sequences.size(); ++i) {
      ASSERT_LT(sequences[i], sequences[i - 1]);
    }
    EXPECT_GE(sequences.size(), previous);
    previous = sequences.size();
  };
  for (int reads = 0; reads < 2'000 && !imported; ++reads) {
    read_history();
    if (::testing::Test::HasFatalFailure()) break;
  }
  importer.join();
  ASSERT_TRUE(import_status.ok()) << import_status.error_message();
  EXPECT_EQ(result.success_count(), kOrders);
  read_history();
  EXPECT_EQ(previous, static_cast<std::size_t>(kOrders));

  ASSERT_TRUE(watcher.wait_for(2 * kWatched));
  const auto updates = watcher.updates();
  EXPECT_EQ(updates.size(), static_cast<std::size_t>(2 * kWatched));
  std::set<std::string> created;
  for (std::size_t i = kWatched; i < updates.size(); ++i) {
    EXPECT_EQ(updates[i].status(), "CREATED");
    EXPECT_TRUE(created.insert(updates[i].order_id()).second) << updates[i].order_id();
  }
  expect_strictly_increasing(updates, kWatched);
}

TEST_F(PgReplicasTest, TerminatedListeningSessionLosesAndRepeatsNothing) {
  PgTestSchema schema(*url_);
  ServerProcess a(on_database(schema.url()));
  ServerProcess b(on_database(schema.url()));
  auto stub_a = stub_of(a);
  constexpr int kOrders = 100;
  const auto id = [](int i) { return "W-" + std::to_string(i); };
  for (int i = 0; i < kOrders; ++i) ASSERT_TRUE(create(*stub_a, id(i), "gina").ok());
  Watcher watcher(b);
  for (int i = 0; i < kOrders; ++i) ASSERT_TRUE(watcher.watch(id(i)));
  ASSERT_TRUE(watcher.wait_for(kOrders));  // acknowledgements: CREATED

  // Two rounds of one change per order, each round complete before the next (so no update can
  // be conflated), with B's listening session terminated twice per round while A commits.
  std::size_t expected = kOrders;
  for (const std::string status : {"SHIPPED", "DELIVERED"}) {
    for (int i = 0; i < kOrders; ++i) {
      if (i == 20 || i == 60) {
        ASSERT_TRUE(terminate_listener(schema.admin(), b.pid()));
      }
      ASSERT_TRUE(set_status(*stub_a, id(i), status).ok());
    }
    expected += kOrders;
    ASSERT_TRUE(watcher.wait_for(expected)) << status;
  }
  EXPECT_NE(b.log().find("change feed: lost the listening session"), std::string::npos) << b.log();

  const auto updates = watcher.updates();
  ASSERT_EQ(updates.size(), static_cast<std::size_t>(3 * kOrders));
  std::map<std::string, std::vector<std::string>> by_order;
  for (const auto& update : updates) by_order[update.order_id()].push_back(update.status());
  ASSERT_EQ(by_order.size(), static_cast<std::size_t>(kOrders));
  for (const auto& [order_id, statuses] : by_order) {
    EXPECT_EQ(statuses, (std::vector<std::string>{"CREATED", "SHIPPED", "DELIVERED"})) << order_id;
  }
  expect_strictly_increasing(updates, kOrders);
}

// Writers on two replicas at once; readers (history through either replica, and the event log
// read directly in sequence order) never see a sequence appear below one they already saw.
TEST_F(PgReplicasTest, ConcurrentWritersOnTwoReplicasNeverShowASequenceBelowOneSeen) {
  PgTestSchema schema(*url_);
  ServerProcess a(on_database(schema.url()));
  ServerProcess b(on_database(schema.url()));
  constexpr int kPerWriter = 150;
  std::atomic<int> writers_done{0};
  std::atomic<int> failures{0};
  const auto writer = [&](const ServerProcess& server, const std::string& prefix) {
    auto stub = stub_of(server);
    for (int i = 0; i < kPerWriter; ++i) {
      const std::string id = prefix + std::to_string(i);
      if (!create(*stub, id, "hana").ok()) ++failures;
      if (i % 3 == 0 && !set_status(*stub, id, "SHIPPED").ok()) ++failures;
    }
    ++writers_done;
  };
  std::thread writer_a(writer, std::cref(a), "A-");
  std::thread writer_b(writer, std::cref(b), "B-");

  storage::PgConnection tail(schema.url(), 0);
  int64_t tail_cursor = 0;
  std::set<int64_t> seen_in_history;
  int64_t highest_in_history = 0;
  std::vector<std::unique_ptr<pb::OrderService::Stub>> stubs;
  stubs.push_back(stub_of(a));
  stubs.push_back(stub_of(b));
  for (int round = 0; round < 5'000; ++round) {
    const bool finished = writers_done == 2;
    // The log in sequence order: each sequence exactly one above the previous.
    const auto rows = tail.exec("SELECT seq FROM order_events WHERE seq > " +
                                std::to_string(tail_cursor) + " ORDER BY seq");
    for (int row = 0; row < rows.rows(); ++row) {
      ASSERT_EQ(rows.int64(row, 0), tail_cursor + 1);
      tail_cursor = rows.int64(row, 0);
    }
    // History through alternating replicas: anything new is above everything seen before.
    std::vector<int64_t> sequences;
    const grpc::Status status = history(*stubs[round % 2], "hana", &sequences);
    if (status.ok()) {
      int64_t newest = highest_in_history;
      for (const int64_t sequence : sequences) {
        if (seen_in_history.insert(sequence).second) {
          ASSERT_GT(sequence, highest_in_history) << "appeared below one already seen";
        }
        newest = std::max(newest, sequence);
      }
      highest_in_history = newest;
    } else {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    }
    if (finished) break;
  }
  writer_a.join();
  writer_b.join();
  EXPECT_EQ(failures, 0);
  const int64_t events = 2 * kPerWriter + 2 * ((kPerWriter + 2) / 3);
  EXPECT_EQ(tail_cursor, events);
  EXPECT_EQ(static_cast<int64_t>(seen_in_history.size()), events);
}

TEST_F(PgReplicasTest, ReplicaKilledMidImportThenRetriedLeavesOneCopyOfEachOrder) {
  PgTestSchema schema(*url_);
  ServerProcess b(on_database(schema.url()));
  constexpr int kOrders = 30'000;
  {
    ServerProcess a(on_database(schema.url()));
    auto stub_a = stub_of(a);
    pb::BulkProcessResult result;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(120));
    auto writer = stub_a->ProcessBulkOrders(&context, &result);
    int sent = 0;
    const auto send = [&](int count) {
      for (int end = sent + count; sent < end; ++sent) {
        pb::Order order;
        order.set_order_id("BULK-" + std::to_string(sent));
        order.set_customer_id("ivan");
        order.set_total(1.25f);
        if (!writer->Write(order)) return false;
      }
      return true;
    };
    ASSERT_TRUE(send(kOrders / 2));
    // Killed once some of it is committed, the rest still to come.
    int64_t committed = 0;
    for (int attempt = 0; attempt < 1'200 && committed == 0; ++attempt) {
      committed = schema.admin().exec("SELECT count(*) FROM orders").int64(0, 0);
      if (committed == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GT(committed, 0);
    a.signal(SIGKILL);
    ASSERT_NE(a.wait_for_exit(30'000), -1);
    send(kOrders - sent);  // fails somewhere: the server is gone
    writer->WritesDone();
    EXPECT_FALSE(writer->Finish().ok());
  }
  const int64_t before = schema.admin().exec("SELECT count(*) FROM orders").int64(0, 0);
  EXPECT_GT(before, 0);
  EXPECT_LT(before, kOrders);  // the second half was never sent

  // The whole import again, through the surviving replica.
  auto stub_b = stub_of(b);
  pb::BulkProcessResult result;
  const grpc::Status retried = import(*stub_b, 0, kOrders, "ivan", &result);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(result.success_count(), kOrders);
  EXPECT_EQ(result.failure_count(), 0);
  auto& admin = schema.admin();
  EXPECT_EQ(admin.exec("SELECT count(*), count(DISTINCT order_id) FROM orders").int64(0, 0),
            kOrders);
  EXPECT_EQ(
      admin.exec("SELECT count(*) FROM order_events WHERE event_type = 'CREATED'").int64(0, 0),
      kOrders);
  // No sequence lost or handed out twice: the counter is the highest event, with no gaps.
  const auto counts = admin.exec(
      "SELECT (SELECT last_seq FROM event_sequence), max(seq), count(*) "
      "FROM order_events");
  EXPECT_EQ(counts.int64(0, 0), counts.int64(0, 1));
  EXPECT_EQ(counts.int64(0, 1), counts.int64(0, 2));
}

health::HealthCheckResponse::ServingStatus health_of(health::Health::Stub& stub) {
  health::HealthCheckRequest request;
  health::HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  if (!stub.Check(&context, request, &response).ok()) return health::HealthCheckResponse::UNKNOWN;
  return response.status();
}

// Waits (bounded) for the server's overall health to become `wanted`.
bool wait_for_health(health::Health::Stub& stub,
                     health::HealthCheckResponse::ServingStatus wanted) {
  for (int attempt = 0; attempt < 600; ++attempt) {
    if (health_of(stub) == wanted) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The database stopped under two running replicas: calls fail with UNAVAILABLE and health turns
// NOT_SERVING; once it is back, health is SERVING again and a watcher on B, subscribed before
// the outage, receives a change committed through A after it.
TEST_F(PgReplicasTest, HealthFollowsTheDatabaseAndFanOutResumes) {
  PgThrowawayCluster cluster;
  ASSERT_TRUE(cluster.ok());
  ServerProcess a(on_database(cluster.url()));
  ServerProcess b(on_database(cluster.url()));
  // Every step after the outage starts depends on both servers' view of the database.
  const auto logs = [&] { return "\n--- replica A:\n" + a.log() + "\n--- replica B:\n" + b.log(); };
  auto stub_a = stub_of(a);
  auto health_b = health::Health::NewStub(channel_of(b));
  ASSERT_TRUE(create(*stub_a, "ORD-1", "judy").ok());
  Watcher watcher(b);
  ASSERT_TRUE(watcher.watch("ORD-1"));
  ASSERT_TRUE(watcher.wait_for(1));
  EXPECT_EQ(health_of(*health_b), health::HealthCheckResponse::SERVING);

  ASSERT_TRUE(cluster.stop()) << cluster.log();
  EXPECT_TRUE(wait_for_health(*health_b, health::HealthCheckResponse::NOT_SERVING)) << logs();
  const grpc::Status during = set_status(*stub_a, "ORD-1", "SHIPPED");
  EXPECT_EQ(during.error_code(), grpc::StatusCode::UNAVAILABLE) << during.error_message() << logs();

  ASSERT_TRUE(cluster.start()) << cluster.log();
  EXPECT_TRUE(wait_for_health(*health_b, health::HealthCheckResponse::SERVING)) << logs();
  const grpc::Status after = set_status(*stub_a, "ORD-1", "SHIPPED");
  ASSERT_TRUE(after.ok()) << after.error_message() << logs();
  ASSERT_TRUE(watcher.wait_for(2)) << watcher.status().error_message() << logs();
  const auto updates = watcher.updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].status(), "SHIPPED");
  EXPECT_NE(b.log().find("health: NOT_SERVING"), std::string::npos) << logs();
}

}  // namespace
}  // namespace orderstream::testing
