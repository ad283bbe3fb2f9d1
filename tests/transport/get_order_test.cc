// GetOrder end to end: a real server on loopback and a real SQLite file. An order reads back with
// everything it was created with and the state its last event gave it.
#include <string>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

class GetOrderTest : public ServerFixture {
 protected:
  grpc::Status get(const std::string& id, pb::OrderDetails* details = nullptr) {
    pb::OrderID request;
    request.set_id(id);
    pb::OrderDetails ignored;
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    return stub_->GetOrder(&context, request, details ? details : &ignored);
  }
};

TEST_F(GetOrderTest, ReturnsWhatTheOrderWasCreatedWith) {
  const auto created = create("G-1", "alice", 12.5f);
  pb::OrderDetails details;
  const auto status = get("G-1", &details);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(details.order_id(), "G-1");
  EXPECT_EQ(details.customer_id(), "alice");
  EXPECT_EQ(details.total(), 12.5f);
  EXPECT_EQ(details.status(), "CREATED");
  EXPECT_EQ(details.created_at(), created.created_at());
  EXPECT_EQ(details.updated_at(), created.created_at());
  EXPECT_GT(details.sequence(), 0);
}

TEST_F(GetOrderTest, FollowsStatusChangesWithTheirTimeAndSequence) {
  const auto created = create("G-1", "alice", 3.0f);
  pb::OrderDetails before;
  ASSERT_TRUE(get("G-1", &before).ok());
  pb::OrderUpdate shipped;
  ASSERT_TRUE(set_status("G-1", "SHIPPED", &shipped).ok());

  pb::OrderDetails after;
  ASSERT_TRUE(get("G-1", &after).ok());
  EXPECT_EQ(after.status(), "SHIPPED");
  EXPECT_EQ(after.sequence(), shipped.sequence());
  EXPECT_GT(after.sequence(), before.sequence());
  EXPECT_EQ(after.updated_at(), shipped.updated_at());
  EXPECT_EQ(after.created_at(), created.created_at());
  EXPECT_EQ(after.customer_id(), "alice");
  EXPECT_EQ(after.total(), 3.0f);
}

TEST_F(GetOrderTest, ReadsBulkImportedAndServerNamedOrders) {
  const auto result = bulk_create("B-", "bob", 3);
  ASSERT_EQ(result.success_count(), 3);
  pb::OrderDetails details;
  ASSERT_TRUE(get("B-2", &details).ok());
  EXPECT_EQ(details.customer_id(), "bob");
  EXPECT_EQ(details.total(), 3.0f);

  const auto named = create("", "carol", 1.25f);
  ASSERT_TRUE(get(named.order_id(), &details).ok());
  EXPECT_EQ(details.order_id(), named.order_id());
  EXPECT_EQ(details.customer_id(), "carol");
}

TEST_F(GetOrderTest, UnknownIdIsNotFoundNamingTheId) {
  create("G-1", "alice", 1.0f);
  const auto status = get("G-2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "Order G-2 not found");
}

TEST_F(GetOrderTest, EmptyOrOverlongIdIsInvalidArgument) {
  auto status = get("");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "OrderID.id is empty");

  status = get(std::string(129, 'x'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "OrderID.id is longer than 128 bytes");

  // The longest id an order can have is a lookup like any other.
  EXPECT_EQ(get(std::string(128, 'x')).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GetOrderTest, AHugeIdIsRefusedWithoutBeingEchoed) {
  const auto status = get(std::string(1 << 20, 'x'));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "OrderID.id is longer than 128 bytes");
}

TEST_F(GetOrderTest, AnUnparsableRequestIsInvalidArgumentNamingTheMessage) {
  // Latin-1 'é' is not UTF-8: proto3 refuses to parse the string.
  const auto status = get("caf\xe9");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("ecommerce.orders.OrderID"), std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace orderstream::testing
