#include "domain/event_publisher.h"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "support/test_doubles.h"

namespace orderstream {
namespace {

using testing::RecordingPublisher;

CreateOutcome outcome_for(const std::string& order_id, int64_t sequence, CreateOutcome::Kind kind) {
  return CreateOutcome{kind, Order{order_id, "alice", 1.0f, OrderStatus::kCreated, 100 + sequence,
                                   100 + sequence, sequence}};
}

TEST(EventPublisherTest, PublishCreatedPublishesTheNewOrdersInOneCall) {
  RecordingPublisher publisher;
  const std::vector<CreateOutcome> outcomes{outcome_for("A", 1, CreateOutcome::Kind::kCreated),
                                            outcome_for("B", 0, CreateOutcome::Kind::kExisting),
                                            outcome_for("C", 0, CreateOutcome::Kind::kConflict),
                                            outcome_for("D", 2, CreateOutcome::Kind::kCreated)};
  publisher.publish_created(outcomes);
  ASSERT_EQ(publisher.calls.size(), 1u);
  const auto& events = publisher.calls.front();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].order_id, "A");
  EXPECT_EQ(events[0].sequence, 1);
  EXPECT_EQ(events[0].customer_id, "alice");
  EXPECT_EQ(events[0].type, OrderStatus::kCreated);
  EXPECT_EQ(events[0].timestamp_ms, 101);
  EXPECT_EQ(events[1].order_id, "D");
}

TEST(EventPublisherTest, PublishCreatedWithoutNewOrdersPublishesNothing) {
  RecordingPublisher publisher;
  publisher.publish_created(
      std::vector<CreateOutcome>{outcome_for("B", 0, CreateOutcome::Kind::kExisting)});
  publisher.publish_created({});
  EXPECT_TRUE(publisher.calls.empty());
}

}  // namespace
}  // namespace orderstream
