#include "domain/order_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/error.h"
#include "domain/event_publisher.h"
#include "domain/order.h"
#include "domain/order_store.h"
#include "domain/storage_error.h"
#include "in_memory_order_store.h"
#include "support/test_doubles.h"

namespace orderstream {
namespace {

using testing::InMemoryOrderStore;

// --- fakes
// ----------------------------------------------------------------------------------------

// Runs `hook` once, just before the first compare-and-set reaches the store.
class StaleOnceOrderStore : public InMemoryOrderStore {
 public:
  std::function<void()> before_first_cas;

  StatusChangeOutcome do_compare_and_set_status(std::string_view order_id, OrderStatus expected,
                                                OrderStatus to, int64_t now_ms,
                                                const Deadline&) override {
    if (before_first_cas) std::exchange(before_first_cas, nullptr)();
    return InMemoryOrderStore::do_compare_and_set_status(order_id, expected, to, now_ms, {});
  }
};

// Every compare-and-set loses to a concurrent writer.
class AlwaysStaleOrderStore : public InMemoryOrderStore {
 public:
  StatusChangeOutcome do_compare_and_set_status(std::string_view order_id, OrderStatus, OrderStatus,
                                                int64_t, const Deadline&) override {
    ++stale_answers;
    return {StatusChangeOutcome::Kind::kStale, *find_order(order_id), {}};
  }
  int stale_answers = 0;
};

// The order vanishes between the read and the compare-and-set.
class VanishingOrderStore : public InMemoryOrderStore {
 public:
  StatusChangeOutcome do_compare_and_set_status(std::string_view, OrderStatus, OrderStatus, int64_t,
                                                const Deadline&) override {
    return {StatusChangeOutcome::Kind::kNotFound, {}, {}};
  }
};

// Before the first `collisions` inserts, another order takes the id the service is about to use,
// as a random-id collision would. `taken_by` is that other order's content.
class CollidingOrderStore : public InMemoryOrderStore {
 public:
  CollidingOrderStore(int collisions, NewOrder taken_by)
      : collisions_(collisions), taken_by_(std::move(taken_by)) {}

  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline&) override {
    attempted_ids.push_back(orders.front().id);
    if (collisions_ > 0) {
      --collisions_;
      NewOrder other = taken_by_;
      other.id = orders.front().id;
      seed(other);
    }
    return InMemoryOrderStore::do_create_orders(std::move(orders), now_ms, {});
  }

  std::vector<std::string> attempted_ids;

 private:
  int collisions_;
  NewOrder taken_by_;
};

using testing::FailingOrderStore;
using testing::kStorageFailureDetail;
using testing::kStorageFailureLeaks;
using testing::RecordingPublisher;

// A clock that moves 10 ms forward on every read, starting at 1,000.
class StepClock {
 public:
  int64_t operator()() { return now_ += 10; }
  int64_t last() const { return now_; }

 private:
  int64_t now_ = 990;
};

bool is_server_assigned_id(const std::string& id) {
  if (id.size() != 28 || id.rfind("ORD-", 0) != 0) return false;
  return std::all_of(id.begin() + 4, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// --- fixture
// --------------------------------------------------------------------------------------

class OrderServiceTest : public ::testing::Test {
 protected:
  OrderService make_service(OrderStore& store) {
    return OrderService(store, publisher_, [this] { return clock_(); });
  }

  Order create_or_die(OrderService& service, NewOrder request) {
    auto created = service.create_order(std::move(request));
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created.value() : Order{};
  }

  InMemoryOrderStore store_;
  RecordingPublisher publisher_;
  StepClock clock_;
};

// --- create_order
// ---------------------------------------------------------------------------------

TEST_F(OrderServiceTest, CreateAssignsServerIdWhenIdIsEmpty) {
  OrderService service = make_service(store_);
  auto created = service.create_order({"", "alice", 12.5f});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(is_server_assigned_id(created->id)) << created->id;
  EXPECT_EQ(created->customer_id, "alice");
  EXPECT_EQ(created->total, 12.5f);
  EXPECT_EQ(created->status, OrderStatus::kCreated);
  EXPECT_GT(created->sequence, 0);
  EXPECT_TRUE(store_.find_order(created->id).has_value());
}

TEST_F(OrderServiceTest, CreateKeepsClientChosenId) {
  OrderService service = make_service(store_);
  auto created = service.create_order({"client-42", "alice", 3.0f});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id, "client-42");
  EXPECT_EQ(store_.order_count(), 1u);
}

TEST_F(OrderServiceTest, CreatePublishesOneCreatedEventMatchingTheOrder) {
  OrderService service = make_service(store_);
  const Order order = create_or_die(service, {"ORD-a", "alice", 7.0f});
  ASSERT_EQ(publisher_.calls.size(), 1u);
  ASSERT_EQ(publisher_.calls[0].size(), 1u);
  const OrderEvent& event = publisher_.calls[0][0];
  EXPECT_EQ(event.type, OrderStatus::kCreated);
  EXPECT_EQ(event.order_id, "ORD-a");
  EXPECT_EQ(event.customer_id, "alice");
  EXPECT_EQ(event.sequence, order.sequence);
  EXPECT_EQ(event.timestamp_ms, clock_.last());
}

TEST_F(OrderServiceTest, CreateStampsTheOrderWithTheServiceClock) {
  OrderService service = make_service(store_);
  const Order order = create_or_die(service, {"ORD-a", "alice", 7.0f});
  EXPECT_EQ(order.created_at_ms, clock_.last());
  EXPECT_EQ(order.updated_at_ms, clock_.last());
}

TEST_F(OrderServiceTest, CreateRejectsEmptyCustomerIdAsInvalidArgumentNamingTheField) {
  OrderService service = make_service(store_);
  auto created = service.create_order({"ORD-a", "", 7.0f});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(created.error().message, "customer_id")) << created.error().message;
  EXPECT_EQ(store_.create_calls(), 0);
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, CreateRejectsNonPositiveTotalAsInvalidArgumentNamingTheField) {
  OrderService service = make_service(store_);
  auto created = service.create_order({"ORD-a", "alice", -1.0f});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(created.error().message, "total")) << created.error().message;
  EXPECT_EQ(store_.order_count(), 0u);
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, CreateRejectsNanTotal) {
  OrderService service = make_service(store_);
  auto created = service.create_order({"ORD-a", "alice", std::numeric_limits<float>::quiet_NaN()});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_.order_count(), 0u);
}

TEST_F(OrderServiceTest, CreateRejectsTooLongOrderIdNamingTheField) {
  OrderService service = make_service(store_);
  auto created = service.create_order({std::string(129, 'x'), "alice", 1.0f});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(created.error().message, "order_id")) << created.error().message;
}

TEST_F(OrderServiceTest, CreateRetryWithSameContentReturnsTheStoredOrder) {
  OrderService service = make_service(store_);
  const Order first = create_or_die(service, {"ORD-a", "alice", 7.25f});
  auto retry = service.create_order({"ORD-a", "alice", 7.25f});
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_EQ(retry->id, first.id);
  EXPECT_EQ(retry->sequence, first.sequence);
  EXPECT_EQ(retry->created_at_ms, first.created_at_ms);
  EXPECT_EQ(store_.order_count(), 1u);
}

TEST_F(OrderServiceTest, CreateRetryWithSameContentPublishesNothing) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 7.25f});
  ASSERT_EQ(publisher_.calls.size(), 1u);
  create_or_die(service, {"ORD-a", "alice", 7.25f});
  EXPECT_EQ(publisher_.calls.size(), 1u);
}

TEST_F(OrderServiceTest, CreateRetryReturnsTheOrderAsItIsNowAfterAStatusChange) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 7.25f});
  ASSERT_TRUE(service.update_status("ORD-a", "SHIPPED").ok());
  const Order retry = create_or_die(service, {"ORD-a", "alice", 7.25f});
  EXPECT_EQ(retry.status, OrderStatus::kShipped);
}

TEST_F(OrderServiceTest, CreateWithOtherCustomerUnderSameIdIsAlreadyExists) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 7.25f});
  auto clash = service.create_order({"ORD-a", "bob", 7.25f});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(contains(clash.error().message, "ORD-a")) << clash.error().message;
  EXPECT_EQ(store_.find_order("ORD-a")->customer_id, "alice");
  EXPECT_EQ(publisher_.calls.size(), 1u);
}

TEST_F(OrderServiceTest, CreateWithOtherTotalUnderSameIdIsAlreadyExists) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 7.25f});
  auto clash = service.create_order({"ORD-a", "alice", 7.5f});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_.find_order("ORD-a")->total, 7.25f);
  EXPECT_EQ(publisher_.calls.size(), 1u);
}

TEST_F(OrderServiceTest, CreateRedrawsAServerIdThatCollidesWithAnotherOrder) {
  CollidingOrderStore store(/*collisions=*/1, {"", "someone-else", 99.0f});
  OrderService service = make_service(store);
  auto created = service.create_order({"", "alice", 5.0f});
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_EQ(store.attempted_ids.size(), 2u);
  EXPECT_NE(store.attempted_ids[0], store.attempted_ids[1]);
  EXPECT_EQ(created->id, store.attempted_ids[1]);
  EXPECT_EQ(created->customer_id, "alice");
  EXPECT_EQ(store.find_order(store.attempted_ids[0])->customer_id, "someone-else");
  ASSERT_EQ(publisher_.calls.size(), 1u);
  EXPECT_EQ(publisher_.calls[0].at(0).order_id, created->id);
}

TEST_F(OrderServiceTest, CreateGivesUpAsUnavailableWhenEveryServerIdCollides) {
  CollidingOrderStore store(/*collisions=*/1'000, {"", "someone-else", 99.0f});
  OrderService service = make_service(store);
  auto created = service.create_order({"", "alice", 5.0f});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kUnavailable);
  EXPECT_GT(store.attempted_ids.size(), 1u);
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, CreateDoesNotRedrawAClientChosenIdOnConflict) {
  CollidingOrderStore store(/*collisions=*/1, {"", "someone-else", 99.0f});
  OrderService service = make_service(store);
  auto created = service.create_order({"mine", "alice", 5.0f});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store.attempted_ids, std::vector<std::string>{"mine"});
}

// A server-drawn id that happens to be taken by an older order of the same customer and total is
// a collision too: the client asked for a new order, not for that one. Disabled because it fails
// (order_service.cc treats kExisting as success even when it drew the id itself); see report.
TEST_F(OrderServiceTest, CreateRedrawsAServerIdTakenByAnOrderWithTheSameContent) {
  CollidingOrderStore store(/*collisions=*/1, {"", "alice", 5.0f});
  OrderService service = make_service(store);
  auto created = service.create_order({"", "alice", 5.0f});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(store.order_count(), 2u) << "no new order was stored";
  EXPECT_EQ(created->id, store.attempted_ids.back());
  ASSERT_EQ(publisher_.calls.size(), 1u) << "no CREATED event for the new order";
}

// --- create_orders
// --------------------------------------------------------------------------------

TEST_F(OrderServiceTest, CreateOrdersPublishesCreatedEventsForNewOrdersOnly) {
  store_.seed({"old", "alice", 1.0f});
  OrderService service = make_service(store_);
  auto outcomes = service.create_orders({{"old", "alice", 1.0f},    // existing
                                         {"new-1", "bob", 2.0f},    // created
                                         {"old", "carol", 3.0f},    // conflict
                                         {"", "dave", 4.0f},        // created, id assigned
                                         {"new-1", "bob", 2.0f}});  // seen earlier in batch
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 5u);
  EXPECT_EQ(outcomes.value()[0].kind, CreateOutcome::Kind::kExisting);
  EXPECT_EQ(outcomes.value()[1].kind, CreateOutcome::Kind::kCreated);
  EXPECT_EQ(outcomes.value()[2].kind, CreateOutcome::Kind::kConflict);
  EXPECT_EQ(outcomes.value()[3].kind, CreateOutcome::Kind::kCreated);
  EXPECT_EQ(outcomes.value()[4].kind, CreateOutcome::Kind::kExisting);

  ASSERT_EQ(publisher_.calls.size(), 1u) << "one publish per committed transaction";
  const auto& events = publisher_.calls[0];
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].order_id, "new-1");
  EXPECT_EQ(events[0].customer_id, "bob");
  EXPECT_EQ(events[0].type, OrderStatus::kCreated);
  EXPECT_EQ(events[0].sequence, outcomes.value()[1].order.sequence);
  EXPECT_EQ(events[1].order_id, outcomes.value()[3].order.id);
  EXPECT_EQ(events[1].customer_id, "dave");
  EXPECT_EQ(events[1].type, OrderStatus::kCreated);
  EXPECT_LT(events[0].sequence, events[1].sequence);
}

TEST_F(OrderServiceTest, CreateOrdersAssignsDistinctServerIdsWhereEmpty) {
  OrderService service = make_service(store_);
  auto outcomes = service.create_orders({{"", "a", 1.0f}, {"", "b", 1.0f}, {"", "c", 1.0f}});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  for (const auto& outcome : outcomes.value()) {
    EXPECT_EQ(outcome.kind, CreateOutcome::Kind::kCreated);
    EXPECT_TRUE(is_server_assigned_id(outcome.order.id)) << outcome.order.id;
  }
  EXPECT_NE(outcomes.value()[0].order.id, outcomes.value()[1].order.id);
  EXPECT_NE(outcomes.value()[1].order.id, outcomes.value()[2].order.id);
  EXPECT_NE(outcomes.value()[0].order.id, outcomes.value()[2].order.id);
  EXPECT_EQ(store_.order_count(), 3u);
}

TEST_F(OrderServiceTest, CreateOrdersPublishesNothingWhenNothingIsNew) {
  store_.seed({"old", "alice", 1.0f});
  OrderService service = make_service(store_);
  auto outcomes = service.create_orders({{"old", "alice", 1.0f}, {"old", "bob", 1.0f}});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, CreateOrdersUsesOneStoreTransactionForTheBatch) {
  OrderService service = make_service(store_);
  ASSERT_TRUE(service.create_orders({{"a", "x", 1.0f}, {"b", "x", 1.0f}, {"c", "x", 1.0f}}).ok());
  EXPECT_EQ(store_.create_calls(), 1);
}

// --- update_status
// --------------------------------------------------------------------------------

TEST_F(OrderServiceTest, UpdateStatusRejectsUnknownStatusAsInvalidArgument) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto updated = service.update_status("ORD-a", "LOST");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(updated.error().message, "LOST")) << updated.error().message;
  EXPECT_EQ(store_.find_order("ORD-a")->status, OrderStatus::kCreated);
  EXPECT_EQ(publisher_.calls.size(), 1u);
}

TEST_F(OrderServiceTest, UpdateStatusRejectsEmptyStatusAsInvalidArgument) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto updated = service.update_status("ORD-a", "");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(OrderServiceTest, UpdateStatusRejectsEmptyOrderIdAsInvalidArgument) {
  OrderService service = make_service(store_);
  auto updated = service.update_status("", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(updated.error().message, "order_id")) << updated.error().message;
  EXPECT_EQ(store_.find_calls(), 0);
}

TEST_F(OrderServiceTest, UpdateStatusRejectsAnOrderIdOverTheLimitWithoutEchoingIt) {
  OrderService service = make_service(store_);
  auto updated = service.update_status(std::string(1 << 20, 'x'), "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(updated.error().message, "order_id is longer than 128 bytes");
  EXPECT_EQ(store_.find_calls(), 0);
}

TEST_F(OrderServiceTest, UpdateStatusEchoesOnlyAnExcerptOfAnUnknownStatus) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto updated = service.update_status("ORD-a", std::string(1 << 20, 's'));
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_LT(updated.error().message.size(), 300u);
  EXPECT_TRUE(contains(updated.error().message, "(1048576 bytes)")) << updated.error().message;
}

TEST_F(OrderServiceTest, UpdateStatusOfMissingOrderIsNotFound) {
  OrderService service = make_service(store_);
  auto updated = service.update_status("ORD-missing", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message, "Order ORD-missing not found");
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, UpdateStatusOfOrderThatVanishesBeforeTheWriteIsNotFound) {
  VanishingOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  OrderService service = make_service(store);
  auto updated = service.update_status("ORD-a", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().message, "Order ORD-a not found");
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, UpdateStatusRefusesIllegalTransitionAsFailedPrecondition) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto updated = service.update_status("ORD-a", "DELIVERED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(contains(updated.error().message, "CREATED")) << updated.error().message;
  EXPECT_TRUE(contains(updated.error().message, "DELIVERED")) << updated.error().message;
  EXPECT_EQ(store_.find_order("ORD-a")->status, OrderStatus::kCreated);
  EXPECT_EQ(store_.cas_calls(), 0);
  EXPECT_EQ(publisher_.calls.size(), 1u);  // only the CREATED event
}

TEST_F(OrderServiceTest, UpdateStatusRefusesToLeaveAFinalStatus) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  ASSERT_TRUE(service.update_status("ORD-a", "CANCELLED").ok());
  auto updated = service.update_status("ORD-a", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_.find_order("ORD-a")->status, OrderStatus::kCancelled);
}

TEST_F(OrderServiceTest, UpdateStatusToTheCurrentStatusIsANoOpReturningTheCurrentState) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  const Order shipped = service.update_status("ORD-a", "SHIPPED").value();
  const std::size_t published_before = publisher_.calls.size();

  auto again = service.update_status("ORD-a", "SHIPPED");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, OrderStatus::kShipped);
  EXPECT_EQ(again->sequence, shipped.sequence);
  EXPECT_EQ(again->updated_at_ms, shipped.updated_at_ms);
  EXPECT_EQ(publisher_.calls.size(), published_before);
  EXPECT_EQ(store_.cas_calls(), 1);
}

TEST_F(OrderServiceTest, UpdateStatusToCreatedOnANewOrderIsANoOp) {
  OrderService service = make_service(store_);
  const Order created = create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto again = service.update_status("ORD-a", "created");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, OrderStatus::kCreated);
  EXPECT_EQ(again->sequence, created.sequence);
  EXPECT_EQ(publisher_.calls.size(), 1u);
  EXPECT_EQ(store_.cas_calls(), 0);
}

TEST_F(OrderServiceTest, UpdateStatusPublishesExactlyOneEventWithTheNewStatus) {
  OrderService service = make_service(store_);
  const Order created = create_or_die(service, {"ORD-a", "alice", 1.0f});
  publisher_.calls.clear();

  auto shipped = service.update_status("ORD-a", "SHIPPED");
  ASSERT_TRUE(shipped.ok()) << shipped.error().message;
  EXPECT_EQ(shipped->status, OrderStatus::kShipped);
  EXPECT_GT(shipped->sequence, created.sequence);
  EXPECT_EQ(shipped->updated_at_ms, clock_.last());
  EXPECT_EQ(shipped->created_at_ms, created.created_at_ms);

  ASSERT_EQ(publisher_.calls.size(), 1u);
  ASSERT_EQ(publisher_.calls[0].size(), 1u);
  const OrderEvent& event = publisher_.calls[0][0];
  EXPECT_EQ(event.type, OrderStatus::kShipped);
  EXPECT_EQ(event.order_id, "ORD-a");
  EXPECT_EQ(event.customer_id, "alice");
  EXPECT_EQ(event.sequence, shipped->sequence);
  EXPECT_GT(event.sequence, created.sequence);
  EXPECT_EQ(store_.find_order("ORD-a")->status, OrderStatus::kShipped);
}

TEST_F(OrderServiceTest, UpdateStatusAcceptsStatusInAnyLetterCase) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto cancelled = service.update_status("ORD-a", "Cancelled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
}

TEST_F(OrderServiceTest, FullLifecyclePublishesEventsWithIncreasingSequences) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  ASSERT_TRUE(service.update_status("ORD-a", "SHIPPED").ok());
  ASSERT_TRUE(service.update_status("ORD-a", "DELIVERED").ok());
  const auto events = publisher_.all_events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, OrderStatus::kCreated);
  EXPECT_EQ(events[1].type, OrderStatus::kShipped);
  EXPECT_EQ(events[2].type, OrderStatus::kDelivered);
  EXPECT_LT(events[0].sequence, events[1].sequence);
  EXPECT_LT(events[1].sequence, events[2].sequence);
}

TEST_F(OrderServiceTest, UpdateStatusRetriesACompareAndSetThatWentStale) {
  StaleOnceOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  // Someone ships the order between the service's read (CREATED) and its write.
  store.before_first_cas = [&] {
    store.change_status_behind_the_service("ORD-a", OrderStatus::kShipped);
  };
  OrderService service = make_service(store);

  auto cancelled = service.update_status("ORD-a", "CANCELLED");
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
  EXPECT_EQ(store.cas_calls(), 2);
  EXPECT_EQ(store.find_order("ORD-a")->status, OrderStatus::kCancelled);
  ASSERT_EQ(publisher_.calls.size(), 1u);
  ASSERT_EQ(publisher_.calls[0].size(), 1u);
  EXPECT_EQ(publisher_.calls[0][0].type, OrderStatus::kCancelled);
  EXPECT_EQ(publisher_.calls[0][0].sequence, cancelled->sequence);
}

TEST_F(OrderServiceTest, UpdateStatusRechecksTheLifecycleAfterAStaleCompareAndSet) {
  StaleOnceOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  // Someone cancels the order between the service's read (CREATED) and its write.
  store.before_first_cas = [&] {
    store.change_status_behind_the_service("ORD-a", OrderStatus::kCancelled);
  };
  OrderService service = make_service(store);

  auto shipped = service.update_status("ORD-a", "SHIPPED");
  ASSERT_FALSE(shipped.ok());
  EXPECT_EQ(shipped.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.find_order("ORD-a")->status, OrderStatus::kCancelled);
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, UpdateStatusIsANoOpWhenAConcurrentWriterAlreadyReachedTheTarget) {
  StaleOnceOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  store.before_first_cas = [&] {
    store.change_status_behind_the_service("ORD-a", OrderStatus::kShipped);
  };
  OrderService service = make_service(store);

  auto shipped = service.update_status("ORD-a", "SHIPPED");
  ASSERT_TRUE(shipped.ok()) << shipped.error().message;
  EXPECT_EQ(shipped->status, OrderStatus::kShipped);
  EXPECT_EQ(store.cas_calls(), 1);
  EXPECT_TRUE(publisher_.calls.empty());
}

TEST_F(OrderServiceTest, UpdateStatusGivesUpAsUnavailableWhenAlwaysStale) {
  AlwaysStaleOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  OrderService service = make_service(store);
  auto updated = service.update_status("ORD-a", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kUnavailable);
  EXPECT_GT(store.stale_answers, 1);
  EXPECT_TRUE(publisher_.calls.empty());
}

// --- reads
// ----------------------------------------------------------------------------------------

TEST_F(OrderServiceTest, FindOrderReturnsStoredOrderOrNothing) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  auto found = service.find_order("ORD-a");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(found.value()->customer_id, "alice");
  auto missing = service.find_order("ORD-b");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(OrderServiceTest, HistoryPageIsNewestFirstAndPagesBySequence) {
  OrderService service = make_service(store_);
  create_or_die(service, {"ORD-a", "alice", 1.0f});
  create_or_die(service, {"ORD-b", "bob", 1.0f});
  ASSERT_TRUE(service.update_status("ORD-a", "SHIPPED").ok());
  ASSERT_TRUE(service.update_status("ORD-a", "DELIVERED").ok());

  auto first = service.history_page(EventRange::of_customer("alice").with_limit(2), true);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ(first.value()[0].type, OrderStatus::kDelivered);
  EXPECT_EQ(first.value()[1].type, OrderStatus::kShipped);

  auto second = service.history_page(
      EventRange::of_customer("alice").with_before(first->back().sequence).with_limit(2), false);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second.value()[0].type, OrderStatus::kCreated);
  EXPECT_EQ(second.value()[0].order_id, "ORD-a");
}

TEST_F(OrderServiceTest, AnEmptyRangeOfAKnownCustomerIsAnEmptyPageAndAnUnknownOneIsNotFound) {
  OrderService service = make_service(store_);
  const Order order = create_or_die(service, {"ORD-a", "alice", 1.0f});

  auto nothing_new = service.history_page(
      EventRange::of_customer("alice").with_after(order.sequence).with_limit(10), true);
  ASSERT_TRUE(nothing_new.ok());
  EXPECT_TRUE(nothing_new->empty());

  for (const EventRange& range :
       {EventRange::of_customer("bob").with_limit(10),
        EventRange::of_customer("bob").with_after(0).with_oldest_first().with_limit(10),
        EventRange::of_customer("bob").with_before(5).with_limit(10)}) {
    auto unknown = service.history_page(range, true);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(unknown.error().message, "User bob not found");
  }
  // Later pages are never NOT_FOUND: the first one decided.
  auto later = service.history_page(EventRange::of_customer("bob").with_limit(10), false);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
}

TEST_F(OrderServiceTest, OrderEventsAfterASequenceAreTheOrdersOwnOldestFirst) {
  OrderService service = make_service(store_);
  const Order order = create_or_die(service, {"ORD-a", "alice", 1.0f});
  create_or_die(service, {"ORD-b", "alice", 1.0f});
  auto shipped = service.update_status("ORD-a", "SHIPPED");
  ASSERT_TRUE(shipped.ok());
  ASSERT_TRUE(service.update_status("ORD-b", "SHIPPED").ok());
  auto delivered = service.update_status("ORD-a", "DELIVERED");
  ASSERT_TRUE(delivered.ok());

  auto all = service.order_events_after("ORD-a", 0);
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(all->has_value());
  ASSERT_EQ(all.value()->events.size(), 3u);
  EXPECT_EQ((*all.value()).events[0].sequence, order.sequence);
  EXPECT_EQ((*all.value()).events[1].sequence, shipped->sequence);
  EXPECT_EQ((*all.value()).events[2].sequence, delivered->sequence);
  for (const OrderEvent& event : all.value()->events) EXPECT_EQ(event.order_id, "ORD-a");
  EXPECT_EQ(all.value()->order.status, OrderStatus::kDelivered);

  auto missed = service.order_events_after("ORD-a", order.sequence);
  ASSERT_TRUE(missed.ok());
  ASSERT_EQ(missed.value()->events.size(), 2u);
  EXPECT_EQ((*missed.value()).events[0].type, OrderStatus::kShipped);

  auto none = service.order_events_after("ORD-a", delivered->sequence);
  ASSERT_TRUE(none.ok());
  ASSERT_TRUE(none->has_value());
  EXPECT_TRUE(none.value()->events.empty());

  auto unknown = service.order_events_after("ORD-zzz", 0);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

// --- storage failures
// -----------------------------------------------------------------------------

struct StorageFailureCase {
  bool transient;
  ErrorCode expected;
};

class OrderServiceStorageFailureTest : public ::testing::TestWithParam<StorageFailureCase> {
 protected:
  OrderServiceStorageFailureTest() : store_(GetParam().transient), service_(store_, publisher_) {}

  template <typename T>
  void expect_mapped(const Result<T>& result) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, GetParam().expected);
    const std::string& message = result.error().message;
    EXPECT_FALSE(message.empty());
    for (std::string_view leak : kStorageFailureLeaks) {
      EXPECT_FALSE(contains(message, leak)) << "message leaks '" << leak << "': " << message;
    }
    EXPECT_TRUE(publisher_.calls.empty());
  }

  FailingOrderStore store_;
  RecordingPublisher publisher_;
  OrderService service_;
};

TEST_P(OrderServiceStorageFailureTest, CreateOrderMapsTheFailureWithoutDetail) {
  expect_mapped(service_.create_order({"ORD-a", "alice", 1.0f}));
}

TEST_P(OrderServiceStorageFailureTest, CreateOrderWithServerIdMapsTheFailureWithoutDetail) {
  expect_mapped(service_.create_order({"", "alice", 1.0f}));
}

TEST_P(OrderServiceStorageFailureTest, CreateOrdersMapsTheFailureWithoutDetail) {
  expect_mapped(service_.create_orders({{"ORD-a", "alice", 1.0f}}));
}

TEST_P(OrderServiceStorageFailureTest, UpdateStatusMapsTheFailureWithoutDetail) {
  expect_mapped(service_.update_status("ORD-a", "SHIPPED"));
}

TEST_P(OrderServiceStorageFailureTest, FindOrderMapsTheFailureWithoutDetail) {
  expect_mapped(service_.find_order("ORD-a"));
}

TEST_P(OrderServiceStorageFailureTest, HistoryPageMapsTheFailureWithoutDetail) {
  expect_mapped(service_.history_page(EventRange::of_customer("alice").with_limit(10), true));
}

TEST_P(OrderServiceStorageFailureTest, OrderEventsAfterMapsTheFailureWithoutDetail) {
  expect_mapped(service_.order_events_after("ORD-a", 0));
}

INSTANTIATE_TEST_SUITE_P(TransientAndPermanent, OrderServiceStorageFailureTest,
                         ::testing::Values(StorageFailureCase{true, ErrorCode::kUnavailable},
                                           StorageFailureCase{false, ErrorCode::kInternal}),
                         [](const ::testing::TestParamInfo<StorageFailureCase>& case_info) {
                           return std::string(case_info.param.transient ? "TransientIsUnavailable"
                                                                        : "PermanentIsInternal");
                         });

// Only the CAS fails: the read succeeded, so the failure surfaces from the write path too.
class FailingWriteOrderStore : public InMemoryOrderStore {
 public:
  StatusChangeOutcome do_compare_and_set_status(std::string_view, OrderStatus, OrderStatus, int64_t,
                                                const Deadline&) override {
    throw StorageError(std::string(kStorageFailureDetail), /*transient=*/true);
  }
};

TEST_F(OrderServiceTest, UpdateStatusMapsAFailedWriteToUnavailableAndPublishesNothing) {
  FailingWriteOrderStore store;
  store.seed({"ORD-a", "alice", 1.0f});
  OrderService service = make_service(store);
  auto updated = service.update_status("ORD-a", "SHIPPED");
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(contains(updated.error().message, "SQLITE")) << updated.error().message;
  EXPECT_TRUE(publisher_.calls.empty());
}

// --- deadlines
// ---------------------------------------------------------------------------------

// A store whose every call ends at the caller's deadline, as PostgreSQL's does.
class DeadlineStore : public InMemoryOrderStore {
 public:
  std::optional<Order> do_find_order(std::string_view, const Deadline&) override {
    throw DeadlineExceededError("statement cancelled at the deadline");
  }
};

TEST_F(OrderServiceTest, APassedDeadlineRunsNoStoreCallAndIsDeadlineExceeded) {
  OrderService service = make_service(store_);
  store_.seed({"ORD-1", "alice", 1.0f});
  const Deadline passed = Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
  const auto found = service.find_order("ORD-1", passed);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::kDeadlineExceeded);
  const auto changed = service.update_status("ORD-1", "SHIPPED", passed);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code, ErrorCode::kDeadlineExceeded);
  const auto created = service.create_order({"ORD-2", "alice", 1.0f}, passed);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(store_.find_calls(), 0);
  EXPECT_EQ(store_.create_calls(), 0);
  EXPECT_TRUE(publisher_.calls.empty());
  // A deadline still ahead changes nothing.
  EXPECT_TRUE(service.find_order("ORD-1", Deadline::after(std::chrono::minutes(1))).ok());
}

TEST_F(OrderServiceTest, AStoreCallStoppedAtTheDeadlineIsDeadlineExceededNotUnavailable) {
  DeadlineStore store;
  OrderService service = make_service(store);
  const auto found = service.find_order("ORD-1", Deadline::after(std::chrono::minutes(1)));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(found.error().message.find("cancelled"), std::string::npos);  // no store detail
}

}  // namespace
}  // namespace orderstream
