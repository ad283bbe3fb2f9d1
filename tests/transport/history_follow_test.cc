// GetOrderHistory with follow: the history oldest first, then each new event of the customer as it
// commits, exactly once and in order, including the events that commit while the history is being
// sent (the hand-over from history to live). The races are made deterministic by a store wrapper
// whose only addition is a hook that commits changes right after a chosen read of the followed
// customer's events (HookedOrderStore, the fault it injects); everything else is the real server on
// a real SQLite file. Every stream compares what it received with the customer's rows in the event
// table, then a sentinel commit must be the very next event: nothing extra came in between.
#include <functional>
#include <utility>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using Reader = grpc::ClientReader<pb::OrderEvent>;

constexpr char kFollowed[] = "alice";

class HistoryFollowTest : public HookedServerFixture {
 protected:
  // Arms `hook` to run once the `read_number`-th read of the followed customer's whole history
  // (the reads a follower makes) from now on has read its rows, so what it commits is newer than
  // that read.
  void arm_after_read(int read_number, std::function<void()> hook) {
    hooked_->arm(
        [reads = 0, read_number](HookPoint point, const EventRange* range) mutable {
          return point == HookPoint::kAfterCustomerEvents && range->customer_id == kFollowed &&
                 range->order_id.empty() && ++reads == read_number;
        },
        std::move(hook));
  }

  std::unique_ptr<Reader> follow(grpc::ClientContext& context, const std::string& customer,
                                 int64_t after = 0) {
    context.set_deadline(in(std::chrono::seconds(60)));
    pb::UserID user;
    user.set_id(customer);
    user.set_after_sequence(after);
    user.set_follow(true);
    return stub_->GetOrderHistory(&context, user);
  }

  // The sequences of the next `count` events (fewer if the stream ends first).
  static std::vector<int64_t> read_sequences(Reader& reader, std::size_t count) {
    std::vector<int64_t> sequences;
    pb::OrderEvent event;
    while (sequences.size() < count && reader.Read(&event)) sequences.push_back(event.sequence());
    return sequences;
  }

  // The sequences of the customer's events in the event table after `after`, oldest first.
  std::vector<int64_t> stored_sequences(const std::string& customer, int64_t after = 0) {
    std::vector<int64_t> sequences;
    const auto range = EventRange::of_customer(customer).with_after(after).with_oldest_first();
    for (const auto& event : store_->customer_events(range.with_limit(1'000'000))) {
      sequences.push_back(event.sequence);
    }
    return sequences;
  }

  // Creates one more order of `customer`: the next event on the stream must be its CREATED.
  void expect_next_is_a_new_commit(Reader& reader, const std::string& customer,
                                   const std::string& order_id) {
    create(order_id, customer, 1.0f);
    const int64_t sequence = store_->find_order(order_id)->sequence;
    pb::OrderEvent event;
    ASSERT_TRUE(reader.Read(&event));
    EXPECT_EQ(event.sequence(), sequence);
    EXPECT_EQ(event.order_id(), order_id);
    EXPECT_EQ(event.event_type(), "CREATED");
  }

  // Cancels the stream and expects its hub registration and its place among the streams freed.
  void cancel_and_expect_freed(grpc::ClientContext& context, Reader& reader) {
    context.TryCancel();
    pb::OrderEvent event;
    for (int i = 0; i < 100'000 && reader.Read(&event); ++i) {
    }
    EXPECT_EQ(reader.Finish().error_code(), grpc::StatusCode::CANCELLED);
    EXPECT_TRUE(eventually([&] { return hub_.follower_count() == 0; }));
    EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
  }
};

// The hand-over, three ways: the hook commits after the first history page (a full one), after
// the last history page (the short one that ends the history) and after the first live read.
// Commits also come before the stream opens and after part of the history was received.
class HistoryFollowHandOverTest : public HistoryFollowTest,
                                  public ::testing::WithParamInterface<int> {};

TEST_P(HistoryFollowHandOverTest, EveryEventOnceInOrderAcrossTheHandOver) {
  // Before: 200 events of alice (more than the first page of 128), a change, and bob's events.
  ASSERT_EQ(bulk_create("A-", kFollowed, 200).success_count(), 200);
  ASSERT_EQ(bulk_create("B-", "bob", 5).success_count(), 5);
  ASSERT_TRUE(set_status("A-0", "SHIPPED").ok());
  // During: a change of alice and one of bob's, right after the chosen read.
  arm_after_read(GetParam(), [&] {
    EXPECT_TRUE(orders_->update_status("A-1", "SHIPPED"));
    EXPECT_TRUE(orders_->update_status("B-0", "SHIPPED"));
  });

  grpc::ClientContext context;
  auto reader = follow(context, kFollowed);
  std::vector<int64_t> received = read_sequences(*reader, 150);  // past the first page
  ASSERT_EQ(received.size(), 150u);
  // After: a change committed while the stream follows.
  ASSERT_TRUE(set_status("A-2", "SHIPPED").ok());
  ASSERT_TRUE(eventually([&] { return hooked_->fired(); }));

  const std::vector<int64_t> stored = stored_sequences(kFollowed);
  ASSERT_EQ(stored.size(), 203u);  // 200 created, A-0, A-1 and A-2 shipped
  const auto rest = read_sequences(*reader, stored.size() - received.size());
  received.insert(received.end(), rest.begin(), rest.end());
  EXPECT_EQ(received, stored);
  expect_next_is_a_new_commit(*reader, kFollowed, "A-SENTINEL");
  cancel_and_expect_freed(context, *reader);
}

INSTANTIATE_TEST_SUITE_P(FirstPageLastPageAndLiveRead, HistoryFollowHandOverTest,
                         ::testing::Values(1, 2, 3),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return "AfterRead" + std::to_string(param_info.param);
                         });

TEST_F(HistoryFollowTest, FromASequenceSendsOnlyTheEventsAfterIt) {
  create("A-1", kFollowed, 1.0f);
  create("A-2", kFollowed, 2.0f);
  ASSERT_TRUE(set_status("A-1", "SHIPPED").ok());
  const int64_t after = store_->find_order("A-2")->sequence;

  grpc::ClientContext context;
  auto reader = follow(context, kFollowed, after);
  const auto received = read_sequences(*reader, 1);
  EXPECT_EQ(received, stored_sequences(kFollowed, after));
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0], store_->find_order("A-1")->sequence);
  expect_next_is_a_new_commit(*reader, kFollowed, "A-3");
  cancel_and_expect_freed(context, *reader);
}

TEST_F(HistoryFollowTest, ACustomerWithoutEventsIsWaitedForNotNotFound) {
  grpc::ClientContext context;
  auto reader = follow(context, "carol");
  // Registered before its first read: a commit from now on reaches the stream.
  ASSERT_TRUE(eventually([&] { return hub_.follower_count() == 1; }));
  expect_next_is_a_new_commit(*reader, "carol", "C-1");
  expect_next_is_a_new_commit(*reader, "carol", "C-2");
  cancel_and_expect_freed(context, *reader);
}

TEST_F(HistoryFollowTest, ABulkImportWhileFollowingArrivesWholeAndInOrder) {
  create("A-0", kFollowed, 1.0f);
  grpc::ClientContext context;
  auto reader = follow(context, kFollowed);
  ASSERT_EQ(read_sequences(*reader, 1).size(), 1u);  // the history; the stream is live now
  // Several pages of live events, committed in batches the hub announces once each.
  ASSERT_EQ(bulk_create("A-bulk-", kFollowed, 3000).success_count(), 3000);
  const auto received = read_sequences(*reader, 3000);
  EXPECT_EQ(received, stored_sequences(kFollowed, stored_sequences(kFollowed).front()));
  expect_next_is_a_new_commit(*reader, kFollowed, "A-SENTINEL");
  cancel_and_expect_freed(context, *reader);
}

TEST_F(HistoryFollowTest, CancellingFreesTheHubRegistrationAndTheStream) {
  create("A-1", kFollowed, 1.0f);
  grpc::ClientContext context;
  auto reader = follow(context, kFollowed);
  ASSERT_EQ(read_sequences(*reader, 1).size(), 1u);
  EXPECT_EQ(hub_.follower_count(), 1u);
  EXPECT_TRUE(hub_.has_subscribers());
  EXPECT_EQ(server_->active_streams(), 1u);
  cancel_and_expect_freed(context, *reader);
  EXPECT_FALSE(hub_.has_subscribers());
  EXPECT_EQ(create("A-2", kFollowed, 1.0f).order_id(), "A-2");  // still serving
}

TEST_F(HistoryFollowTest, ADeadlineEndsAFollowAndFreesIt) {
  create("A-1", kFollowed, 1.0f);
  grpc::ClientContext context;
  pb::UserID user;
  user.set_id(kFollowed);
  user.set_follow(true);
  context.set_deadline(in(std::chrono::milliseconds(300)));
  auto reader = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  int received = 0;
  while (received < 10 && reader->Read(&event)) ++received;
  EXPECT_LE(received, 1);  // the history, if it was sent before the deadline
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(eventually([&] { return hub_.follower_count() == 0; }));
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
}

TEST_F(HistoryFollowTest, FollowWithBeforeOrLimitIsInvalidArgument) {
  create("A-1", kFollowed, 1.0f);
  for (const bool with_limit : {false, true}) {
    pb::UserID user;
    user.set_id(kFollowed);
    user.set_follow(true);
    if (with_limit) {
      user.set_limit(10);
    } else {
      user.set_before_sequence(10);
    }
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    auto reader = stub_->GetOrderHistory(&context, user);
    pb::OrderEvent event;
    EXPECT_FALSE(reader->Read(&event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << with_limit;
    EXPECT_NE(status.error_message().find("UserID.follow"), std::string::npos)
        << status.error_message();
  }
  EXPECT_EQ(hub_.follower_count(), 0u);
}

TEST_F(HistoryFollowTest, ShutdownEndsAFollowWithUnavailable) {
  create("A-1", kFollowed, 1.0f);
  grpc::ClientContext context;
  auto reader = follow(context, kFollowed);
  ASSERT_EQ(read_sequences(*reader, 1).size(), 1u);
  server_->shutdown(std::chrono::seconds(5));
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(hub_.follower_count(), 0u);
}

}  // namespace
}  // namespace orderstream::testing
