// Every limit of docs/SECURITY.md on a real in-process server, each set low by its option: what
// goes over it ends with RESOURCE_EXHAUSTED naming the limit (INVALID_ARGUMENT naming the field
// for an id too long), and what stayed under it is served.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/token_hash.h"
#include "auth/token_table.h"
#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

// An open watch stream on `stub`'s channel, with its first acknowledgement read.
struct OpenWatch {
  std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
  std::unique_ptr<grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>> stream;

  // Subscribes to `id`; true once acknowledged.
  bool subscribe(const std::string& id) {
    pb::OrderID request;
    request.set_id(id);
    pb::OrderUpdate update;
    return stream->Write(request) && stream->Read(&update);
  }
  // Cancels unless already ended; the status it ended with.
  grpc::Status end() {
    context->TryCancel();
    return stream->Finish();
  }
};

OpenWatch open_watch(pb::OrderService::Stub& stub, const std::string& token = "") {
  OpenWatch watch;
  if (!token.empty()) watch.context->AddMetadata("authorization", "Bearer " + token);
  watch.context->set_deadline(in(std::chrono::seconds(30)));
  watch.stream = stub.NotifyOrderUpdates(watch.context.get());
  return watch;
}

void expect_exhausted(const grpc::Status& status, const std::string& limit) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find(limit), std::string::npos) << status.error_message();
}

class SubscriptionLimitTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override {
    options.limits.subscriptions_per_stream = 3;
  }
};

TEST_F(SubscriptionLimitTest, AFourthOrderOnOneStreamIsRefused) {
  OpenWatch watch = open_watch(*stub_);
  for (const char* id : {"ORD-1", "ORD-2", "ORD-3"}) ASSERT_TRUE(watch.subscribe(id)) << id;
  // A repeated id takes no new place (and brings no new acknowledgement: nothing changed).
  pb::OrderID again;
  again.set_id("ORD-2");
  ASSERT_TRUE(watch.stream->Write(again));
  EXPECT_FALSE(watch.subscribe("ORD-4"));
  expect_exhausted(watch.stream->Finish(), "subscriptions on one stream (limit 3)");

  OpenWatch another = open_watch(*stub_);
  EXPECT_TRUE(another.subscribe("ORD-4")) << "the limit is per stream";
  another.end();
}

class WatchRateTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override {
    options.limits.watch_request_burst = 5;
    options.limits.watch_requests_per_second = 0.01;  // no refill within the test
  }
};

TEST_F(WatchRateTest, RequestsBeyondTheBurstAreRefused) {
  OpenWatch watch = open_watch(*stub_);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(watch.subscribe("ORD-" + std::to_string(i))) << i;
  EXPECT_FALSE(watch.subscribe("ORD-5"));
  expect_exhausted(watch.stream->Finish(), "subscription requests on one stream");
}

class StreamsPerConnectionTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override {
    options.limits.streams_per_connection = 2;
  }
};

TEST_F(StreamsPerConnectionTest, AThirdStreamOnOneConnectionIsRefusedUntilOneEnds) {
  OpenWatch first = open_watch(*stub_);
  OpenWatch second = open_watch(*stub_);
  ASSERT_TRUE(first.subscribe("ORD-1"));
  ASSERT_TRUE(second.subscribe("ORD-2"));

  pb::UserID user;
  user.set_id("alice");
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  auto history = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(history->Read(&event));
  expect_exhausted(history->Finish(), "streams on this connection (limit 2)");

  // Another connection has its own count (a distinct argument keeps gRPC from sharing one).
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto other_stub = pb::OrderService::NewStub(
      grpc::CreateCustomChannel(server_->target(), grpc::InsecureChannelCredentials(), arguments));
  OpenWatch elsewhere = open_watch(*other_stub);
  EXPECT_TRUE(elsewhere.subscribe("ORD-3"));
  elsewhere.end();

  // The server frees a place once a stream is done; unary calls are never counted.
  create("ORD-1", "alice", 2);
  first.end();
  const bool reopened = eventually([&] {
    OpenWatch again = open_watch(*stub_);
    const bool served = again.subscribe("ORD-1");
    again.end();
    return served;
  });
  EXPECT_TRUE(reopened);
  second.end();
}

constexpr char kAlice[] = "alice-0c2f9e81";

class StreamsPerCustomerTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override {
    options.limits.streams_per_customer = 1;
    options.tokens = std::make_shared<const auth::TokenTable>(
        auth::TokenTable::parse(auth::sha256_hex(kAlice) + " customer:alice\n"));
  }
};

TEST_F(StreamsPerCustomerTest, ACustomersSecondStreamIsRefusedOnAnyConnection) {
  pb::Order order;
  order.set_order_id("ORD-A1");
  order.set_customer_id("alice");
  order.set_total(4);
  pb::OrderResponse response;
  grpc::ClientContext create_context;
  create_context.AddMetadata("authorization", std::string("Bearer ") + kAlice);
  ASSERT_TRUE(stub_->CreateOrder(&create_context, order, &response).ok());

  OpenWatch first = open_watch(*stub_, kAlice);
  ASSERT_TRUE(first.subscribe("ORD-A1"));  // acknowledged: the stream holds its place

  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto other_stub = pb::OrderService::NewStub(
      grpc::CreateCustomChannel(server_->target(), grpc::InsecureChannelCredentials(), arguments));
  const auto history_status = [&](pb::OrderService::Stub& stub) {
    pb::UserID user;
    user.set_id("alice");
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kAlice);
    context.set_deadline(in(std::chrono::seconds(10)));
    auto history = stub.GetOrderHistory(&context, user);
    pb::OrderEvent event;
    while (history->Read(&event)) {
    }
    return history->Finish();
  };
  expect_exhausted(history_status(*other_stub), "streams for this customer (limit 1)");

  first.end();
  EXPECT_TRUE(eventually([&] { return history_status(*other_stub).ok(); }))
      << "the place is given back once the stream is done";
}

class BulkLimitTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override {
    options.limits.bulk_orders_per_stream = 5;
  }
};

TEST_F(BulkLimitTest, AnImportOverTheLimitEndsAndKeepsWhatWasCommitted) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  pb::BulkProcessResult result;
  auto writer = stub_->ProcessBulkOrders(&context, &result);
  pb::Order order;
  order.set_customer_id("alice");
  order.set_total(3);
  for (int i = 0; i < 6; ++i) {
    order.set_order_id("ORD-BULK-" + std::to_string(i));
    if (!writer->Write(order)) break;
  }
  writer->WritesDone();
  expect_exhausted(writer->Finish(), "orders on one import stream (limit 5)");

  const pb::BulkProcessResult under = bulk_create("ORD-UNDER-", "bob", 5);
  EXPECT_EQ(under.success_count(), 5) << "exactly the limit is accepted";
}

class IdLengthTest : public ServerFixture {
  void configure(transport::ServerOptions& options) override { options.limits.max_id_bytes = 8; }
};

void expect_too_long(const grpc::Status& status, const std::string& field) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find(field + " is longer than 8 bytes"), std::string::npos)
      << status.error_message();
}

TEST_F(IdLengthTest, IdsOverTheLimitAreRefusedOnEveryRpcAndIdsAtItServed) {
  const std::string at_limit(8, 'a');
  const std::string over(9, 'b');
  EXPECT_EQ(create(at_limit, at_limit, 1.0f).order_id(), at_limit);

  pb::Order order;
  order.set_order_id(over);
  order.set_customer_id("alice");
  order.set_total(1);
  pb::OrderResponse response;
  grpc::ClientContext create_context;
  expect_too_long(stub_->CreateOrder(&create_context, order, &response), "order_id");
  order.set_order_id("ORD-1");
  order.set_customer_id(over);
  grpc::ClientContext customer_context;
  expect_too_long(stub_->CreateOrder(&customer_context, order, &response), "customer_id");

  pb::OrderID id;
  id.set_id(over);
  pb::OrderDetails details;
  grpc::ClientContext get_context;
  expect_too_long(stub_->GetOrder(&get_context, id, &details), "OrderID.id");

  pb::OrderStatusChange change;
  change.set_order_id(over);
  change.set_status("SHIPPED");
  pb::OrderUpdate update;
  grpc::ClientContext status_context;
  expect_too_long(stub_->UpdateOrderStatus(&status_context, change, &update), "order_id");

  pb::UserID user;
  user.set_id(over);
  grpc::ClientContext history_context;
  auto reader = stub_->GetOrderHistory(&history_context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  expect_too_long(reader->Finish(), "UserID.id");

  OpenWatch watch = open_watch(*stub_);
  EXPECT_FALSE(watch.subscribe(over));
  expect_too_long(watch.stream->Finish(), "OrderID.id");

  grpc::ClientContext bulk_context;
  bulk_context.set_deadline(in(std::chrono::seconds(30)));
  pb::BulkProcessResult result;
  auto writer = stub_->ProcessBulkOrders(&bulk_context, &result);
  order.set_customer_id("alice");
  order.set_order_id(over);
  ASSERT_TRUE(writer->Write(order));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(result.success_count(), 0);
  ASSERT_EQ(result.error_messages_size(), 1);
  EXPECT_NE(result.error_messages(0).find("order_id is longer than 8 bytes"), std::string::npos)
      << result.error_messages(0);
}

}  // namespace
}  // namespace orderstream::testing
