// GetOrderHistory with follow across replicas on one PostgreSQL database: a follower on replica B,
// with no watcher there (so B's change feed reads rows only because someone follows), receives
// the customer's history, then every event committed through A and through B, including a bulk
// import, exactly once and in sequence order; a sentinel commit is the very next event. Every
// read is bounded by the stream's deadline; nothing depends on timing working out.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
using std::chrono::seconds;

std::unique_ptr<pb::OrderService::Stub> stub_of(const ServerProcess& server) {
  return pb::OrderService::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
}

void set_deadline(grpc::ClientContext& context, seconds timeout = seconds(30)) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

// The sequence of the new order's CREATED event.
int64_t create(pb::OrderService::Stub& stub, const std::string& id, const std::string& customer) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(2.5f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  set_deadline(context);
  EXPECT_TRUE(stub.CreateOrder(&context, order, &response).ok()) << id;
  pb::OrderDetails details;
  pb::OrderID request;
  request.set_id(id);
  grpc::ClientContext get_context;
  set_deadline(get_context);
  EXPECT_TRUE(stub.GetOrder(&get_context, request, &details).ok()) << id;
  return details.sequence();
}

void ship(pb::OrderService::Stub& stub, const std::string& id) {
  pb::OrderStatusChange change;
  change.set_order_id(id);
  change.set_status("SHIPPED");
  pb::OrderUpdate update;
  grpc::ClientContext context;
  set_deadline(context);
  EXPECT_TRUE(stub.UpdateOrderStatus(&context, change, &update).ok()) << id;
}

void import(pb::OrderService::Stub& stub, const std::string& prefix, const std::string& customer,
            int count) {
  grpc::ClientContext context;
  set_deadline(context, seconds(120));
  pb::BulkProcessResult result;
  auto writer = stub.ProcessBulkOrders(&context, &result);
  for (int i = 0; i < count; ++i) {
    pb::Order order;
    order.set_order_id(prefix + std::to_string(i));
    order.set_customer_id(customer);
    order.set_total(1.0f);
    if (!writer->Write(order)) break;
  }
  writer->WritesDone();
  EXPECT_TRUE(writer->Finish().ok());
  EXPECT_EQ(result.success_count(), count);
}

// The customer's whole history, oldest first, as the database holds it (a plain history call).
std::vector<int64_t> stored_sequences(pb::OrderService::Stub& stub, const std::string& customer) {
  pb::UserID user;
  user.set_id(customer);
  user.set_oldest_first(true);
  grpc::ClientContext context;
  set_deadline(context);
  auto reader = stub.GetOrderHistory(&context, user);
  std::vector<int64_t> sequences;
  pb::OrderEvent event;
  while (reader->Read(&event)) sequences.push_back(event.sequence());
  EXPECT_TRUE(reader->Finish().ok());
  return sequences;
}

TEST(PgFollowTest, AFollowerOnBReceivesWhatAAndBCommitOnceInOrder) {
  const auto url = pg_test_url();
  if (!url) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  PgTestSchema schema(*url);
  ServerProcess a(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  ServerProcess b(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  auto stub_a = stub_of(a);
  auto stub_b = stub_of(b);

  // Before: the history the follower starts with.
  create(*stub_a, "F-1", "erin");
  create(*stub_a, "X-1", "someone-else");
  ship(*stub_a, "F-1");

  grpc::ClientContext context;
  set_deadline(context, seconds(120));
  pb::UserID user;
  user.set_id("erin");
  user.set_follow(true);
  auto reader = stub_b->GetOrderHistory(&context, user);
  std::vector<int64_t> received;
  pb::OrderEvent event;
  while (received.size() < 2 && reader->Read(&event)) received.push_back(event.sequence());
  ASSERT_EQ(received.size(), 2u);

  // Live: commits through the other replica and through B itself, single and in bulk.
  create(*stub_a, "F-2", "erin");
  ship(*stub_b, "F-2");
  create(*stub_b, "X-2", "someone-else");
  import(*stub_a, "F-BULK-", "erin", 500);
  ship(*stub_a, "F-BULK-7");

  const std::vector<int64_t> stored = stored_sequences(*stub_a, "erin");
  ASSERT_EQ(stored.size(), 2u + 2u + 500u + 1u);
  while (received.size() < stored.size() && reader->Read(&event)) {
    received.push_back(event.sequence());
  }
  EXPECT_EQ(received, stored);

  // Nothing extra: the next event is a commit made now, through A.
  const int64_t sentinel = create(*stub_a, "F-SENTINEL", "erin");
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), sentinel);
  EXPECT_EQ(event.order_id(), "F-SENTINEL");
  context.TryCancel();
  for (int i = 0; i < 100 && reader->Read(&event); ++i) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace orderstream::testing
