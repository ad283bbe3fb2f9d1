// NotifyOrderUpdates with after_sequence (resume): every event after the resume point exactly
// once, in order, then the live ones, including when a change commits while the catch-up read is
// in progress. The race is made deterministic by a store wrapper whose only addition is a hook
// that commits a change through the order service at a chosen point of that read
// (HookedOrderStore, the fault it injects); everything else is the real server on a real SQLite
// file.
#include <functional>
#include <utility>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using Stream = grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>;

class WatchResumeTest : public HookedServerFixture {
 protected:
  // Arms `hook` to run once, at `point` of a resume read: before it looks an order up
  // (kBeforeFindOrder), or after it read one order's events (kAfterCustomerEvents).
  void arm(HookPoint point, std::function<void()> hook) {
    hooked_->arm(
        [point](HookPoint at, const EventRange* range) {
          return at == point && (range == nullptr || !range->order_id.empty());
        },
        std::move(hook));
  }

  std::unique_ptr<Stream> open(grpc::ClientContext& context) {
    context.set_deadline(in(std::chrono::seconds(30)));
    return stub_->NotifyOrderUpdates(&context);
  }
  static void subscribe(Stream& stream, const std::string& id, std::optional<int64_t> after) {
    pb::OrderID message;
    message.set_id(id);
    if (after) message.set_after_sequence(*after);
    ASSERT_TRUE(stream.Write(message));
  }
  // Reads updates until one of `id` has status `last_status`; every update of that order on the
  // way, in arrival order.
  static std::vector<pb::OrderUpdate> read_until(Stream& stream, const std::string& id,
                                                 const std::string& last_status) {
    std::vector<pb::OrderUpdate> updates;
    pb::OrderUpdate update;
    for (int count = 0; count < 100 && stream.Read(&update); ++count) {
      if (update.order_id() != id) continue;
      updates.push_back(update);
      if (update.status() == last_status) break;
    }
    return updates;
  }
  static std::vector<std::pair<std::string, int64_t>> summary(
      const std::vector<pb::OrderUpdate>& updates) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& update : updates) out.emplace_back(update.status(), update.sequence());
    return out;
  }
  int64_t sequence_of(const std::string& id) { return store_->find_order(id)->sequence; }
};

TEST_F(WatchResumeTest, ResumeSendsWhatWasMissedThenLiveChanges) {
  const int64_t created = (create("R-1", "alice", 1.0f), sequence_of("R-1"));
  pb::OrderUpdate shipped;
  ASSERT_TRUE(set_status("R-1", "SHIPPED", &shipped).ok());

  grpc::ClientContext context;
  auto stream = open(context);
  subscribe(*stream, "R-1", created);  // the client saw CREATED
  pb::OrderUpdate delivered;
  ASSERT_TRUE(set_status("R-1", "DELIVERED", &delivered).ok());
  const auto updates = read_until(*stream, "R-1", "DELIVERED");
  EXPECT_EQ(summary(updates),
            (std::vector<std::pair<std::string, int64_t>>{{"SHIPPED", shipped.sequence()},
                                                          {"DELIVERED", delivered.sequence()}}));
  context.TryCancel();
}

TEST_F(WatchResumeTest, ResumeFromZeroSendsTheWholeLifeAndNoAcknowledgement) {
  const int64_t created = (create("R-2", "alice", 1.0f), sequence_of("R-2"));
  pb::OrderUpdate shipped;
  ASSERT_TRUE(set_status("R-2", "SHIPPED", &shipped).ok());
  grpc::ClientContext context;
  auto stream = open(context);
  subscribe(*stream, "LATER", 0);  // no order yet: nothing until it is created
  subscribe(*stream, "R-2", 0);
  const auto updates = read_until(*stream, "R-2", "SHIPPED");
  EXPECT_EQ(summary(updates), (std::vector<std::pair<std::string, int64_t>>{
                                  {"CREATED", created}, {"SHIPPED", shipped.sequence()}}));
  create("LATER", "bob", 2.0f);
  const auto later = read_until(*stream, "LATER", "CREATED");
  ASSERT_EQ(later.size(), 1u);  // no UNKNOWN before it
  EXPECT_EQ(later[0].sequence(), sequence_of("LATER"));
  context.TryCancel();
}

TEST_F(WatchResumeTest, ResumeAfterTheLastEventSendsNothingUntilTheNextChange) {
  create("R-3", "alice", 1.0f);
  pb::OrderUpdate shipped;
  ASSERT_TRUE(set_status("R-3", "SHIPPED", &shipped).ok());
  grpc::ClientContext context;
  auto stream = open(context);
  subscribe(*stream, "R-3", shipped.sequence());
  ASSERT_TRUE(eventually([&] { return hub_.subscription_count() == 1; }));
  pb::OrderUpdate cancelled;
  ASSERT_TRUE(set_status("R-3", "CANCELLED", &cancelled).ok());
  const auto updates = read_until(*stream, "R-3", "CANCELLED");
  EXPECT_EQ(summary(updates),
            (std::vector<std::pair<std::string, int64_t>>{{"CANCELLED", cancelled.sequence()}}));
  context.TryCancel();
}

// The hand-over race, both ways: a change that commits before the catch-up looks the order up is
// read AND delivered live (sent once), one that commits after the read is only delivered live
// (sent after what was read).
class WatchResumeRaceTest : public WatchResumeTest,
                            public ::testing::WithParamInterface<HookPoint> {};

TEST_P(WatchResumeRaceTest, AChangeCommittingDuringTheCatchUpIsSentExactlyOnceInOrder) {
  const int64_t created = (create("R-9", "alice", 1.0f), sequence_of("R-9"));
  pb::OrderUpdate shipped;
  ASSERT_TRUE(set_status("R-9", "SHIPPED", &shipped).ok());
  pb::OrderUpdate delivered;
  arm(GetParam(), [&] {
    const grpc::Status status = set_status("R-9", "DELIVERED", &delivered);
    EXPECT_TRUE(status.ok()) << status.error_message();
  });

  grpc::ClientContext context;
  auto stream = open(context);
  subscribe(*stream, "R-9", created);
  const auto updates = read_until(*stream, "R-9", "DELIVERED");
  EXPECT_TRUE(hooked_->fired());
  // Per order, sequences strictly increase on the stream, so nothing can follow DELIVERED: this
  // is the whole of what the stream sends for R-9.
  EXPECT_EQ(summary(updates),
            (std::vector<std::pair<std::string, int64_t>>{{"SHIPPED", shipped.sequence()},
                                                          {"DELIVERED", delivered.sequence()}}));
  context.TryCancel();
}

INSTANTIATE_TEST_SUITE_P(BeforeLookupAndAfterRead, WatchResumeRaceTest,
                         ::testing::Values(HookPoint::kBeforeFindOrder,
                                           HookPoint::kAfterCustomerEvents),
                         [](const ::testing::TestParamInfo<HookPoint>& param_info) {
                           return std::string(param_info.param == HookPoint::kBeforeFindOrder
                                                  ? "CommitBeforeLookup"
                                                  : "CommitAfterRead");
                         });

// A change the hub delivers before an earlier one (publishers run on different threads) is not
// sent ahead of it: CANCELLED after CREATED may hide a SHIPPED, so the order is read first.
TEST_F(WatchResumeTest, AnEventDeliveredAheadOfAnEarlierOneDoesNotHideIt) {
  const int64_t created = (create("R-5", "alice", 1.0f), sequence_of("R-5"));
  grpc::ClientContext context;
  auto stream = open(context);
  arm(HookPoint::kAfterCustomerEvents, [] {});  // tells when the read is done
  subscribe(*stream, "R-5", created);
  ASSERT_TRUE(eventually([&] { return hooked_->fired(); }));
  // SHIPPED commits without being published (its publisher is "late"), CANCELLED is published.
  const auto shipped = store_->compare_and_set_status("R-5", OrderStatus::kCreated,
                                                      OrderStatus::kShipped, system_now_ms());
  ASSERT_EQ(shipped.kind, StatusChangeOutcome::Kind::kChanged);
  pb::OrderUpdate cancelled;
  ASSERT_TRUE(set_status("R-5", "CANCELLED", &cancelled).ok());
  const auto updates = read_until(*stream, "R-5", "CANCELLED");
  EXPECT_EQ(summary(updates),
            (std::vector<std::pair<std::string, int64_t>>{{"SHIPPED", shipped.event.sequence},
                                                          {"CANCELLED", cancelled.sequence()}}));
  // The late publication of SHIPPED is dropped: R-6's CREATED is the next thing sent.
  hub_.publish({&shipped.event, 1});
  subscribe(*stream, "R-6", 0);
  create("R-6", "alice", 1.0f);
  pb::OrderUpdate next;
  ASSERT_TRUE(stream->Read(&next));
  EXPECT_EQ(next.order_id(), "R-6");
  context.TryCancel();
}

TEST_F(WatchResumeTest, NegativeResumePointIsInvalidArgument) {
  grpc::ClientContext context;
  auto stream = open(context);
  subscribe(*stream, "R-7", -1);
  pb::OrderUpdate update;
  while (stream->Read(&update)) {
  }
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "OrderID.after_sequence must not be negative (got -1)");
}

}  // namespace
}  // namespace orderstream::testing
