// Server-level behaviour: message size limit, port conflicts, shutdown with open streams, and
// storage failures reaching clients as short UNAVAILABLE/INTERNAL statuses.
#include "support/test_doubles.h"
#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using ServerTest = ServerFixture;

TEST_F(ServerTest, MessageOverTheLimitIsResourceExhausted) {
  pb::Order order;
  order.set_order_id("BIG");
  order.set_customer_id(std::string(5 * 1024 * 1024, 'x'));
  order.set_total(1.0f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  const auto status = stub_->CreateOrder(&context, order, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(create("small", "alice", 1.0f).order_id(), "small");  // still serving
}

TEST_F(ServerTest, PortInUseIsAStartupError) {
  transport::ServerOptions options;
  options.listen = server_->target();
  try {
    transport::OrderServer second(options, *orders_, hub_);
    FAIL() << "a second server bound " << options.listen;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(options.listen), std::string::npos) << e.what();
  }
  EXPECT_EQ(create("still", "alice", 1.0f).order_id(), "still");
}

TEST_F(ServerTest, ShutdownFinishesOpenStreamsWithUnavailable) {
  create("S-1", "alice", 1.0f);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  id.set_id("S-1");
  ASSERT_TRUE(stream->Write(id));
  pb::OrderUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  server_->shutdown(std::chrono::seconds(5));
  while (stream->Read(&update)) {
  }
  const auto status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server_->active_streams(), 0u);
}

// The status's message leaks nothing of the store's failure.
void expect_no_detail(const grpc::Status& status) {
  for (std::string_view leak : kStorageFailureLeaks) {
    EXPECT_EQ(status.error_message().find(leak), std::string::npos)
        << "message leaks '" << leak << "': " << status.error_message();
  }
}

class FailingStoreTest : public ::testing::TestWithParam<bool> {};

TEST_P(FailingStoreTest, StorageFailuresAreShortStatusesWithoutDetail) {
  const bool transient = GetParam();
  FailingOrderStore store(transient);
  EventHub hub;
  OrderService orders(store, hub);
  transport::ServerOptions options;
  options.listen = "127.0.0.1:0";
  transport::OrderServer server(options, orders, hub);
  auto stub = pb::OrderService::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
  const auto expected = transient ? grpc::StatusCode::UNAVAILABLE : grpc::StatusCode::INTERNAL;

  pb::Order order;
  order.set_customer_id("alice");
  order.set_total(1.0f);
  pb::OrderResponse response;
  grpc::ClientContext create_context;
  const auto created = stub->CreateOrder(&create_context, order, &response);
  EXPECT_EQ(created.error_code(), expected);
  expect_no_detail(created);

  grpc::ClientContext get_context;
  pb::OrderID id;
  id.set_id("G-1");
  pb::OrderDetails details;
  const auto got = stub->GetOrder(&get_context, id, &details);
  EXPECT_EQ(got.error_code(), expected);
  expect_no_detail(got);

  grpc::ClientContext history_context;
  pb::UserID user;
  user.set_id("alice");
  auto reader = stub->GetOrderHistory(&history_context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const auto history = reader->Finish();
  EXPECT_EQ(history.error_code(), expected);
  expect_no_detail(history);

  grpc::ClientContext bulk_context;
  pb::BulkProcessResult result;
  auto writer = stub->ProcessBulkOrders(&bulk_context, &result);
  order.set_order_id("B-1");
  writer->Write(order);
  writer->WritesDone();
  const auto bulk = writer->Finish();
  EXPECT_EQ(bulk.error_code(), expected);
  expect_no_detail(bulk);
}

INSTANTIATE_TEST_SUITE_P(TransientAndPermanent, FailingStoreTest, ::testing::Bool());

}  // namespace
}  // namespace orderstream::testing
