// orderstream.bench.TransportBench, the no-database ceilings orderstream-bench measures: served
// only when the server is given it as an extra service (the benchmark server's --bench-transport),
// History streams synthetic events, and Publish reaches the real watch streams through the event
// hub without a commit.
#include <memory>

#include "transport/server_fixture.h"
#include "transport/transport_bench_service.h"
#include "transport_bench.grpc.pb.h"

namespace orderstream::testing {
namespace {

namespace bench = ::orderstream::bench;

class TransportBenchTest : public ServerFixture {
 protected:
  void configure(transport::ServerOptions& options) override {
    options.extra_services.push_back([](EventHub& hub, Executor& executor) {
      return std::make_unique<transport::TransportBenchService>(hub, executor);
    });
  }

  grpc::Status publish(const std::string& order_id, const std::string& status, int64_t sequence) {
    auto stub = bench::TransportBench::NewStub(channel_);
    pb::OrderUpdate update;
    update.set_order_id(order_id);
    update.set_status(status);
    update.set_sequence(sequence);
    update.set_updated_at(1'700'000'000'000);
    bench::PublishResult ignored;
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    return stub->Publish(&context, update, &ignored);
  }
};

TEST_F(TransportBenchTest, HistoryStreamsTheRequestedCountNewestFirst) {
  auto stub = bench::TransportBench::NewStub(channel_);
  bench::HistoryRequest request;
  request.set_count(3);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  auto reader = stub->History(&context, request);
  std::vector<int64_t> sequences;
  pb::OrderEvent event;
  while (reader->Read(&event)) sequences.push_back(event.sequence());
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(sequences, (std::vector<int64_t>{3, 2, 1}));
}

TEST_F(TransportBenchTest, PublishReachesWatchStreamsWithoutACommit) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  id.set_id("P-1");
  ASSERT_TRUE(stream->Write(id));
  pb::OrderUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.status(), "UNKNOWN");

  ASSERT_TRUE(publish("P-1", "SHIPPED", 7).ok());
  ASSERT_TRUE(stream->Read(&update));
  EXPECT_EQ(update.order_id(), "P-1");
  EXPECT_EQ(update.status(), "SHIPPED");
  EXPECT_EQ(update.sequence(), 7);
  EXPECT_EQ(update.updated_at(), 1'700'000'000'000);
  context.TryCancel();
  EXPECT_FALSE(orders_->find_order("P-1").value().has_value()) << "nothing was stored";
}

TEST_F(TransportBenchTest, PublishOfAnUnknownStatusIsInvalidArgument) {
  EXPECT_EQ(publish("P-2", "TELEPORTED", 1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

using TransportBenchOffTest = ServerFixture;

TEST_F(TransportBenchOffTest, NotServedByDefault) {
  auto stub = bench::TransportBench::NewStub(channel_);
  pb::OrderUpdate update;
  update.set_order_id("P-3");
  update.set_status("SHIPPED");
  bench::PublishResult ignored;
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  EXPECT_EQ(stub->Publish(&context, update, &ignored).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace orderstream::testing
