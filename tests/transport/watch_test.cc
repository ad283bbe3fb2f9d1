// NotifyOrderUpdates end to end: acknowledgement, pushes, shared channel, subscribe-before-create,
// half-close semantics.
#include <map>
#include <thread>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using WatchTest = ServerFixture;
using Stream = grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>;

struct Watch {
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream;
};

std::unique_ptr<Watch> watch(pb::OrderService::Stub& stub, const std::vector<std::string>& ids) {
  auto w = std::make_unique<Watch>();
  w->context.set_deadline(in(std::chrono::seconds(30)));
  w->stream = stub.NotifyOrderUpdates(&w->context);
  pb::OrderID id;
  for (const auto& order_id : ids) {
    id.set_id(order_id);
    EXPECT_TRUE(w->stream->Write(id));
  }
  return w;
}

pb::OrderUpdate next(Watch& w) {
  pb::OrderUpdate update;
  EXPECT_TRUE(w.stream->Read(&update));
  return update;
}

TEST_F(WatchTest, SubscriptionIsAcknowledgedWithTheCurrentStatusThenPushed) {
  create("W-1", "alice", 3.0f);
  ASSERT_TRUE(set_status("W-1", "SHIPPED").ok());
  auto w = watch(*stub_, {"W-1"});
  const auto ack = next(*w);
  EXPECT_EQ(ack.order_id(), "W-1");
  EXPECT_EQ(ack.status(), "SHIPPED");
  EXPECT_GT(ack.sequence(), 0);
  pb::OrderUpdate changed;
  ASSERT_TRUE(set_status("W-1", "DELIVERED", &changed).ok());
  const auto pushed = next(*w);
  EXPECT_EQ(pushed.status(), "DELIVERED");
  EXPECT_EQ(pushed.sequence(), changed.sequence());
  w->context.TryCancel();
}

TEST_F(WatchTest, SubscribeBeforeCreateGetsUnknownThenCreated) {
  auto w = watch(*stub_, {"LATER"});
  const auto ack = next(*w);
  EXPECT_EQ(ack.order_id(), "LATER");
  EXPECT_EQ(ack.status(), "UNKNOWN");
  EXPECT_EQ(ack.sequence(), 0);
  create("LATER", "alice", 2.0f);
  const auto created = next(*w);
  EXPECT_EQ(created.order_id(), "LATER");
  EXPECT_EQ(created.status(), "CREATED");
  EXPECT_GT(created.sequence(), 0);
  w->context.TryCancel();
}

TEST_F(WatchTest, BulkImportPushesCreatedToEarlySubscribers) {
  auto w = watch(*stub_, {"BULK-7"});
  EXPECT_EQ(next(*w).status(), "UNKNOWN");
  ASSERT_EQ(bulk_create("BULK-", "alice", 10).success_count(), 10);
  const auto created = next(*w);
  EXPECT_EQ(created.order_id(), "BULK-7");
  EXPECT_EQ(created.status(), "CREATED");
  w->context.TryCancel();
}

TEST_F(WatchTest, TwoStreamsOnOneChannelBothGetTheUpdate) {
  create("W-2", "alice", 3.0f);
  auto first = watch(*stub_, {"W-2"});
  auto second = watch(*stub_, {"W-2"});
  EXPECT_EQ(next(*first).status(), "CREATED");
  EXPECT_EQ(next(*second).status(), "CREATED");
  ASSERT_TRUE(set_status("W-2", "CANCELLED").ok());
  const auto a = next(*first);
  const auto b = next(*second);
  EXPECT_EQ(a.status(), "CANCELLED");
  EXPECT_EQ(b.status(), "CANCELLED");
  EXPECT_EQ(a.sequence(), b.sequence());
  first->context.TryCancel();
  second->context.TryCancel();
}

TEST_F(WatchTest, HalfCloseKeepsTheStreamPushing) {
  create("W-3", "alice", 3.0f);
  auto w = watch(*stub_, {"W-3"});
  ASSERT_TRUE(w->stream->WritesDone());  // no more subscriptions, but keep listening
  EXPECT_EQ(next(*w).status(), "CREATED");
  ASSERT_TRUE(set_status("W-3", "SHIPPED").ok());
  EXPECT_EQ(next(*w).status(), "SHIPPED");
  w->context.TryCancel();
  pb::OrderUpdate ignored;
  while (w->stream->Read(&ignored)) {
  }
  EXPECT_EQ(w->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
  EXPECT_TRUE(eventually([&] { return hub_.subscription_count() == 0; }));
}

TEST_F(WatchTest, UpdatesOfOneOrderArriveInSequenceOrder) {
  create("W-4", "alice", 3.0f);
  create("W-5", "alice", 3.0f);
  auto w = watch(*stub_, {"W-4", "W-5"});
  std::thread changer([&] {
    for (const char* status : {"SHIPPED", "DELIVERED"}) {
      EXPECT_TRUE(set_status("W-4", status).ok());
      EXPECT_TRUE(set_status("W-5", status).ok());
    }
  });
  changer.join();
  // Whatever was conflated, each order's sequences increase and each ends DELIVERED.
  std::map<std::string, pb::OrderUpdate> last;
  while (last["W-4"].status() != "DELIVERED" || last["W-5"].status() != "DELIVERED") {
    const auto update = next(*w);
    ASSERT_FALSE(update.order_id().empty());
    EXPECT_GT(update.sequence(), last[update.order_id()].sequence());
    last[update.order_id()] = update;
  }
  w->context.TryCancel();
}

TEST_F(WatchTest, DeadlineEndsTheStream) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::milliseconds(200)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  id.set_id("W-6");
  ASSERT_TRUE(stream->Write(id));
  pb::OrderUpdate update;
  while (stream->Read(&update)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(eventually([&] { return server_->active_streams() == 0; }));
}

TEST_F(WatchTest, EmptyIdIsInvalidArgument) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  stream->Write(id);
  pb::OrderUpdate update;
  while (stream->Read(&update)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace orderstream::testing
