// ProcessBulkOrders end to end: counting, error messages, duplicates, durability at response.
#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using BulkTest = ServerFixture;

pb::Order make_order(const std::string& id, const std::string& customer, float total) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(total);
  return order;
}

pb::BulkProcessResult import(pb::OrderService::Stub& stub, const std::vector<pb::Order>& orders,
                             grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  pb::BulkProcessResult result;
  auto writer = stub.ProcessBulkOrders(&context, &result);
  for (const auto& order : orders) {
    if (!writer->Write(order)) break;
  }
  writer->WritesDone();
  *status = writer->Finish();
  return result;
}

TEST_F(BulkTest, MixedValidAndInvalidOrdersAreCountedExactly) {
  std::vector<pb::Order> orders;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "B-" + std::to_string(i);
    if (i % 10 == 0) {
      orders.push_back(make_order(id, "alice", -1.0f));  // 20 invalid: bad total
    } else {
      orders.push_back(make_order(id, "alice", 5.0f));
    }
  }
  grpc::Status status;
  const auto result = import(*stub_, orders, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(result.success_count(), 180);
  EXPECT_EQ(result.failure_count(), 20);
  ASSERT_EQ(result.error_messages_size(), 10);
  EXPECT_EQ(result.error_messages(0), "Invalid order: B-0: total must be greater than 0");
  EXPECT_EQ(result.error_messages(9), "Invalid order: B-90: total must be greater than 0");
}

TEST_F(BulkTest, EveryCountedSuccessIsCommittedAtResponse) {
  ASSERT_EQ(bulk_create("D-", "dora", 5000).success_count(), 5000);
  // The response came after the commits: every order is readable at once.
  for (int i : {0, 2500, 4999}) {
    EXPECT_TRUE(set_status("D-" + std::to_string(i), "SHIPPED").ok()) << i;
  }
}

TEST_F(BulkTest, DuplicatesFollowTheCreateRule) {
  create("DUP-1", "alice", 5.0f);
  create("DUP-2", "alice", 5.0f);
  grpc::Status status;
  const auto result = import(*stub_,
                             {make_order("DUP-1", "alice", 5.0f),   // same content: success
                              make_order("DUP-2", "alice", 6.0f),   // other content: failure
                              make_order("NEW-1", "alice", 1.0f),   // new
                              make_order("NEW-1", "alice", 1.0f)},  // repeated in the stream
                             &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(result.success_count(), 3);
  EXPECT_EQ(result.failure_count(), 1);
  ASSERT_EQ(result.error_messages_size(), 1);
  EXPECT_EQ(result.error_messages(0),
            "Invalid order: DUP-2: already exists with a different customer_id or total");
}

TEST_F(BulkTest, OrdersWithoutIdGetOneAndInvalidOnesAreNamedByPosition) {
  grpc::Status status;
  const auto result =
      import(*stub_, {make_order("", "alice", 1.0f), make_order("", "", 1.0f)}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(result.success_count(), 1);
  ASSERT_EQ(result.error_messages_size(), 1);
  EXPECT_EQ(result.error_messages(0), "Invalid order: #2: customer_id is empty");
}

// Batches of at most 256 orders (the smallest the budget gives), so that most orders are read
// into the string buffers of orders committed earlier: whatever those held must not show through.
class SmallBatchBulkTest : public ServerFixture {
 protected:
  void configure(transport::ServerOptions& options) override { options.import_buffer_orders = 256; }
};

TEST_F(SmallBatchBulkTest, OrdersReadIntoReusedBuffersAreStoredExactly) {
  constexpr int kOrders = 3000;
  const std::string long_tail(40, 'x');
  auto id_of = [&](int i) { return "R-" + std::to_string(i) + (i % 3 == 0 ? long_tail : ""); };
  auto customer_of = [&](int i) {
    return i % 2 == 0 ? "c" + std::to_string(i % 7) : "customer-with-a-long-name-" + long_tail;
  };
  std::vector<pb::Order> orders;
  for (int i = 0; i < kOrders; ++i)
    orders.push_back(make_order(id_of(i), customer_of(i), 1.0f + i));
  grpc::Status status;
  const auto result = import(*stub_, orders, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(result.success_count(), kOrders);
  for (int i = 0; i < kOrders; ++i) {
    const auto stored = store_->find_order(id_of(i));
    ASSERT_TRUE(stored.has_value()) << id_of(i);
    EXPECT_EQ(stored->customer_id, customer_of(i)) << id_of(i);
    EXPECT_EQ(stored->total, 1.0f + i) << id_of(i);
  }
}

TEST_F(BulkTest, EmptyStreamSucceedsWithZeroCounts) {
  grpc::Status status;
  const auto result = import(*stub_, {}, &status);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(result.success_count(), 0);
  EXPECT_EQ(result.failure_count(), 0);
}

TEST_F(BulkTest, CancelledImportKeepsWhatWasCommitted) {
  {
    grpc::ClientContext context;
    pb::BulkProcessResult result;
    auto writer = stub_->ProcessBulkOrders(&context, &result);
    for (int i = 0; i < 3000; ++i) {
      ASSERT_TRUE(writer->Write(make_order("C-" + std::to_string(i), "carol", 1.0f)));
    }
    // Wait until the first orders are committed, then abandon the stream.
    ASSERT_TRUE(eventually([&] { return set_status("C-0", "SHIPPED").ok(); }));
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
  pb::OrderUpdate update;
  EXPECT_TRUE(set_status("C-0", "DELIVERED", &update).ok());  // still there
}

}  // namespace
}  // namespace orderstream::testing
