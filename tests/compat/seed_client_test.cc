// A client generated from the seed proto (tests/compat/order_service.seed.proto, unchanged) runs
// the tutorial's scenario against the real server binary: all four RPCs, as the seed's own client
// uses them, keep working whatever the server's proto adds.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>

#include "order_service.seed.grpc.pb.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;

std::chrono::system_clock::time_point in_seconds(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

class SeedClientTest : public ::testing::Test {
 protected:
  ServerProcess server_;
  std::unique_ptr<pb::OrderService::Stub> stub_ = pb::OrderService::NewStub(
      grpc::CreateChannel(server_.target(), grpc::InsecureChannelCredentials()));

  grpc::Status create(const std::string& id, const std::string& customer, float total,
                      pb::OrderResponse* response) {
    pb::Order order;
    order.set_order_id(id);
    order.set_customer_id(customer);
    order.set_total(total);
    grpc::ClientContext context;
    context.set_deadline(in_seconds(10));
    return stub_->CreateOrder(&context, order, response);
  }
};

TEST_F(SeedClientTest, TutorialScenarioRunsAgainstTheServer) {
  // Bidirectional first: subscribe, end the request stream as the seed's generator does, and
  // keep reading.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(in_seconds(30));
  auto watch = stub_->NotifyOrderUpdates(&watch_context);
  pb::OrderID id;
  id.set_id("SEED-1");
  ASSERT_TRUE(watch->Write(id));
  ASSERT_TRUE(watch->WritesDone());
  pb::OrderUpdate update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.order_id(), "SEED-1");
  EXPECT_EQ(update.status(), "UNKNOWN");

  // Unary.
  pb::OrderResponse response;
  ASSERT_TRUE(create("SEED-1", "cust-1", 99.5f, &response).ok());
  EXPECT_EQ(response.order_id(), "SEED-1");
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.order_id(), "SEED-1");
  EXPECT_EQ(update.status(), "CREATED");
  EXPECT_GT(update.updated_at(), 0);

  // Client streaming.
  {
    grpc::ClientContext context;
    context.set_deadline(in_seconds(30));
    pb::BulkProcessResult result;
    auto writer = stub_->ProcessBulkOrders(&context, &result);
    pb::Order order;
    for (int i = 0; i < 100; ++i) {
      order.set_order_id("SEED-BULK-" + std::to_string(i));
      order.set_customer_id("cust-1");
      order.set_total(i == 50 ? 0.0f : 10.0f);
      ASSERT_TRUE(writer->Write(order));
    }
    ASSERT_TRUE(writer->WritesDone());
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(result.success_count(), 99);
    EXPECT_EQ(result.failure_count(), 1);
    ASSERT_EQ(result.error_messages_size(), 1);
    EXPECT_NE(result.error_messages(0).find("SEED-BULK-50"), std::string::npos);
  }

  // Server streaming.
  {
    grpc::ClientContext context;
    context.set_deadline(in_seconds(30));
    pb::UserID user;
    user.set_id("cust-1");
    auto reader = stub_->GetOrderHistory(&context, user);
    pb::OrderEvent event;
    int events = 0;
    while (reader->Read(&event)) {
      EXPECT_EQ(event.event_type(), "CREATED");
      EXPECT_GT(event.timestamp(), 0);
      ++events;
    }
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_EQ(events, 100);
  }

  // Errors the seed's client knows.
  {
    grpc::ClientContext context;
    pb::UserID user;
    user.set_id("nobody");
    auto reader = stub_->GetOrderHistory(&context, user);
    pb::OrderEvent event;
    EXPECT_FALSE(reader->Read(&event));
    const auto status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), "User nobody not found");
  }

  watch_context.TryCancel();
  while (watch->Read(&update)) {
  }
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace orderstream::testing
