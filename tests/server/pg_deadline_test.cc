// The client's deadline bounds the server's statements on PostgreSQL: a call whose deadline passes
// while its statement waits on a lock held by another session answers DEADLINE_EXCEEDED, and the
// statement is cancelled then, not left running until the session's statement_timeout (30 s
// here). Every wait is bounded; the lock is held until the check is over, so a statement that
// was not cancelled is still there to be seen.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "order_service.grpc.pb.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
using std::chrono::milliseconds;

class PgDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
    // A database of its own, so that pg_stat_activity shows only this test's sessions.
    schema_.emplace(*url_, PgTestSchema::Scope::kDatabase);
    server_.emplace(ServerProcessOptions{.extra_args = {}, .db = schema_->url()});
    stub_ = pb::OrderService::NewStub(
        grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials()));
  }

  grpc::Status create(const std::string& id, milliseconds deadline) {
    pb::Order order;
    order.set_order_id(id);
    order.set_customer_id("kim");
    order.set_total(4.5f);
    pb::OrderResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    return stub_->CreateOrder(&context, order, &response);
  }

  grpc::Status history(milliseconds deadline) {
    pb::UserID user;
    user.set_id("kim");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    auto reader = stub_->GetOrderHistory(&context, user);
    pb::OrderEvent event;
    while (reader->Read(&event)) {
    }
    return reader->Finish();
  }

  // Statements of the server's pool (application_name "orderstream", as the test's own sessions:
  // those are idle or this one) running now in the test's database.
  int64_t running_statements(storage::PgConnection& observer) {
    return observer
        .exec(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND application_name = 'orderstream' "
            "AND state = 'active'")
        .int64(0, 0);
  }

  // Waits (bounded: 15 s, half the statement_timeout) until no statement of the server runs.
  bool no_statement_left(storage::PgConnection& observer) {
    for (int attempt = 0; attempt < 150; ++attempt) {
      if (running_statements(observer) == 0) return true;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return false;
  }

  // Waits (bounded) until a statement of the server waits on a lock: the call is held up. Not an
  // assertion: a server too slow to send the statement before the deadline sends none, which
  // leaves nothing running either.
  bool statement_waits_on_lock(storage::PgConnection& observer) {
    for (int attempt = 0; attempt < 300; ++attempt) {
      const auto waiting = observer.exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          "AND pid <> pg_backend_pid() AND application_name = 'orderstream' "
          "AND state = 'active' AND wait_event_type = 'Lock'");
      if (waiting.int64(0, 0) > 0) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  std::optional<std::string> url_;
  std::optional<PgTestSchema> schema_;
  std::optional<ServerProcess> server_;
  std::unique_ptr<pb::OrderService::Stub> stub_;
};

TEST_F(PgDeadlineTest, CreateHeldUpByTheSequenceLockStopsAtItsDeadline) {
  ASSERT_TRUE(create("ORD-1", milliseconds(20'000)).ok());
  storage::PgConnection holder(schema_->url(), 0);
  storage::PgConnection observer(schema_->url(), 0);
  holder.exec("BEGIN; SELECT last_seq FROM event_sequence FOR UPDATE");

  // The create waits for the counter row's lock (every writer takes it) until its deadline.
  std::thread blocked([&] {
    EXPECT_EQ(create("ORD-2", milliseconds(2'000)).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  });
  statement_waits_on_lock(observer);
  blocked.join();
  // Still holding the lock: only a cancel can have ended the statement.
  EXPECT_TRUE(no_statement_left(observer)) << server_->log();
  holder.exec("ROLLBACK");

  // Nothing of the cancelled create was committed, and the server carries on.
  EXPECT_EQ(observer.exec("SELECT count(*) FROM orders").int64(0, 0), 1);
  ASSERT_TRUE(create("ORD-3", milliseconds(20'000)).ok());
  EXPECT_EQ(observer.exec("SELECT count(*) FROM orders").int64(0, 0), 2);
}

TEST_F(PgDeadlineTest, HistoryHeldUpByATableLockStopsAtItsDeadline) {
  ASSERT_TRUE(create("ORD-1", milliseconds(20'000)).ok());
  storage::PgConnection holder(schema_->url(), 0);
  storage::PgConnection observer(schema_->url(), 0);
  holder.exec("BEGIN; LOCK TABLE order_events IN ACCESS EXCLUSIVE MODE");

  std::thread blocked([&] {
    EXPECT_EQ(history(milliseconds(2'000)).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  });
  statement_waits_on_lock(observer);
  blocked.join();
  EXPECT_TRUE(no_statement_left(observer)) << server_->log();
  holder.exec("ROLLBACK");

  EXPECT_TRUE(history(milliseconds(20'000)).ok());
}

}  // namespace
}  // namespace orderstream::testing
