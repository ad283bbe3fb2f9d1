// The watch stream's outgoing queue: conflation, staleness and order, without a server.
#include "transport/update_queue.h"

#include <gtest/gtest.h>

namespace orderstream::transport {
namespace {

namespace pb = ::ecommerce::orders;

pb::OrderUpdate update(const std::string& order_id, const std::string& status, int64_t sequence) {
  pb::OrderUpdate out;
  out.set_order_id(order_id);
  out.set_status(status);
  out.set_sequence(sequence);
  return out;
}

std::vector<std::pair<std::string, int64_t>> drain(UpdateQueue& queue) {
  std::vector<std::pair<std::string, int64_t>> out;
  pb::OrderUpdate next;
  while (queue.pop(next)) out.emplace_back(next.order_id(), next.sequence());
  return out;
}

TEST(UpdateQueueTest, UnsentUpdateIsReplacedByTheNewerOne) {
  UpdateQueue queue;
  queue.subscribe("A");
  queue.offer(update("A", "CREATED", 1));
  queue.offer(update("A", "SHIPPED", 5));
  queue.offer(update("A", "DELIVERED", 9));
  pb::OrderUpdate next;
  ASSERT_TRUE(queue.pop(next));
  EXPECT_EQ(next.status(), "DELIVERED");
  EXPECT_EQ(next.sequence(), 9);
  EXPECT_FALSE(queue.pop(next));
  EXPECT_EQ(queue.conflated(), 2u);
}

TEST(UpdateQueueTest, OlderOrEqualSequencesAreDroppedEvenAfterSending) {
  UpdateQueue queue;
  queue.subscribe("A");
  queue.offer(update("A", "SHIPPED", 5));
  EXPECT_EQ(drain(queue).size(), 1u);
  queue.offer(update("A", "CREATED", 1));  // e.g. a late acknowledgement read before the change
  queue.offer(update("A", "SHIPPED", 5));  // the same event twice
  EXPECT_TRUE(drain(queue).empty());
  queue.offer(update("A", "DELIVERED", 6));
  EXPECT_EQ(drain(queue), (std::vector<std::pair<std::string, int64_t>>{{"A", 6}}));
}

TEST(UpdateQueueTest, UnknownAcknowledgementWithSequenceZeroIsQueued) {
  UpdateQueue queue;
  queue.subscribe("LATER");
  queue.offer(update("LATER", "UNKNOWN", 0));
  EXPECT_EQ(drain(queue), (std::vector<std::pair<std::string, int64_t>>{{"LATER", 0}}));
}

TEST(UpdateQueueTest, OrdersLeaveInTheOrderTheyFirstBecamePending) {
  UpdateQueue queue;
  for (const char* id : {"A", "B", "C"}) queue.subscribe(id);
  queue.offer(update("B", "CREATED", 1));
  queue.offer(update("A", "CREATED", 2));
  queue.offer(update("B", "SHIPPED", 3));  // replaces B in place: B keeps its turn
  queue.offer(update("C", "CREATED", 4));
  EXPECT_EQ(drain(queue),
            (std::vector<std::pair<std::string, int64_t>>{{"B", 3}, {"A", 2}, {"C", 4}}));
}

TEST(UpdateQueueTest, MemoryIsBoundedBySubscriptionsNotByUpdates) {
  UpdateQueue queue;
  for (int i = 0; i < 10; ++i) queue.subscribe("O" + std::to_string(i));
  for (int64_t sequence = 1; sequence <= 100000; ++sequence) {
    queue.offer(update("O" + std::to_string(sequence % 10), "SHIPPED", sequence));
  }
  // A reader that never read: at most one pending update per subscription.
  EXPECT_EQ(drain(queue).size(), 10u);
  EXPECT_EQ(queue.conflated(), 100000u - 10u);
}

TEST(UpdateQueueTest, UpdatesOfOrdersNotSubscribedAreIgnored) {
  UpdateQueue queue;
  queue.subscribe("A");
  queue.offer(update("B", "CREATED", 1));
  EXPECT_FALSE(queue.has_pending());
  EXPECT_TRUE(queue.subscribed("A"));
  EXPECT_FALSE(queue.subscribed("B"));
  EXPECT_FALSE(queue.subscribe("A"));  // already there
  EXPECT_EQ(queue.subscriptions(), 1u);
}

TEST(UpdateQueueTest, DiscardDropsPendingButKeepsSubscriptions) {
  UpdateQueue queue;
  queue.subscribe("A");
  queue.offer(update("A", "CREATED", 1));
  queue.discard_pending();
  EXPECT_FALSE(queue.has_pending());
  EXPECT_EQ(queue.order_ids(), std::vector<std::string>{"A"});
}

}  // namespace
}  // namespace orderstream::transport
