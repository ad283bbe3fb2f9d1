// What a client sends never vanishes silently and never grows the server: requests that do not
// parse end their call with INVALID_ARGUMENT (a stream's too, never as if it had ended), every id
// is bounded, and status messages quote only a bounded excerpt of client input.
#include <gtest/gtest.h>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using UntrustedInputTest = ServerFixture;

// Latin-1 'é': not UTF-8. protobuf serializes it (logging an error) and proto3 refuses to parse it.
const std::string kNotUtf8 = "caf\xe9";
const std::string kHugeId(1 << 20, 'x');

pb::Order make_order(const std::string& id, const std::string& customer, float total = 5.0f) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(total);
  return order;
}

grpc::Status import(pb::OrderService::Stub& stub, const std::vector<pb::Order>& orders,
                    pb::BulkProcessResult* result) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  auto writer = stub.ProcessBulkOrders(&context, result);
  for (const auto& order : orders) {
    if (!writer->Write(order)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

bool exists(pb::OrderService::Stub& stub, const std::string& id) {
  pb::OrderStatusChange change;
  change.set_order_id(id);
  change.set_status("CREATED");
  pb::OrderUpdate update;
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  return stub.UpdateOrderStatus(&context, change, &update).ok();
}

TEST_F(UntrustedInputTest, AnUnparsableBulkMessageEndsTheImportWithInvalidArgument) {
  pb::BulkProcessResult result;
  const grpc::Status status = import(
      *stub_, {make_order("V0", "alice"), make_order("V1", kNotUtf8), make_order("V2", "alice")},
      &result);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("message #2"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("ecommerce.orders.Order"), std::string::npos);
  EXPECT_FALSE(exists(*stub_, "V2"));
}

TEST_F(UntrustedInputTest, AnUnparsableUnaryRequestIsInvalidArgumentWithAMessage) {
  pb::OrderResponse response;
  grpc::ClientContext create_context;
  const grpc::Status created =
      stub_->CreateOrder(&create_context, make_order("U-1", kNotUtf8), &response);
  EXPECT_EQ(created.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(created.error_message().find("not a valid ecommerce.orders.Order"), std::string::npos)
      << created.error_message();

  pb::OrderStatusChange change;
  change.set_order_id("U-1");
  change.set_status(kNotUtf8);
  pb::OrderUpdate update;
  grpc::ClientContext update_context;
  const grpc::Status updated = stub_->UpdateOrderStatus(&update_context, change, &update);
  EXPECT_EQ(updated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(updated.error_message().find("ecommerce.orders.OrderStatusChange"), std::string::npos)
      << updated.error_message();
}

TEST_F(UntrustedInputTest, AnUnparsableHistoryRequestIsInvalidArgument) {
  pb::UserID user;
  user.set_id(kNotUtf8);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  auto reader = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("ecommerce.orders.UserID"), std::string::npos);
}

TEST_F(UntrustedInputTest, AnUnparsableSubscriptionEndsTheWatchWithInvalidArgument) {
  // A half-close would keep the stream open until the deadline; an error ends it at once.
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(20)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  id.set_id(kNotUtf8);
  stream->Write(id);
  pb::OrderUpdate update;
  EXPECT_FALSE(stream->Read(&update));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
}

TEST_F(UntrustedInputTest, IdsOverTheLimitAreRefusedOnEveryPathWithoutBeingEchoed) {
  pb::OrderUpdate update;
  const grpc::Status updated = set_status(kHugeId, "SHIPPED", &update);
  EXPECT_EQ(updated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(updated.error_message(), "order_id is longer than 128 bytes");

  pb::UserID user;
  user.set_id(kHugeId);
  grpc::ClientContext history_context;
  history_context.set_deadline(in(std::chrono::seconds(10)));
  auto reader = stub_->GetOrderHistory(&history_context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const grpc::Status history = reader->Finish();
  EXPECT_EQ(history.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(history.error_message(), "UserID.id is longer than 128 bytes");

  grpc::ClientContext watch_context;
  watch_context.set_deadline(in(std::chrono::seconds(20)));
  auto stream = stub_->NotifyOrderUpdates(&watch_context);
  pb::OrderID id;
  id.set_id(kHugeId);
  stream->Write(id);
  EXPECT_FALSE(stream->Read(&update));
  const grpc::Status watched = stream->Finish();
  EXPECT_EQ(watched.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(watched.error_message(), "OrderID.id is longer than 128 bytes");
  // The stream is gone once gRPC is done with it (OnDone may follow the client's status).
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
}

TEST_F(UntrustedInputTest, AnUnknownStatusIsEchoedAsABoundedExcerpt) {
  create("E-1", "alice", 1.0f);
  const grpc::Status status = set_status("E-1", std::string(1 << 20, 's'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(status.error_message().size(), 300u);
}

TEST_F(UntrustedInputTest, TheAnswerToAnImportFitsHoweverLargeTheFailingIds) {
  // Ten 1 MiB ids in the error messages would make the answer exceed the 4 MiB limit.
  std::vector<pb::Order> orders;
  for (int i = 0; i < 10; ++i) orders.push_back(make_order(kHugeId + std::to_string(i), "alice"));
  for (int i = 0; i < 1000; ++i) orders.push_back(make_order("F-" + std::to_string(i), "alice"));
  pb::BulkProcessResult result;
  const grpc::Status status = import(*stub_, orders, &result);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(result.success_count(), 1000);
  EXPECT_EQ(result.failure_count(), 10);
  ASSERT_EQ(result.error_messages_size(), 10);
  for (const auto& message : result.error_messages()) EXPECT_LT(message.size(), 300u);
}

}  // namespace
}  // namespace orderstream::testing
