// The server binary with --metrics-listen: a scrape over HTTP reports exactly the calls, orders,
// events and streams (watches, followed histories) the test made.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "order_service.grpc.pb.h"
#include "scrape.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
using namespace std::chrono_literals;

constexpr char kService[] = "ecommerce.orders.OrderService";

Labels method(const std::string& name) { return {{"service", kService}, {"method", name}}; }
Labels call(const std::string& name, const std::string& code) {
  return {{"service", kService}, {"method", name}, {"code", code}};
}

std::chrono::system_clock::time_point in(std::chrono::milliseconds delay) {
  return std::chrono::system_clock::now() + delay;
}

// Polls `condition` every 20 ms for at most 10 s; true once it holds.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "orderstream-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // The server writes the metrics port before its gRPC port, which ServerProcess waits for.
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--metrics-listen", "127.0.0.1:0", "--metrics-port-file", dir_ + "/metrics-port"});
    std::ifstream(dir_ + "/metrics-port") >> metrics_port_;
    ASSERT_GT(metrics_port_, 0);
    stub_ = pb::OrderService::NewStub(
        grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status create(const std::string& id, const std::string& customer) {
    pb::Order order;
    order.set_order_id(id);
    order.set_customer_id(customer);
    order.set_total(10);
    pb::OrderResponse response;
    grpc::ClientContext context;
    context.set_deadline(in(10s));
    return stub_->CreateOrder(&context, order, &response);
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
  int metrics_port_ = 0;
  std::unique_ptr<pb::OrderService::Stub> stub_;
};

TEST_F(MetricsEndpointTest, CountsWhatTheClientDid) {
  constexpr int kCreated = 3, kInvalid = 2, kImported = 5;
  for (int i = 0; i < kCreated; ++i) {
    ASSERT_TRUE(create("m-" + std::to_string(i), "alice").ok());
  }
  for (int i = 0; i < kInvalid; ++i) {
    EXPECT_EQ(create("bad-" + std::to_string(i), "").error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    context.set_deadline(in(30s));
    pb::BulkProcessResult result;
    auto writer = stub_->ProcessBulkOrders(&context, &result);
    pb::Order order;
    for (int i = 0; i < kImported; ++i) {
      order.set_order_id("b-" + std::to_string(i));
      order.set_customer_id("bob");
      order.set_total(1.5f);
      ASSERT_TRUE(writer->Write(order));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(result.success_count(), kImported);
  }

  // A watcher of m-0 sees its acknowledgement, then the status change the test makes.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(in(60s));
  auto watch = stub_->NotifyOrderUpdates(&watch_context);
  pb::OrderID id;
  id.set_id("m-0");
  ASSERT_TRUE(watch->Write(id));
  pb::OrderUpdate update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), "CREATED");
  {
    pb::OrderStatusChange change;
    change.set_order_id("m-0");
    change.set_status("SHIPPED");
    grpc::ClientContext context;
    context.set_deadline(in(10s));
    ASSERT_TRUE(stub_->UpdateOrderStatus(&context, change, &update).ok());
  }
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), "SHIPPED");

  // The server counts a message sent when its write completes, which may come after the client
  // has read it: the scrape waits for the watch's second write to be counted.
  Scrape scrape;
  EXPECT_TRUE(eventually([&] {
    scrape = Scrape::get(metrics_port_);
    return scrape.value("orderstream_rpc_messages_sent_total", method("NotifyOrderUpdates")) == 2;
  }));
  EXPECT_EQ(scrape.value("orderstream_rpcs_total", call("CreateOrder", "OK")), kCreated);
  EXPECT_EQ(scrape.value("orderstream_rpcs_total", call("CreateOrder", "INVALID_ARGUMENT")),
            kInvalid);
  EXPECT_EQ(scrape.value("orderstream_rpcs_total", call("ProcessBulkOrders", "OK")), 1);
  EXPECT_EQ(scrape.value("orderstream_rpcs_total", call("UpdateOrderStatus", "OK")), 1);
  EXPECT_EQ(scrape.value("orderstream_rpc_duration_seconds_count", method("CreateOrder")),
            kCreated + kInvalid);
  EXPECT_EQ(scrape.value("orderstream_rpc_messages_received_total", method("ProcessBulkOrders")),
            kImported);
  EXPECT_EQ(scrape.value("orderstream_rpc_messages_sent_total", method("CreateOrder")), kCreated);
  EXPECT_EQ(scrape.value("orderstream_open_streams", method("NotifyOrderUpdates")), 1);
  EXPECT_EQ(scrape.value("orderstream_open_streams", method("ProcessBulkOrders")), 0);
  EXPECT_EQ(scrape.value("orderstream_orders_imported_total"), kImported);
  // One CREATED per new order, one SHIPPED; the watcher got the SHIPPED one.
  EXPECT_EQ(scrape.value("orderstream_events_published_total"), kCreated + kImported + 1);
  EXPECT_EQ(scrape.value("orderstream_event_deliveries_total"), 1);
  EXPECT_EQ(scrape.value("orderstream_watch_subscriptions"), 1);
  EXPECT_EQ(scrape.value("orderstream_history_followers"), 0);  // a watch is no follower
  EXPECT_EQ(scrape.value("orderstream_watch_queued_updates"), 0);
  EXPECT_EQ(scrape.value("orderstream_watch_updates_conflated_total"), 0);
  // Invalid orders never reach the database: 3 single creates and one batch of 5.
  EXPECT_EQ(
      scrape.value("orderstream_db_commit_batch_orders_sum", {{"operation", "create_orders"}}),
      kCreated + kImported);
  EXPECT_EQ(
      scrape.value("orderstream_db_commit_duration_seconds_count", {{"operation", "set_status"}}),
      1);
  EXPECT_GT(
      scrape.value("orderstream_db_commit_duration_seconds_sum", {{"operation", "create_orders"}})
          .value_or(0),
      0);

  // Cancelled, the stream is counted as finished and no longer open.
  watch_context.TryCancel();
  EXPECT_FALSE(watch->Read(&update));
  EXPECT_TRUE(eventually([&] {
    const Scrape after = Scrape::get(metrics_port_);
    return after.value("orderstream_open_streams", method("NotifyOrderUpdates")) == 0 &&
           after.value("orderstream_rpcs_total", call("NotifyOrderUpdates", "CANCELLED")) == 1;
  }));
}

TEST_F(MetricsEndpointTest, CountsFollowedHistoryStreamsWhileTheyAreOpen) {
  const auto followers = [&] {
    return Scrape::get(metrics_port_).value("orderstream_history_followers");
  };
  EXPECT_EQ(followers(), 0);
  ASSERT_TRUE(create("f-1", "carol").ok());

  grpc::ClientContext context;
  context.set_deadline(in(60s));
  pb::UserID user;
  user.set_id("carol");
  user.set_follow(true);
  auto reader = stub_->GetOrderHistory(&context, user);
  pb::OrderEvent event;
  ASSERT_TRUE(reader->Read(&event));  // the history, then the stream waits for carol's next event
  EXPECT_EQ(event.order_id(), "f-1");
  EXPECT_TRUE(eventually([&] { return followers() == 1; }));

  // Cancelled (how a follower leaves), the stream no longer counts.
  context.TryCancel();
  for (int i = 0; i < 100 && reader->Read(&event); ++i) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(eventually([&] { return followers() == 0; }));
}

TEST_F(MetricsEndpointTest, AnUnknownMethodIsCountedWithoutItsName) {
  grpc::GenericStub generic(
      grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(in(10s));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status;
  bool done = false;
  std::mutex mutex;
  std::condition_variable cv;
  generic.UnaryCall(&context, "/attacker.Chosen/Name123", grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) {
                      std::lock_guard lock(mutex);
                      status = std::move(s);
                      done = true;
                      cv.notify_one();
                    });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return done; }));
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  const Scrape scrape = Scrape::get(metrics_port_);
  EXPECT_EQ(scrape.text().find("Name123"), std::string::npos);
  EXPECT_EQ(
      scrape.value("orderstream_rpcs_total",
                   {{"service", "unknown"}, {"method", "unknown"}, {"code", "UNIMPLEMENTED"}}),
      1);
}

TEST(MetricsListenTest, AnAddressInUseOrMalformedStopsStartUp) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t size = sizeof address;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  std::string pattern = (std::filesystem::temp_directory_path() / "orderstream-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);

  const auto in_use = run_command({ORDERSTREAM_SERVER_BIN, "--listen", "127.0.0.1:0", "--db",
                                   pattern + "/orders.db", "--metrics-listen", taken});
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.err.find("cannot serve metrics on " + taken + ": Address already in use"),
            std::string::npos)
      << in_use.err;

  const auto malformed = run_command({ORDERSTREAM_SERVER_BIN, "--listen", "127.0.0.1:0", "--db",
                                      pattern + "/orders.db", "--metrics-listen", "localhost"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("--metrics-listen 'localhost': expected HOST:PORT"),
            std::string::npos)
      << malformed.err;
  close(fd);
  std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace orderstream::testing
