#include "events/event_hub.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/order.h"
#include "domain/order_store.h"

namespace orderstream {
namespace {

// Records every event it receives, under its own mutex (publishers may run on several threads).
class RecordingSubscriber : public EventSubscriber {
 public:
  void on_event(const OrderEvent& event, void* tag) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    tags_.push_back(tag);
  }

  std::vector<OrderEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<void*> tags() const {
    std::lock_guard lock(mutex_);
    return tags_;
  }

  std::vector<std::string> order_ids() const {
    std::vector<std::string> ids;
    for (const auto& event : events()) ids.push_back(event.order_id);
    return ids;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<OrderEvent> events_;
  std::vector<void*> tags_;
};

OrderEvent event_for(const std::string& order_id, int64_t sequence,
                     OrderStatus type = OrderStatus::kCreated) {
  return OrderEvent{sequence, order_id, "customer", type, 1'000 + sequence};
}

void publish_one(EventHub& hub, const OrderEvent& event) { hub.publish({&event, 1}); }

TEST(EventHubTest, SubscriberReceivesEventsOnlyForItsOrderIds) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_TRUE(hub.subscribe("C", subscriber));

  const std::vector<OrderEvent> batch{event_for("A", 1), event_for("B", 2), event_for("C", 3),
                                      event_for("D", 4), event_for("A", 5, OrderStatus::kShipped)};
  hub.publish(batch);

  const auto received = subscriber->events();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].order_id, "A");
  EXPECT_EQ(received[0].sequence, 1);
  EXPECT_EQ(received[1].order_id, "C");
  EXPECT_EQ(received[1].sequence, 3);
  EXPECT_EQ(received[2].order_id, "A");
  EXPECT_EQ(received[2].sequence, 5);
  EXPECT_EQ(received[2].type, OrderStatus::kShipped);
}

TEST(EventHubTest, DeliversEventFieldsUnchanged) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("ORD-1", subscriber));
  const OrderEvent sent{42, "ORD-1", "alice", OrderStatus::kDelivered, 123'456};
  publish_one(hub, sent);
  const auto received = subscriber->events();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].sequence, 42);
  EXPECT_EQ(received[0].order_id, "ORD-1");
  EXPECT_EQ(received[0].customer_id, "alice");
  EXPECT_EQ(received[0].type, OrderStatus::kDelivered);
  EXPECT_EQ(received[0].timestamp_ms, 123'456);
}

// The tag lets a subscriber find its state for the order without a lookup of its own.
TEST(EventHubTest, EachEventComesWithTheTagItsOrderWasSubscribedWith) {
  for (const std::size_t lanes : {0, 2}) {
    auto subscriber = std::make_shared<RecordingSubscriber>();
    int state_a = 0;
    int state_b = 0;
    {
      EventHub hub(lanes);  // destruction delivers what lanes still hold
      ASSERT_TRUE(hub.subscribe("A", subscriber, &state_a));
      ASSERT_TRUE(hub.subscribe("B", subscriber, &state_b));
      ASSERT_TRUE(hub.subscribe("A", subscriber, &state_b));  // again: the first tag stays
      hub.publish(std::vector<OrderEvent>{event_for("B", 1), event_for("A", 2), event_for("C", 3)});
    }
    EXPECT_EQ(subscriber->order_ids(), (std::vector<std::string>{"B", "A"})) << lanes << " lanes";
    EXPECT_EQ(subscriber->tags(), (std::vector<void*>{&state_b, &state_a})) << lanes << " lanes";
  }
}

TEST(EventHubTest, SubscriptionToAnIdThatDoesNotExistYetReceivesItsCreation) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("future", subscriber));
  publish_one(hub, event_for("future", 1, OrderStatus::kCreated));
  ASSERT_EQ(subscriber->events().size(), 1u);
  EXPECT_EQ(subscriber->events()[0].type, OrderStatus::kCreated);
}

TEST(EventHubTest, PublishWithNoSubscribersDeliversNothingAndDoesNotFail) {
  EventHub hub;
  publish_one(hub, event_for("A", 1));
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  EXPECT_TRUE(subscriber->events().empty()) << "events are not replayed to late subscribers";
  hub.publish({});
  EXPECT_TRUE(subscriber->events().empty());
}

TEST(EventHubTest, TwoSubscribersOnOneIdBothReceiveTheEvent) {
  EventHub hub;
  auto first = std::make_shared<RecordingSubscriber>();
  auto second = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", first));
  ASSERT_TRUE(hub.subscribe("A", second));
  EXPECT_EQ(hub.subscription_count(), 2u);

  publish_one(hub, event_for("A", 7));

  ASSERT_EQ(first->events().size(), 1u);
  ASSERT_EQ(second->events().size(), 1u);
  EXPECT_EQ(first->events()[0].sequence, 7);
  EXPECT_EQ(second->events()[0].sequence, 7);
}

TEST(EventHubTest, UnsubscribeStopsDeliveryAndLowersSubscriptionCount) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_TRUE(hub.subscribe("B", subscriber));
  ASSERT_EQ(hub.subscription_count(), 2u);

  const std::vector<std::string> ids{"A"};
  hub.unsubscribe(ids, subscriber.get());
  EXPECT_EQ(hub.subscription_count(), 1u);

  hub.publish(std::vector<OrderEvent>{event_for("A", 1), event_for("B", 2)});
  EXPECT_EQ(subscriber->order_ids(), std::vector<std::string>{"B"});

  const std::vector<std::string> rest{"B"};
  hub.unsubscribe(rest, subscriber.get());
  EXPECT_EQ(hub.subscription_count(), 0u);
  publish_one(hub, event_for("B", 3));
  EXPECT_EQ(subscriber->events().size(), 1u);
}

TEST(EventHubTest, UnsubscribeLeavesOtherSubscribersOfTheSameIdInPlace) {
  EventHub hub;
  auto leaving = std::make_shared<RecordingSubscriber>();
  auto staying = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", leaving));
  ASSERT_TRUE(hub.subscribe("A", staying));

  const std::vector<std::string> ids{"A"};
  hub.unsubscribe(ids, leaving.get());
  EXPECT_EQ(hub.subscription_count(), 1u);

  publish_one(hub, event_for("A", 1));
  EXPECT_TRUE(leaving->events().empty());
  EXPECT_EQ(staying->events().size(), 1u);
}

TEST(EventHubTest, UnsubscribeFromIdsNeverSubscribedChangesNothing) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  auto stranger = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));

  const std::vector<std::string> unknown{"X", "Y"};
  hub.unsubscribe(unknown, subscriber.get());
  const std::vector<std::string> ids{"A"};
  hub.unsubscribe(ids, stranger.get());

  EXPECT_EQ(hub.subscription_count(), 1u);
  publish_one(hub, event_for("A", 1));
  EXPECT_EQ(subscriber->events().size(), 1u);
}

TEST(EventHubTest, SubscribingTwiceToOneIdCountsAndDeliversOnce) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  EXPECT_EQ(hub.subscription_count(), 1u);

  publish_one(hub, event_for("A", 1));
  EXPECT_EQ(subscriber->events().size(), 1u);

  const std::vector<std::string> ids{"A"};
  hub.unsubscribe(ids, subscriber.get());
  EXPECT_EQ(hub.subscription_count(), 0u);
}

TEST(EventHubTest, CloseRefusesNewSubscriptionsAndDropsExistingOnes) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_TRUE(hub.subscribe("B", subscriber));

  hub.close();
  EXPECT_EQ(hub.subscription_count(), 0u);
  EXPECT_FALSE(hub.subscribe("C", subscriber));
  EXPECT_FALSE(hub.subscribe("A", std::make_shared<RecordingSubscriber>()));
  EXPECT_EQ(hub.subscription_count(), 0u);

  hub.publish(std::vector<OrderEvent>{event_for("A", 1), event_for("B", 2), event_for("C", 3)});
  EXPECT_TRUE(subscriber->events().empty());
}

TEST(EventHubTest, CloseReleasesTheHubsReferencesToSubscribers) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_GT(subscriber.use_count(), 1);
  hub.close();
  EXPECT_EQ(subscriber.use_count(), 1);
}

TEST(EventHubTest, UnsubscribeReleasesTheHubsReferenceToTheSubscriber) {
  EventHub hub;
  auto subscriber = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  const std::vector<std::string> ids{"A"};
  hub.unsubscribe(ids, subscriber.get());
  EXPECT_EQ(subscriber.use_count(), 1);
}

TEST(EventHubTest, ConcurrentPublishersDeliverEveryEventExactlyOnce) {
  constexpr int kThreads = 4;
  constexpr int kEventsPerThread = 1'000;
  EventHub hub;
  auto watcher = std::make_shared<RecordingSubscriber>();
  auto bystander = std::make_shared<RecordingSubscriber>();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(hub.subscribe("order-" + std::to_string(t), watcher));
  }
  ASSERT_TRUE(hub.subscribe("unrelated", bystander));

  std::vector<std::thread> publishers;
  for (int t = 0; t < kThreads; ++t) {
    publishers.emplace_back([&hub, t] {
      const std::string id = "order-" + std::to_string(t);
      for (int i = 0; i < kEventsPerThread; ++i) {
        // Sequences are unique across threads: thread t owns t*kEventsPerThread + [0, N).
        publish_one(hub, event_for(id, int64_t{t} * kEventsPerThread + i));
      }
    });
  }
  for (auto& publisher : publishers) publisher.join();

  const auto received = watcher->events();
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kThreads * kEventsPerThread));
  std::set<int64_t> sequences;
  for (const auto& event : received) {
    EXPECT_TRUE(sequences.insert(event.sequence).second) << "duplicate " << event.sequence;
    EXPECT_EQ(event.order_id, "order-" + std::to_string(event.sequence / kEventsPerThread));
  }
  EXPECT_EQ(sequences.size(), static_cast<std::size_t>(kThreads * kEventsPerThread));
  EXPECT_EQ(*sequences.begin(), 0);
  EXPECT_EQ(*sequences.rbegin(), kThreads * kEventsPerThread - 1);

  // Each publisher's own events arrive in the order it published them.
  std::vector<int64_t> last(kThreads, -1);
  for (const auto& event : received) {
    const auto t = static_cast<std::size_t>(event.sequence / kEventsPerThread);
    EXPECT_GT(event.sequence, last[t]);
    last[t] = event.sequence;
  }
  EXPECT_TRUE(bystander->events().empty());
}

// Unsubscribes itself from inside on_event: only possible if the hub calls subscribers without
// holding its own lock (a std::mutex is not recursive, so this would otherwise deadlock).
class SelfUnsubscribingSubscriber : public EventSubscriber {
 public:
  SelfUnsubscribingSubscriber(EventHub& hub, std::vector<std::string> ids)
      : hub_(hub), ids_(std::move(ids)) {}

  void on_event(const OrderEvent& event, void* /*tag*/) override {
    std::lock_guard lock(mutex_);
    received_.push_back(event.sequence);
    hub_.unsubscribe(ids_, this);
    count_seen_inside_ = hub_.subscription_count();
  }

  std::vector<int64_t> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::size_t count_seen_inside() const {
    std::lock_guard lock(mutex_);
    return count_seen_inside_;
  }

 private:
  EventHub& hub_;
  std::vector<std::string> ids_;
  mutable std::mutex mutex_;
  std::vector<int64_t> received_;
  std::size_t count_seen_inside_ = 0;
};

TEST(EventHubTest, SubscriberMayUnsubscribeItselfFromInsideOnEvent) {
  EventHub hub;
  auto subscriber =
      std::make_shared<SelfUnsubscribingSubscriber>(hub, std::vector<std::string>{"A"});
  auto other = std::make_shared<RecordingSubscriber>();
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  ASSERT_TRUE(hub.subscribe("A", other));
  ASSERT_EQ(hub.subscription_count(), 2u);

  // If the hub held its lock while delivering, this would deadlock (ctest's TIMEOUT bounds it).
  publish_one(hub, event_for("A", 1));

  EXPECT_EQ(subscriber->received(), std::vector<int64_t>{1});
  EXPECT_EQ(subscriber->count_seen_inside(), 1u);
  EXPECT_EQ(hub.subscription_count(), 1u);
  EXPECT_EQ(other->events().size(), 1u) << "delivery to others continues";

  publish_one(hub, event_for("A", 2));
  EXPECT_EQ(subscriber->received(), std::vector<int64_t>{1});
  EXPECT_EQ(other->events().size(), 2u);
}

// --- delivery lanes

// Records the sequences it receives and the threads that delivered them.
class ThreadRecordingSubscriber : public EventSubscriber {
 public:
  void on_event(const OrderEvent& event, void* /*tag*/) override {
    std::lock_guard lock(mutex_);
    sequences_.push_back(event.sequence);
    threads_.insert(std::this_thread::get_id());
  }
  std::vector<int64_t> sequences() const {
    std::lock_guard lock(mutex_);
    return sequences_;
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int64_t> sequences_;
  std::set<std::thread::id> threads_;
};

// Waits, bounded in time, until every subscriber has `count` events.
bool wait_for_all(const std::vector<std::shared_ptr<ThreadRecordingSubscriber>>& subscribers,
                  std::size_t count) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if (std::all_of(subscribers.begin(), subscribers.end(),
                    [&](const auto& s) { return s->sequences().size() >= count; })) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

TEST(EventHubLanesTest, EverySubscriberGetsEveryEventInPublishOrderOffThePublishersThread) {
  constexpr int kSubscribers = 64;
  constexpr int kEvents = 500;
  EventHub hub(2);
  std::vector<std::shared_ptr<ThreadRecordingSubscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_shared<ThreadRecordingSubscriber>());
    ASSERT_TRUE(hub.subscribe("A", subscribers.back()));
  }
  for (int i = 1; i <= kEvents; ++i) publish_one(hub, event_for("A", i));

  ASSERT_TRUE(wait_for_all(subscribers, kEvents));
  std::vector<int64_t> expected(kEvents);
  for (int i = 0; i < kEvents; ++i) expected[i] = i + 1;
  std::set<std::thread::id> lanes;
  for (const auto& subscriber : subscribers) {
    EXPECT_EQ(subscriber->sequences(), expected);  // all of them, once each, in order
    const auto threads = subscriber->threads();
    EXPECT_EQ(threads.size(), 1u) << "a subscriber is always served by the same lane";
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u) << "delivered by a lane";
    lanes.insert(threads.begin(), threads.end());
  }
  EXPECT_EQ(lanes.size(), 2u) << "the subscribers of one order are spread over both lanes";
}

TEST(EventHubLanesTest, DestructionDeliversWhatIsQueued) {
  auto subscriber = std::make_shared<ThreadRecordingSubscriber>();
  {
    EventHub hub(2);
    ASSERT_TRUE(hub.subscribe("A", subscriber));
    for (int i = 1; i <= 1'000; ++i) publish_one(hub, event_for("A", i));
  }
  EXPECT_EQ(subscriber->sequences().size(), 1'000u);
}

// On the publisher's thread (0 lanes) and on a lane: the hub's copy keeps the subscriber alive
// until on_event returns (ASan/valgrind would flag a use-after-free otherwise), and afterwards
// nothing holds it.
class UnsubscribeDuringDeliveryTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(UnsubscribeDuringDeliveryTest, SubscriberSurvivesUnsubscribingItsLastReference) {
  EventHub hub(GetParam());
  auto subscriber =
      std::make_shared<SelfUnsubscribingSubscriber>(hub, std::vector<std::string>{"A"});
  ASSERT_TRUE(hub.subscribe("A", subscriber));
  std::weak_ptr<SelfUnsubscribingSubscriber> weak = subscriber;
  subscriber.reset();  // the hub now holds the only reference
  publish_one(hub, event_for("A", 1));
  if (GetParam() == 0) {
    EXPECT_TRUE(weak.expired()) << "no lanes: delivered inside publish()";
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!weak.expired() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(weak.expired());
  EXPECT_EQ(hub.subscription_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Lanes, UnsubscribeDuringDeliveryTest, ::testing::Values(0U, 2U));

// --- publish_created: the CREATED events of a committed batch, built only for watched orders

CreateOutcome outcome_for(const std::string& order_id, int64_t sequence,
                          CreateOutcome::Kind kind = CreateOutcome::Kind::kCreated) {
  return CreateOutcome{kind, Order{order_id, "cust-" + order_id, 5.0f, OrderStatus::kCreated,
                                   2'000 + sequence, 2'000 + sequence, sequence}};
}

class PublishCreatedTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(PublishCreatedTest, DeliversTheCreatedEventsOfWatchedNewOrdersOnly) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  {
    EventHub hub(GetParam());  // destruction delivers what lanes still hold
    ASSERT_TRUE(hub.subscribe("A", subscriber));
    ASSERT_TRUE(hub.subscribe("C", subscriber));
    ASSERT_TRUE(hub.subscribe("D", subscriber));
    const std::vector<CreateOutcome> outcomes{
        outcome_for("A", 7), outcome_for("B", 8),  // B: nobody watches it
        outcome_for("C", 3, CreateOutcome::Kind::kExisting),
        outcome_for("D", 4, CreateOutcome::Kind::kConflict), outcome_for("C", 9)};
    hub.publish_created(outcomes);
  }
  const auto received = subscriber->events();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].order_id, "A");
  EXPECT_EQ(received[0].sequence, 7);
  EXPECT_EQ(received[0].customer_id, "cust-A");
  EXPECT_EQ(received[0].type, OrderStatus::kCreated);
  EXPECT_EQ(received[0].timestamp_ms, 2'007);
  EXPECT_EQ(received[1].order_id, "C");
  EXPECT_EQ(received[1].sequence, 9);
}

TEST_P(PublishCreatedTest, NothingWatchedDeliversNothing) {
  auto subscriber = std::make_shared<RecordingSubscriber>();
  {
    EventHub hub(GetParam());
    ASSERT_TRUE(hub.subscribe("Z", subscriber));
    const std::vector<CreateOutcome> outcomes{outcome_for("A", 1), outcome_for("B", 2)};
    hub.publish_created(outcomes);
    hub.publish_created({});
  }
  EXPECT_TRUE(subscriber->events().empty());
}

INSTANTIATE_TEST_SUITE_P(Lanes, PublishCreatedTest, ::testing::Values(0U, 2U));

// --- followers: one call per publish that holds events of the followed customer

OrderEvent event_of(const std::string& customer, const std::string& order_id, int64_t sequence) {
  return OrderEvent{sequence, order_id, customer, OrderStatus::kCreated, 1'000 + sequence};
}

CreateOutcome created_for(const std::string& customer, const std::string& order_id,
                          int64_t sequence) {
  return CreateOutcome{CreateOutcome::Kind::kCreated,
                       Order{order_id, customer, 5.0f, OrderStatus::kCreated, 1'000 + sequence,
                             1'000 + sequence, sequence}};
}

class FollowerTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FollowerTest, AFollowerIsToldOncePerPublishWithTheCustomersHighestSequence) {
  auto follower = std::make_shared<RecordingSubscriber>();
  auto watcher = std::make_shared<RecordingSubscriber>();
  int tag = 0;
  {
    EventHub hub(GetParam());  // destruction delivers what lanes still hold
    ASSERT_TRUE(hub.follow("alice", follower, &tag));
    ASSERT_TRUE(hub.subscribe("A-1", watcher));
    hub.publish(std::vector<OrderEvent>{event_of("alice", "A-1", 1), event_of("bob", "B-1", 2),
                                        event_of("alice", "A-2", 3), event_of("bob", "B-2", 4)});
    hub.publish(std::vector<OrderEvent>{event_of("bob", "B-3", 5)});  // nothing for alice
    hub.publish(std::vector<OrderEvent>{event_of("alice", "A-3", 6)});
    EXPECT_EQ(hub.stats().deliveries, 1u) << "the metric counts watch deliveries only";
  }
  const auto told = follower->events();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].sequence, 3);
  EXPECT_EQ(told[0].order_id, "A-2");
  EXPECT_EQ(told[1].sequence, 6);
  EXPECT_EQ(follower->tags(), (std::vector<void*>{&tag, &tag}));
  EXPECT_EQ(watcher->order_ids(), std::vector<std::string>{"A-1"}) << "watchers as before";
}

TEST_P(FollowerTest, EveryFollowerOfACustomerIsToldAndOthersAreNot) {
  auto first = std::make_shared<RecordingSubscriber>();
  auto second = std::make_shared<RecordingSubscriber>();
  auto of_bob = std::make_shared<RecordingSubscriber>();
  {
    EventHub hub(GetParam());
    ASSERT_TRUE(hub.follow("alice", first));
    ASSERT_TRUE(hub.follow("alice", second));
    ASSERT_TRUE(hub.follow("alice", second));  // again: counted and told once
    ASSERT_TRUE(hub.follow("bob", of_bob));
    EXPECT_EQ(hub.follower_count(), 3u);
    EXPECT_EQ(hub.subscription_count(), 0u);
    hub.publish(std::vector<OrderEvent>{event_of("alice", "A-1", 1), event_of("alice", "A-2", 2)});
  }
  EXPECT_EQ(first->events().size(), 1u);
  EXPECT_EQ(second->events().size(), 1u);
  EXPECT_TRUE(of_bob->events().empty());
}

TEST_P(FollowerTest, PublishCreatedBuildsOnlyTheFollowedCustomersLastNewOrder) {
  auto follower = std::make_shared<RecordingSubscriber>();
  auto watcher = std::make_shared<RecordingSubscriber>();
  {
    EventHub hub(GetParam());
    ASSERT_TRUE(hub.follow("alice", follower));
    ASSERT_TRUE(hub.subscribe("B-1", watcher));
    auto existing = created_for("alice", "A-0", 0);
    existing.kind = CreateOutcome::Kind::kExisting;
    const std::vector<CreateOutcome> outcomes{
        created_for("alice", "A-1", 1), created_for("bob", "B-1", 2),
        created_for("alice", "A-2", 3), existing, created_for("carol", "C-1", 4)};
    hub.publish_created(outcomes);
  }
  const auto told = follower->events();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].order_id, "A-2");
  EXPECT_EQ(told[0].sequence, 3);
  EXPECT_EQ(told[0].customer_id, "alice");
  EXPECT_EQ(watcher->order_ids(), std::vector<std::string>{"B-1"});
}

TEST_P(FollowerTest, UnfollowAndCloseDropTheFollowerAndItsReference) {
  EventHub hub(GetParam());
  auto follower = std::make_shared<RecordingSubscriber>();
  auto other = std::make_shared<RecordingSubscriber>();
  EXPECT_FALSE(hub.has_subscribers());
  ASSERT_TRUE(hub.follow("alice", follower));
  EXPECT_TRUE(hub.has_subscribers());
  hub.unfollow("alice", other.get());  // not a follower: nothing changes
  hub.unfollow("bob", follower.get());
  EXPECT_EQ(hub.follower_count(), 1u);
  hub.unfollow("alice", follower.get());
  EXPECT_EQ(hub.follower_count(), 0u);
  EXPECT_FALSE(hub.has_subscribers());
  EXPECT_EQ(follower.use_count(), 1);

  ASSERT_TRUE(hub.follow("alice", follower));
  hub.close();
  EXPECT_EQ(hub.follower_count(), 0u);
  EXPECT_EQ(follower.use_count(), 1);
  EXPECT_FALSE(hub.follow("alice", follower));
  publish_one(hub, event_of("alice", "A-1", 1));
  EXPECT_TRUE(follower->events().empty());
}

INSTANTIATE_TEST_SUITE_P(Lanes, FollowerTest, ::testing::Values(0U, 2U));

}  // namespace
}  // namespace orderstream
