// GetOrderHistory end to end: ordering, paging, NOT_FOUND, cancellation and deadlines.
#include <thread>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using HistoryTest = ServerFixture;

std::vector<pb::OrderEvent> read_history(pb::OrderService::Stub& stub, const pb::UserID& user,
                                         grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  auto reader = stub.GetOrderHistory(&context, user);
  std::vector<pb::OrderEvent> events;
  pb::OrderEvent event;
  while (reader->Read(&event)) events.push_back(event);
  *status = reader->Finish();
  return events;
}

std::vector<pb::OrderEvent> read_history(pb::OrderService::Stub& stub, const std::string& customer,
                                         grpc::Status* status) {
  pb::UserID user;
  user.set_id(customer);
  return read_history(stub, user, status);
}

std::vector<int64_t> sequences_of(const std::vector<pb::OrderEvent>& events) {
  std::vector<int64_t> out;
  for (const auto& event : events) out.push_back(event.sequence());
  return out;
}

pb::UserID ranged(const std::string& customer, int64_t after, int64_t before, uint32_t limit,
                  bool oldest_first) {
  pb::UserID user;
  user.set_id(customer);
  user.set_after_sequence(after);
  user.set_before_sequence(before);
  user.set_limit(limit);
  user.set_oldest_first(oldest_first);
  return user;
}

TEST_F(HistoryTest, UnknownCustomerIsNotFound) {
  grpc::Status status;
  const auto events = read_history(*stub_, "nobody", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "User nobody not found");
  EXPECT_TRUE(events.empty());
}

TEST_F(HistoryTest, EveryEventNewestFirstAcrossPages) {
  // 1,500 orders with 2 events each, plus another customer's: several pages of the history.
  ASSERT_EQ(bulk_create("A-", "alice", 1500).success_count(), 1500);
  ASSERT_EQ(bulk_create("B-", "bob", 10).success_count(), 10);
  for (int i = 0; i < 1500; i += 3)
    ASSERT_TRUE(set_status("A-" + std::to_string(i), "SHIPPED").ok());

  grpc::Status status;
  const auto events = read_history(*stub_, "alice", &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(events.size(), 1500u + 500u);
  int shipped = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(events[i].sequence(), events[i - 1].sequence()) << i;
    }
    EXPECT_EQ(events[i].order_id().rfind("A-", 0), 0u);
    EXPECT_GT(events[i].timestamp(), 0);
    shipped += events[i].event_type() == "SHIPPED";
  }
  EXPECT_EQ(shipped, 500);
  EXPECT_EQ(events.front().event_type(), "SHIPPED");  // the newest event
  EXPECT_EQ(events.back().event_type(), "CREATED");   // the oldest
  EXPECT_EQ(events.back().order_id(), "A-0");
}

TEST_F(HistoryTest, PagingFieldsSelectARangeInEitherOrder) {
  // More than one server page (1,024) in the window, so the cursor moves inside a call too.
  ASSERT_EQ(bulk_create("A-", "alice", 1300).success_count(), 1300);
  ASSERT_EQ(bulk_create("B-", "bob", 5).success_count(), 5);
  grpc::Status status;
  const auto all = sequences_of(read_history(*stub_, "alice", &status));
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(all.size(), 1300u);
  const std::vector<int64_t> oldest(all.rbegin(), all.rend());

  EXPECT_EQ(sequences_of(read_history(*stub_, ranged("alice", 0, 0, 0, true), &status)), oldest);
  EXPECT_TRUE(status.ok());
  // after/before are exclusive; limit counts from the side the order starts at.
  const int64_t after = oldest[9];
  const int64_t before = oldest[1210];
  const std::vector<int64_t> window(oldest.begin() + 10, oldest.begin() + 1210);
  EXPECT_EQ(sequences_of(read_history(*stub_, ranged("alice", after, before, 0, true), &status)),
            window);
  EXPECT_EQ(sequences_of(read_history(*stub_, ranged("alice", after, before, 1100, true), &status)),
            std::vector<int64_t>(window.begin(), window.begin() + 1100));
  EXPECT_EQ(sequences_of(read_history(*stub_, ranged("alice", after, before, 3, false), &status)),
            (std::vector<int64_t>{window.rbegin(), window.rbegin() + 3}));

  // Paging newest first with before = the last sequence received walks the whole history once.
  std::vector<int64_t> paged;
  int64_t cursor = 0;
  for (int round = 0; round < 10; ++round) {
    const auto page = read_history(*stub_, ranged("alice", 0, cursor, 500, false), &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& event : page) paged.push_back(event.sequence());
    if (page.size() < 500) break;
    cursor = page.back().sequence();
  }
  EXPECT_EQ(paged, all);
}

TEST_F(HistoryTest, AnEmptyRangeIsOkForAKnownCustomerAndNotFoundForAnUnknownOne) {
  create("A-1", "alice", 1.0f);
  grpc::Status status;
  auto last = read_history(*stub_, "alice", &status);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_TRUE(
      read_history(*stub_, ranged("alice", last[0].sequence(), 0, 0, true), &status).empty());
  EXPECT_TRUE(status.ok()) << status.error_message();
  read_history(*stub_, ranged("nobody", 5, 0, 10, true), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "User nobody not found");
}

TEST_F(HistoryTest, NegativeSequencesAreInvalidArgument) {
  create("A-1", "alice", 1.0f);
  grpc::Status status;
  read_history(*stub_, ranged("alice", -1, 0, 0, false), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "UserID.after_sequence must not be negative (got -1)");
  read_history(*stub_, ranged("alice", 0, -7, 0, false), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(HistoryTest, ClientCancelStopsTheStreamAndFreesIt) {
  ASSERT_EQ(bulk_create("A-", "alice", 20000).success_count(), 20000);
  {
    grpc::ClientContext context;
    pb::UserID user;
    user.set_id("alice");
    auto reader = stub_->GetOrderHistory(&context, user);
    pb::OrderEvent event;
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(reader->Read(&event));
    EXPECT_TRUE(eventually([&] { return server_->active_streams() == 1; }));
    context.TryCancel();
    while (reader->Read(&event)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
  EXPECT_EQ(create("after", "alice", 1.0f).order_id(), "after");  // still serving
}

TEST_F(HistoryTest, DeadlineEndsALongHistory) {
  ASSERT_EQ(bulk_create("A-", "alice", 20000).success_count(), 20000);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::milliseconds(50)));
  pb::UserID user;
  user.set_id("alice");
  auto reader = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  int received = 0;
  while (reader->Read(&event)) {
    ++received;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a slow reader
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(received, 20000);
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
}

TEST_F(HistoryTest, EmptyCustomerIdIsInvalidArgument) {
  grpc::Status status;
  read_history(*stub_, "", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace orderstream::testing
