// Authentication and per-customer authorization on a real in-process server with --tokens: a
// missing or unknown token is UNAUTHENTICATED, and a customer token creates, reads and watches
// its own orders only, with the same answer for another customer's order as for a missing one
// (GetOrder and NotifyOrderUpdates alike).
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

constexpr char kAdmin[] = "admin-7f3a9c2e4b1d";
constexpr char kAlice[] = "alice-52be0d17c9aa";
constexpr char kBob[] = "bob-e41c86f2a03b";

std::shared_ptr<const auth::TokenTable> test_tokens() {
  return std::make_shared<const auth::TokenTable>(
      auth::TokenTable::parse(auth::sha256_hex(kAdmin) + " admin\n" + auth::sha256_hex(kAlice) +
                              " customer:alice\n" + auth::sha256_hex(kBob) + " customer:bob\n"));
}

class AuthTest : public ServerFixture {
 protected:
  void configure(transport::ServerOptions& options) override { options.tokens = test_tokens(); }

  // A call context carrying `token` (none when empty) and a 10 s deadline.
  static std::unique_ptr<grpc::ClientContext> as(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(in(std::chrono::seconds(10)));
    return context;
  }

  grpc::Status create_as(const std::string& token, const std::string& id,
                         const std::string& customer) {
    pb::Order order;
    order.set_order_id(id);
    order.set_customer_id(customer);
    order.set_total(7);
    pb::OrderResponse response;
    return stub_->CreateOrder(as(token).get(), order, &response);
  }

  // The status a history stream of `customer` ends with, and how many events it got.
  grpc::Status history_as(const std::string& token, const std::string& customer,
                          int* events = nullptr) {
    pb::UserID user;
    user.set_id(customer);
    auto context = as(token);
    auto reader = stub_->GetOrderHistory(context.get(), user);
    pb::OrderEvent event;
    int count = 0;
    while (reader->Read(&event)) ++count;
    if (events != nullptr) *events = count;
    return reader->Finish();
  }

  // GetOrder of `id`; `customer` gets the order's customer when it is read.
  grpc::Status get_as(const std::string& token, const std::string& id,
                      std::string* customer = nullptr) {
    pb::OrderID request;
    request.set_id(id);
    pb::OrderDetails details;
    const grpc::Status status = stub_->GetOrder(as(token).get(), request, &details);
    if (customer != nullptr) *customer = details.customer_id();
    return status;
  }

  // Subscribes to `id`; OK with the acknowledgement's status, or the status the stream ended with.
  grpc::Status watch_as(const std::string& token, const std::string& id,
                        std::string* acknowledged = nullptr) {
    auto context = as(token);
    auto stream = stub_->NotifyOrderUpdates(context.get());
    pb::OrderID request;
    request.set_id(id);
    stream->Write(request);
    pb::OrderUpdate update;
    if (stream->Read(&update)) {
      if (acknowledged != nullptr) *acknowledged = update.status();
      context->TryCancel();
      stream->Finish();
      return grpc::Status::OK;
    }
    return stream->Finish();
  }
};

TEST_F(AuthTest, AMissingOrUnknownTokenIsUnauthenticated) {
  for (const std::string& token :
       std::vector<std::string>{"", "not-a-token", auth::sha256_hex(kAdmin)}) {
    const grpc::Status status = create_as(token, "ORD-U", "alice");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << token;
    EXPECT_EQ(status.error_message().find(token.empty() ? "\x01" : token), std::string::npos)
        << "echoes the token";
    EXPECT_EQ(history_as(token, "alice").error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(watch_as(token, "ORD-U").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  pb::Order order;
  order.set_customer_id("alice");
  order.set_total(1);
  auto context = as("");
  context->AddMetadata("authorization", std::string("Basic ") + kAdmin);
  pb::OrderResponse response;
  EXPECT_EQ(stub_->CreateOrder(context.get(), order, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "only the Bearer scheme";
}

TEST_F(AuthTest, AnAdminTokenMayDoEverything) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  ASSERT_TRUE(create_as(kAdmin, "ORD-B1", "bob").ok());
  int events = 0;
  EXPECT_TRUE(history_as(kAdmin, "bob", &events).ok());
  EXPECT_EQ(events, 1);
  std::string status;
  EXPECT_TRUE(watch_as(kAdmin, "ORD-B1", &status).ok());
  EXPECT_EQ(status, "CREATED");
  EXPECT_TRUE(watch_as(kAdmin, "ORD-NOT-YET", &status).ok()) << "subscribe before create";
  EXPECT_EQ(status, "UNKNOWN");
  pb::OrderStatusChange change;
  change.set_order_id("ORD-A1");
  change.set_status("SHIPPED");
  pb::OrderUpdate update;
  EXPECT_TRUE(stub_->UpdateOrderStatus(as(kAdmin).get(), change, &update).ok());
}

TEST_F(AuthTest, ACustomerCreatesForItselfOnly) {
  EXPECT_TRUE(create_as(kAlice, "ORD-A1", "alice").ok());
  const grpc::Status other = create_as(kAlice, "ORD-A2", "bob");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(other.error_message().find("customer_id"), std::string::npos) << "names the field";
  EXPECT_EQ(other.error_message().find("bob"), std::string::npos) << "echoes the request";
  EXPECT_EQ(create_as(kAlice, "ORD-A3", "").error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "an invalid order stays INVALID_ARGUMENT";
}

TEST_F(AuthTest, ACustomerReadsItsOwnHistoryOnly) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  ASSERT_TRUE(create_as(kAdmin, "ORD-B1", "bob").ok());
  int events = 0;
  EXPECT_TRUE(history_as(kAlice, "alice", &events).ok());
  EXPECT_EQ(events, 1);
  const grpc::Status other = history_as(kAlice, "bob", &events);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(events, 0);
  EXPECT_EQ(history_as(kAlice, "nobody").error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << "no hint whether a customer exists";
}

TEST_F(AuthTest, ACustomerFollowsItsOwnCustomerOnly) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  ASSERT_TRUE(create_as(kAdmin, "ORD-B1", "bob").ok());
  const auto follow_as = [&](const std::string& token, const std::string& customer,
                             grpc::ClientContext& context) {
    pb::UserID user;
    user.set_id(customer);
    user.set_follow(true);
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(in(std::chrono::seconds(10)));
    return stub_->GetOrderHistory(&context, user);
  };
  for (const std::string customer : {"bob", "nobody"}) {
    grpc::ClientContext context;
    auto reader = follow_as(kAlice, customer, context);
    pb::OrderEvent event;
    EXPECT_FALSE(reader->Read(&event)) << customer;
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED) << customer;
  }
  EXPECT_EQ(hub_.follower_count(), 0u) << "a refused follower is never registered";

  grpc::ClientContext context;
  auto reader = follow_as(kAlice, "alice", context);
  pb::OrderEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.order_id(), "ORD-A1");
  ASSERT_TRUE(create_as(kAdmin, "ORD-B2", "bob").ok());
  ASSERT_TRUE(create_as(kAlice, "ORD-A2", "alice").ok());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.order_id(), "ORD-A2") << "bob's order is not alice's to see";
  context.TryCancel();
  for (int i = 0; i < 100 && reader->Read(&event); ++i) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(eventually([&] { return hub_.follower_count() == 0; }));
}

TEST_F(AuthTest, ACustomerWatchesItsOwnOrdersAndLearnsNothingAboutOthers) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  ASSERT_TRUE(create_as(kAdmin, "ORD-B1", "bob").ok());
  std::string status;
  EXPECT_TRUE(watch_as(kAlice, "ORD-A1", &status).ok());
  EXPECT_EQ(status, "CREATED");

  const grpc::Status others = watch_as(kAlice, "ORD-B1");
  const grpc::Status missing = watch_as(kAlice, "ORD-NOWHERE");
  EXPECT_EQ(others.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), others.error_code());
  EXPECT_EQ(missing.error_message(), others.error_message());
}

TEST_F(AuthTest, ACustomerReadsItsOwnOrdersAndLearnsNothingAboutOthers) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  ASSERT_TRUE(create_as(kAdmin, "ORD-B1", "bob").ok());
  std::string customer;
  EXPECT_TRUE(get_as(kAlice, "ORD-A1", &customer).ok());
  EXPECT_EQ(customer, "alice");

  const grpc::Status others = get_as(kAlice, "ORD-B1", &customer);
  const grpc::Status missing = get_as(kAlice, "ORD-NOWHERE");
  EXPECT_EQ(others.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(customer, "") << "nothing of bob's order in the answer";
  EXPECT_EQ(missing.error_code(), others.error_code());
  EXPECT_EQ(missing.error_message(), others.error_message());
  EXPECT_EQ(others.error_message().find("ORD-B1"), std::string::npos) << others.error_message();

  EXPECT_TRUE(get_as(kAdmin, "ORD-B1", &customer).ok()) << "an admin reads any order";
  EXPECT_EQ(customer, "bob");
  EXPECT_EQ(get_as(kAdmin, "ORD-NOWHERE").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get_as("", "ORD-A1").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(get_as("not-a-token", "ORD-A1").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, ACustomerWatchingGetsItsOrdersUpdates) {
  ASSERT_TRUE(create_as(kAdmin, "ORD-A1", "alice").ok());
  auto context = as(kAlice);
  auto stream = stub_->NotifyOrderUpdates(context.get());
  pb::OrderID request;
  request.set_id("ORD-A1");
  ASSERT_TRUE(stream->Write(request));
  pb::OrderUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.status(), "CREATED");
  pb::OrderStatusChange change;
  change.set_order_id("ORD-A1");
  change.set_status("SHIPPED");
  pb::OrderUpdate changed;
  ASSERT_TRUE(stub_->UpdateOrderStatus(as(kAdmin).get(), change, &changed).ok());
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.status(), "SHIPPED");
  context->TryCancel();
  stream->Finish();
}

TEST_F(AuthTest, ACustomerMayNotChangeAStatus) {
  ASSERT_TRUE(create_as(kAlice, "ORD-A1", "alice").ok());
  pb::OrderStatusChange change;
  change.set_order_id("ORD-A1");
  change.set_status("CANCELLED");
  pb::OrderUpdate update;
  const grpc::Status status = stub_->UpdateOrderStatus(as(kAlice).get(), change, &update);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  std::string current;
  ASSERT_TRUE(watch_as(kAdmin, "ORD-A1", &current).ok());
  EXPECT_EQ(current, "CREATED");
}

TEST_F(AuthTest, ACustomerImportsItsOwnOrdersAndIsStoppedAtAnotherCustomers) {
  auto context = as(kAlice);
  pb::BulkProcessResult result;
  auto writer = stub_->ProcessBulkOrders(context.get(), &result);
  pb::Order order;
  order.set_total(2);
  order.set_customer_id("alice");
  order.set_order_id("ORD-A1");
  ASSERT_TRUE(writer->Write(order));
  order.set_customer_id("bob");
  order.set_order_id("ORD-B1");
  writer->Write(order);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("Order #2"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("customer_id"), std::string::npos);
  EXPECT_EQ(status.error_message().find("bob"), std::string::npos);
  std::string current;
  ASSERT_TRUE(watch_as(kAdmin, "ORD-B1", &current).ok());
  EXPECT_EQ(current, "UNKNOWN") << "bob's order was not created";

  context = as(kBob);
  pb::BulkProcessResult own;
  writer = stub_->ProcessBulkOrders(context.get(), &own);
  ASSERT_TRUE(writer->Write(order));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(own.success_count(), 1);
}

}  // namespace
}  // namespace orderstream::testing
