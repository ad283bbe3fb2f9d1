// The watch stream's outgoing queue: conflation, staleness and order, without a server.
#include "transport/update_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace orderstream::transport {
namespace {

namespace pb = ::ecommerce::orders;

using Sent = std::vector<std::pair<std::string, int64_t>>;

// Subscribes to `order_id` and returns its slot.
UpdateQueue::Slot& slot_of(UpdateQueue& queue, const std::string& order_id) {
  return *queue.subscribe(order_id).first;
}

void offer(UpdateQueue& queue, UpdateQueue::Slot& slot, OrderStatus status, int64_t sequence) {
  queue.offer(slot, OrderEvent{sequence, *slot.order_id, "customer", status, 1'000 + sequence});
}

// What acknowledges a subscription to an order that does not exist yet.
void expect_unknown_acknowledgement(const pb::OrderUpdate& update, const std::string& order_id) {
  EXPECT_EQ(update.order_id(), order_id);
  EXPECT_EQ(update.status(), "UNKNOWN");
  EXPECT_EQ(update.sequence(), 0);
  EXPECT_EQ(update.updated_at(), 0);
}

Sent drain(UpdateQueue& queue) {
  Sent out;
  pb::OrderUpdate next;
  while (queue.pop(next)) out.emplace_back(next.order_id(), next.sequence());
  return out;
}

TEST(UpdateQueueTest, UnsentUpdateIsReplacedByTheNewerOne) {
  UpdateQueue queue;
  auto& a = slot_of(queue, "A");
  offer(queue, a, OrderStatus::kCreated, 1);
  offer(queue, a, OrderStatus::kShipped, 5);
  offer(queue, a, OrderStatus::kDelivered, 9);
  pb::OrderUpdate next;
  ASSERT_TRUE(queue.pop(next));
  EXPECT_EQ(next.order_id(), "A");
  EXPECT_EQ(next.status(), "DELIVERED");
  EXPECT_EQ(next.sequence(), 9);
  EXPECT_EQ(next.updated_at(), 1'009);
  EXPECT_FALSE(queue.pop(next));
  EXPECT_EQ(queue.conflated(), 2u);
}

// Resume mode keeps every update of an order, in order, behind the other orders' waiting ones.
TEST(UpdateQueueTest, ExactSlotKeepsEveryUpdateInOrder) {
  UpdateQueue::Counters counters;
  UpdateQueue queue(&counters);
  auto& a = slot_of(queue, "A");
  a.exact = true;
  auto& b = slot_of(queue, "B");
  offer(queue, a, OrderStatus::kCreated, 1);
  offer(queue, b, OrderStatus::kCreated, 2);
  offer(queue, a, OrderStatus::kShipped, 5);
  offer(queue, b, OrderStatus::kShipped, 6);  // conflates B's CREATED
  offer(queue, a, OrderStatus::kDelivered, 9);
  offer(queue, a, OrderStatus::kShipped, 5);  // not newer: dropped
  EXPECT_EQ(counters.pending.value(), 4);
  EXPECT_EQ(drain(queue), (Sent{{"A", 1}, {"B", 6}, {"A", 5}, {"A", 9}}));
  EXPECT_EQ(queue.conflated(), 1u);
  EXPECT_EQ(counters.pending.value(), 0);

  offer(queue, a, OrderStatus::kCancelled, 10);
  offer(queue, a, OrderStatus::kCancelled, 11);
  EXPECT_EQ(counters.pending.value(), 2);
  queue.discard_pending();
  EXPECT_EQ(counters.pending.value(), 0);
  EXPECT_TRUE(drain(queue).empty());
}

TEST(UpdateQueueTest, SharedCountersFollowConflationsAndUnsentUpdates) {
  UpdateQueue::Counters counters;
  {
    UpdateQueue queue(&counters);
    auto& a = slot_of(queue, "A");
    auto& b = slot_of(queue, "B");
    offer(queue, a, OrderStatus::kCreated, 1);
    offer(queue, a, OrderStatus::kShipped, 2);
    offer(queue, b, OrderStatus::kCreated, 3);
    EXPECT_EQ(counters.conflated.value(), 1);
    EXPECT_EQ(counters.pending.value(), 2);
    pb::OrderUpdate next;
    ASSERT_TRUE(queue.pop(next));
    EXPECT_EQ(counters.pending.value(), 1);
    offer(queue, a, OrderStatus::kDelivered, 4);
    EXPECT_EQ(counters.pending.value(), 2);
    queue.discard_pending();
    EXPECT_EQ(counters.pending.value(), 0);
    offer(queue, b, OrderStatus::kShipped, 5);
    EXPECT_EQ(counters.pending.value(), 1);
  }
  // A queue gone with an update unsent no longer counts it.
  EXPECT_EQ(counters.pending.value(), 0);
  EXPECT_EQ(counters.conflated.value(), 1);
}

TEST(UpdateQueueTest, OlderOrEqualSequencesAreDroppedEvenAfterSending) {
  UpdateQueue queue;
  auto& a = slot_of(queue, "A");
  offer(queue, a, OrderStatus::kShipped, 5);
  EXPECT_EQ(drain(queue).size(), 1u);
  offer(queue, a, OrderStatus::kCreated, 1);  // e.g. a late acknowledgement read before the change
  offer(queue, a, OrderStatus::kShipped, 5);  // the same event twice
  EXPECT_TRUE(drain(queue).empty());
  offer(queue, a, OrderStatus::kDelivered, 6);
  EXPECT_EQ(drain(queue), (Sent{{"A", 6}}));
}

TEST(UpdateQueueTest, UnknownAcknowledgementWithSequenceZeroIsQueued) {
  UpdateQueue queue;
  queue.offer_unknown(slot_of(queue, "LATER"));
  pb::OrderUpdate next;
  ASSERT_TRUE(queue.pop(next));
  expect_unknown_acknowledgement(next, "LATER");
}

TEST(UpdateQueueTest, CreationReplacesAnUnsentUnknownAcknowledgement) {
  UpdateQueue queue;
  auto& later = slot_of(queue, "LATER");
  queue.offer_unknown(later);
  offer(queue, later, OrderStatus::kCreated, 3);
  queue.offer_unknown(later);  // a second subscription's acknowledgement, older than the creation
  pb::OrderUpdate next;
  ASSERT_TRUE(queue.pop(next));
  EXPECT_EQ(next.status(), "CREATED");
  EXPECT_EQ(next.sequence(), 3);
  EXPECT_FALSE(queue.pop(next));
}

TEST(UpdateQueueTest, OrdersLeaveInTheOrderTheyFirstBecamePending) {
  UpdateQueue queue;
  auto& a = slot_of(queue, "A");
  auto& b = slot_of(queue, "B");
  auto& c = slot_of(queue, "C");
  offer(queue, b, OrderStatus::kCreated, 1);
  offer(queue, a, OrderStatus::kCreated, 2);
  offer(queue, b, OrderStatus::kShipped, 3);  // replaces B in place: B keeps its turn
  offer(queue, c, OrderStatus::kCreated, 4);
  EXPECT_EQ(drain(queue), (Sent{{"B", 3}, {"A", 2}, {"C", 4}}));
}

TEST(UpdateQueueTest, PopOverwritesEveryFieldOfAReusedMessage) {
  UpdateQueue queue;
  auto& long_id = slot_of(queue, "AN-ORDER-ID-LONGER-THAN-ANY-SMALL-STRING");
  auto& short_id = slot_of(queue, "S");
  offer(queue, long_id, OrderStatus::kDelivered, 7);
  queue.offer_unknown(short_id);
  pb::OrderUpdate message;
  ASSERT_TRUE(queue.pop(message));
  ASSERT_TRUE(queue.pop(message));  // the same message again, as the watch reactor reuses it
  expect_unknown_acknowledgement(message, "S");
}

TEST(UpdateQueueTest, MemoryIsBoundedBySubscriptionsNotByUpdates) {
  UpdateQueue queue;
  std::vector<UpdateQueue::Slot*> slots;
  for (int i = 0; i < 10; ++i) slots.push_back(&slot_of(queue, "O" + std::to_string(i)));
  for (int64_t sequence = 1; sequence <= 100000; ++sequence) {
    offer(queue, *slots[sequence % 10], OrderStatus::kShipped, sequence);
  }
  // A reader that never read: at most one pending update per subscription.
  EXPECT_EQ(drain(queue).size(), 10u);
  EXPECT_EQ(queue.conflated(), 100000u - 10u);
}

TEST(UpdateQueueTest, SubscribingAgainReturnsTheSameSlot) {
  UpdateQueue queue;
  auto [first, made] = queue.subscribe("A");
  auto [again, made_again] = queue.subscribe("A");
  EXPECT_TRUE(made);
  EXPECT_FALSE(made_again);
  EXPECT_EQ(first, again);
  EXPECT_EQ(*first->order_id, "A");
  EXPECT_TRUE(queue.subscribed("A"));
  EXPECT_FALSE(queue.subscribed("B"));
  EXPECT_EQ(queue.subscriptions(), 1u);
}

TEST(UpdateQueueTest, DiscardDropsPendingButKeepsSubscriptions) {
  UpdateQueue queue;
  auto& a = slot_of(queue, "A");
  offer(queue, a, OrderStatus::kCreated, 1);
  queue.discard_pending();
  EXPECT_FALSE(queue.has_pending());
  EXPECT_EQ(queue.order_ids(), std::vector<std::string>{"A"});
  offer(queue, a, OrderStatus::kShipped, 2);  // the slot takes updates again
  EXPECT_EQ(drain(queue), (Sent{{"A", 2}}));
}

}  // namespace
}  // namespace orderstream::transport
