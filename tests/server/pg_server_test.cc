// The server binary on PostgreSQL: --db with a URL selects the PostgreSQL store, two server
// processes share one database, and a database that goes away and comes back costs UNAVAILABLE
// meanwhile and no restart.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "order_service.grpc.pb.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
namespace health = ::grpc::health::v1;

class PgServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  }
  std::optional<std::string> url_;
};

std::unique_ptr<pb::OrderService::Stub> stub_of(const ServerProcess& server) {
  return pb::OrderService::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
}

void set_deadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
}

grpc::Status create(pb::OrderService::Stub& stub, const std::string& id,
                    const std::string& customer, pb::OrderResponse* response = nullptr) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(12.5f);
  pb::OrderResponse ignored;
  grpc::ClientContext context;
  set_deadline(context);
  return stub.CreateOrder(&context, order, response != nullptr ? response : &ignored);
}

grpc::Status set_status(pb::OrderService::Stub& stub, const std::string& id,
                        const std::string& status, pb::OrderUpdate* update) {
  pb::OrderStatusChange change;
  change.set_order_id(id);
  change.set_status(status);
  grpc::ClientContext context;
  set_deadline(context);
  return stub.UpdateOrderStatus(&context, change, update);
}

// The customer's history as the server streams it, newest first, and the final status.
grpc::Status history(pb::OrderService::Stub& stub, const std::string& customer,
                     std::vector<pb::OrderEvent>* events) {
  pb::UserID user;
  user.set_id(customer);
  grpc::ClientContext context;
  set_deadline(context);
  auto reader = stub.GetOrderHistory(&context, user);
  pb::OrderEvent event;
  while (reader->Read(&event)) events->push_back(event);
  return reader->Finish();
}

TEST_F(PgServerTest, ServesCreateStatusHistoryAndBulkOnPostgres) {
  PgTestSchema schema(*url_);
  ServerProcess server(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  auto stub = stub_of(server);

  pb::OrderResponse created;
  ASSERT_TRUE(create(*stub, "ORD-1", "alice", &created).ok());
  EXPECT_EQ(created.status(), "CREATED");
  pb::OrderUpdate update;
  ASSERT_TRUE(set_status(*stub, "ORD-1", "shipped", &update).ok());
  EXPECT_EQ(update.status(), "SHIPPED");
  EXPECT_EQ(create(*stub, "ORD-1", "bob").error_code(), grpc::StatusCode::ALREADY_EXISTS);

  pb::BulkProcessResult result;
  {
    grpc::ClientContext context;
    set_deadline(context);
    auto writer = stub->ProcessBulkOrders(&context, &result);
    for (int i = 0; i < 500; ++i) {
      pb::Order order;
      order.set_order_id("BULK-" + std::to_string(i % 400));  // 100 repeats, same content
      order.set_customer_id("alice");
      order.set_total(1.0f);
      ASSERT_TRUE(writer->Write(order));
    }
    pb::Order invalid;
    invalid.set_order_id("BAD");
    ASSERT_TRUE(writer->Write(invalid));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  EXPECT_EQ(result.success_count(), 500);
  EXPECT_EQ(result.failure_count(), 1);

  std::vector<pb::OrderEvent> events;
  ASSERT_TRUE(history(*stub, "alice", &events).ok());
  ASSERT_EQ(events.size(), 402u);  // ORD-1 CREATED and SHIPPED, 400 bulk CREATED
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_LT(events[i].sequence(), events[i - 1].sequence());
  }
  EXPECT_EQ(schema.admin().exec("SELECT count(*) FROM orders").int64(0, 0), 401);
}

// Two replicas on one database: what one commits, the other reads.
TEST_F(PgServerTest, TwoServersShareOneDatabase) {
  PgTestSchema schema(*url_);
  ServerProcess a(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  ServerProcess b(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  auto stub_a = stub_of(a);
  auto stub_b = stub_of(b);
  ASSERT_TRUE(create(*stub_a, "ORD-1", "carol").ok());
  pb::OrderUpdate update;
  ASSERT_TRUE(set_status(*stub_b, "ORD-1", "CANCELLED", &update).ok());
  EXPECT_EQ(set_status(*stub_a, "ORD-1", "SHIPPED", &update).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(create(*stub_b, "ORD-1", "carol").error_code(), grpc::StatusCode::OK);  // a retry
  std::vector<pb::OrderEvent> events;
  ASSERT_TRUE(history(*stub_a, "carol", &events).ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event_type(), "CANCELLED");
}

// PostgreSQL stopped under a running server: calls fail at once with UNAVAILABLE and a message
// that says to retry, and once PostgreSQL is back the same server serves again.
TEST_F(PgServerTest, DatabaseStoppedAndStartedWhileTheServerRuns) {
  PgThrowawayCluster cluster;
  ASSERT_TRUE(cluster.ok());
  ServerProcess server(ServerProcessOptions{.extra_args = {}, .db = cluster.url()});
  auto stub = stub_of(server);
  ASSERT_TRUE(create(*stub, "ORD-1", "dave").ok());

  ASSERT_TRUE(cluster.stop());
  const grpc::Status created = create(*stub, "ORD-2", "dave");
  EXPECT_EQ(created.error_code(), grpc::StatusCode::UNAVAILABLE) << created.error_message();
  EXPECT_EQ(created.error_message(), "Storage is temporarily unavailable; retry later");
  pb::OrderUpdate update;
  EXPECT_EQ(set_status(*stub, "ORD-1", "SHIPPED", &update).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  std::vector<pb::OrderEvent> events;
  EXPECT_EQ(history(*stub, "dave", &events).error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(cluster.start());
  ASSERT_TRUE(create(*stub, "ORD-2", "dave").ok());
  ASSERT_TRUE(set_status(*stub, "ORD-1", "SHIPPED", &update).ok());
  events.clear();
  ASSERT_TRUE(history(*stub, "dave", &events).ok());
  EXPECT_EQ(events.size(), 3u);
  EXPECT_NE(server.log().find("PostgreSQL"), std::string::npos) << server.log();
}

TEST_F(PgServerTest, UnreachableDatabaseAtStartIsAnErrorExit) {
  const CommandResult result = run_command({ORDERSTREAM_SERVER_BIN, "--listen", "127.0.0.1:0",
                                            "--db", "postgresql://postgres@127.0.0.1:1/postgres"},
                                           "", 60'000);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot open the database"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace orderstream::testing
