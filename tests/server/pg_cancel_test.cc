// A client that cancels its call, or goes away, stops the server's statement on PostgreSQL even
// without a deadline: the call's statement waits on a lock the test holds from a session of its
// own, the client cancels (or its process is killed), and the statement leaves pg_stat_activity
// while the lock is still held, so only a cancel can have ended it. Without one it would run
// until the session's statement_timeout (10 minutes here). Every wait is a bounded poll.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/pg_statement_fixture.h"

extern char** environ;

namespace orderstream::testing {
namespace {

using std::chrono::milliseconds;

// A statement timeout far beyond every wait below: only a cancel can end a statement here.
class PgCancelTest : public PgStatementFixture {
 protected:
  std::vector<std::string> server_args() const override {
    return {"--db-statement-timeout-ms", "600000"};
  }
};

TEST_F(PgCancelTest, CancelledCreateStopsItsStatement) {
  holder_->exec("BEGIN; SELECT last_seq FROM event_sequence FOR UPDATE");
  grpc::ClientContext context;  // no deadline
  grpc::Status status;
  std::thread call([&] {
    pb::Order order;
    order.set_order_id("ORD-2");
    order.set_customer_id("kim");
    order.set_total(1.0f);
    pb::OrderResponse response;
    status = stub_->CreateOrder(&context, order, &response);
  });
  const bool held = statements_reach(/*waiting_on_lock=*/true, 1);
  context.TryCancel();
  call.join();
  ASSERT_TRUE(held) << "the create never waited on the lock\n" << server_->log();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // Still holding the lock: only a cancel can have ended the statement.
  EXPECT_TRUE(statements_reach(/*waiting_on_lock=*/false, 0)) << server_->log();
  holder_->exec("ROLLBACK");
  EXPECT_EQ(observer_->exec("SELECT count(*) FROM orders").int64(0, 0), 1);
}

TEST_F(PgCancelTest, CancelledBulkImportStopsItsBatch) {
  holder_->exec("BEGIN; SELECT last_seq FROM event_sequence FOR UPDATE");
  grpc::ClientContext context;  // no deadline
  pb::BulkProcessResult result;
  auto writer = stub_->ProcessBulkOrders(&context, &result);
  pb::Order order;
  order.set_order_id("BULK-1");
  order.set_customer_id("kim");
  order.set_total(2.0f);
  ASSERT_TRUE(writer->Write(order));
  // The first order is committed at once, in a batch of its own, which waits on the lock.
  const bool held = statements_reach(/*waiting_on_lock=*/true, 1);
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(held) << "the import never waited on the lock\n" << server_->log();
  EXPECT_TRUE(statements_reach(/*waiting_on_lock=*/false, 0)) << server_->log();
  holder_->exec("ROLLBACK");
  EXPECT_EQ(observer_->exec("SELECT count(*) FROM orders").int64(0, 0), 1);
}

TEST_F(PgCancelTest, HistoryOfAClientThatWentAwayStopsItsStatement) {
  holder_->exec("BEGIN; LOCK TABLE order_events IN ACCESS EXCLUSIVE MODE");
  // A client process of its own (the CLI, no deadline on history), killed while its call waits:
  // the server learns of it from the closed connection only.
  const std::string cli = ORDERSTREAM_CLI_BIN;
  const std::string target = server_->target();
  std::vector<char*> argv = {const_cast<char*>(cli.c_str()),    const_cast<char*>("--target"),
                             const_cast<char*>(target.c_str()), const_cast<char*>("history"),
                             const_cast<char*>("kim"),          nullptr};
  pid_t client = -1;
  ASSERT_EQ(posix_spawn(&client, cli.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  const bool held = statements_reach(/*waiting_on_lock=*/true, 1);
  ::kill(client, SIGKILL);
  int wait_status = 0;
  ::waitpid(client, &wait_status, 0);
  ASSERT_TRUE(held) << "the history never waited on the lock\n" << server_->log();
  EXPECT_TRUE(statements_reach(/*waiting_on_lock=*/false, 0)) << server_->log();
  holder_->exec("ROLLBACK");

  // The server carries on.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + milliseconds(20'000));
  pb::UserID user;
  user.set_id("kim");
  auto reader = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  int events = 0;
  while (reader->Read(&event)) ++events;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(events, 1);
}

}  // namespace
}  // namespace orderstream::testing
