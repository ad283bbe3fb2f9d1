// The client's deadline bounds the server's statements on PostgreSQL: a call whose deadline passes
// while its statement waits on a lock held by another session answers DEADLINE_EXCEEDED, and the
// statement is cancelled then, not left running until the session's statement_timeout (30 s
// here). Every wait is bounded; the lock is held until the check is over, so a statement that
// was not cancelled is still there to be seen.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "order_service.grpc.pb.h"
#include "support/pg_statement_fixture.h"

namespace orderstream::testing {
namespace {

using std::chrono::milliseconds;

class PgDeadlineTest : public PgStatementFixture {
 protected:
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

  // Waits (bounded: 15 s, half the statement_timeout) until no statement of the server runs.
  bool no_statement_left() {
    return statements_reach(/*waiting_on_lock=*/false, 0, std::chrono::seconds(15));
  }

  // Waits (bounded) until a statement of the server waits on a lock: the call is held up. Not an
  // assertion: a server too slow to send the statement before the deadline sends none, which
  // leaves nothing running either.
  void statement_waits_on_lock() {
    statements_reach(/*waiting_on_lock=*/true, 1, std::chrono::seconds(6));
  }
};

TEST_F(PgDeadlineTest, CreateHeldUpByTheSequenceLockStopsAtItsDeadline) {
  holder_->exec("BEGIN; SELECT last_seq FROM event_sequence FOR UPDATE");

  // The create waits for the counter row's lock (every writer takes it) until its deadline.
  std::thread blocked([&] {
    EXPECT_EQ(create("ORD-2", milliseconds(2'000)).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  });
  statement_waits_on_lock();
  blocked.join();
  // Still holding the lock: only a cancel can have ended the statement.
  EXPECT_TRUE(no_statement_left()) << server_->log();
  holder_->exec("ROLLBACK");

  // Nothing of the cancelled create was committed, and the server carries on.
  EXPECT_EQ(observer_->exec("SELECT count(*) FROM orders").int64(0, 0), 1);
  ASSERT_TRUE(create("ORD-3", milliseconds(20'000)).ok());
  EXPECT_EQ(observer_->exec("SELECT count(*) FROM orders").int64(0, 0), 2);
}

TEST_F(PgDeadlineTest, HistoryHeldUpByATableLockStopsAtItsDeadline) {
  holder_->exec("BEGIN; LOCK TABLE order_events IN ACCESS EXCLUSIVE MODE");

  std::thread blocked([&] {
    EXPECT_EQ(history(milliseconds(2'000)).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  });
  statement_waits_on_lock();
  blocked.join();
  EXPECT_TRUE(no_statement_left()) << server_->log();
  holder_->exec("ROLLBACK");

  EXPECT_TRUE(history(milliseconds(20'000)).ok());
}

}  // namespace
}  // namespace orderstream::testing
