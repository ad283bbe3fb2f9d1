// CreateOrder and UpdateOrderStatus end to end: a real server on loopback and a real SQLite file.
#include <cmath>
#include <limits>
#include <regex>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using UnaryTest = ServerFixture;

grpc::Status try_create(pb::OrderService::Stub& stub, const std::string& id,
                        const std::string& customer, float total,
                        pb::OrderResponse* response = nullptr) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(total);
  pb::OrderResponse ignored;
  grpc::ClientContext context;
  return stub.CreateOrder(&context, order, response ? response : &ignored);
}

TEST_F(UnaryTest, CreateAssignsAnIdWhenEmptyAndReportsStatusAndTime) {
  const auto response = create("", "alice", 12.5f);
  EXPECT_TRUE(std::regex_match(response.order_id(), std::regex("ORD-[0-9a-f]{24}")))
      << response.order_id();
  EXPECT_EQ(response.status(), "CREATED");
  EXPECT_GT(response.created_at(), 1'600'000'000'000);  // ms since the epoch, not seconds
}

TEST_F(UnaryTest, RetryWithSameContentReturnsTheExistingOrder) {
  const auto first = create("A-1", "alice", 10.0f);
  const auto second = create("A-1", "alice", 10.0f);
  EXPECT_EQ(second.order_id(), "A-1");
  EXPECT_EQ(second.created_at(), first.created_at());
}

TEST_F(UnaryTest, SameIdWithOtherContentIsAlreadyExists) {
  create("A-1", "alice", 10.0f);
  const auto status = try_create(*stub_, "A-1", "alice", 11.0f);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(status.error_message().find("A-1"), std::string::npos);
}

TEST_F(UnaryTest, InvalidOrdersNameTheField) {
  auto status = try_create(*stub_, "X", "", 10.0f);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("customer_id"), std::string::npos);
  for (float total : {0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(),
                      std::numeric_limits<float>::infinity()}) {
    status = try_create(*stub_, "X", "alice", total);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << total;
    EXPECT_NE(status.error_message().find("total"), std::string::npos) << total;
  }
  // The server keeps serving after bad requests.
  EXPECT_EQ(create("X", "alice", 1.0f).order_id(), "X");
}

TEST_F(UnaryTest, StatusFollowsTheLifecycle) {
  create("A-1", "alice", 10.0f);
  pb::OrderUpdate update;
  ASSERT_TRUE(set_status("A-1", "SHIPPED", &update).ok());
  EXPECT_EQ(update.status(), "SHIPPED");
  const auto shipped_sequence = update.sequence();
  ASSERT_TRUE(set_status("A-1", "DELIVERED", &update).ok());
  EXPECT_EQ(update.status(), "DELIVERED");
  EXPECT_GT(update.sequence(), shipped_sequence);
  EXPECT_GT(update.updated_at(), 0);
}

TEST_F(UnaryTest, CancelIsAllowedFromCreatedAndShippedOnly) {
  create("A-1", "alice", 10.0f);
  create("A-2", "alice", 10.0f);
  EXPECT_TRUE(set_status("A-1", "CANCELLED").ok());
  ASSERT_TRUE(set_status("A-2", "SHIPPED").ok());
  EXPECT_TRUE(set_status("A-2", "CANCELLED").ok());
  const auto status = set_status("A-2", "SHIPPED");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("CANCELLED"), std::string::npos);
}

TEST_F(UnaryTest, IllegalTransitionIsFailedPrecondition) {
  create("A-1", "alice", 10.0f);
  const auto status = set_status("A-1", "DELIVERED");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(UnaryTest, UnknownStatusIsInvalidArgument) {
  create("A-1", "alice", 10.0f);
  const auto status = set_status("A-1", "TELEPORTED");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("TELEPORTED"), std::string::npos);
}

TEST_F(UnaryTest, MissingOrderIsNotFound) {
  const auto status = set_status("NOPE", "SHIPPED");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "Order NOPE not found");
}

TEST_F(UnaryTest, SettingTheCurrentStatusChangesNothing) {
  create("A-1", "alice", 10.0f);
  pb::OrderUpdate first, second;
  ASSERT_TRUE(set_status("A-1", "SHIPPED", &first).ok());
  ASSERT_TRUE(set_status("A-1", "shipped", &second).ok());
  EXPECT_EQ(second.status(), "SHIPPED");
  EXPECT_EQ(second.sequence(), first.sequence());
  EXPECT_EQ(second.updated_at(), first.updated_at());
}

}  // namespace
}  // namespace orderstream::testing
