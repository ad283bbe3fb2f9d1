// Server-level behaviour: message size limit, port conflicts, shutdown with open streams (health
// NOT_SERVING before any of them ends), and storage failures reaching clients as short
// UNAVAILABLE/INTERNAL statuses.
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "support/test_doubles.h"
#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

namespace health = ::grpc::health::v1;

using ServerTest = ServerFixture;

TEST_F(ServerTest, MessageOverTheLimitIsResourceExhausted) {
  pb::Order order;
  order.set_order_id("BIG");
  order.set_customer_id(std::string(5 * 1024 * 1024, 'x'));
  order.set_total(1.0f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  const auto status = stub_->CreateOrder(&context, order, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(create("small", "alice", 1.0f).order_id(), "small");  // still serving
}

TEST_F(ServerTest, PortInUseIsAStartupError) {
  transport::ServerOptions options;
  options.listen = server_->target();
  try {
    transport::OrderServer second(options, *orders_, hub_);
    FAIL() << "a second server bound " << options.listen;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(options.listen), std::string::npos) << e.what();
  }
  EXPECT_EQ(create("still", "alice", 1.0f).order_id(), "still");
}

TEST_F(ServerTest, ShutdownFinishesOpenStreamsWithUnavailable) {
  create("S-1", "alice", 1.0f);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  auto stream = stub_->NotifyOrderUpdates(&context);
  pb::OrderID id;
  id.set_id("S-1");
  ASSERT_TRUE(stream->Write(id));
  pb::OrderUpdate update;
  ASSERT_TRUE(stream->Read(&update));
  server_->shutdown(std::chrono::seconds(5));
  while (stream->Read(&update)) {
  }
  const auto status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server_->active_streams(), 0u);
}

// A health watch follows the storage's availability and ends at shutdown, after NOT_SERVING,
// with the shutdown status: a watcher cannot hold the shutdown for its grace period (60 s
// here; gRPC would end the watch at its end with "Cancelling all calls").
TEST_F(ServerTest, HealthWatchHearsEveryChangeAndEndsAtShutdown) {
  auto stub = health::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(30)));
  health::HealthCheckRequest request;
  request.set_service("ecommerce.orders.OrderService");
  auto watch = stub->Watch(&context, request);
  health::HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  server_->set_storage_available(false);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  server_->set_storage_available(true);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);

  server_->shutdown(std::chrono::seconds(60));
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(watch->Read(&response));
  const grpc::Status status = watch->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "Server is shutting down");
}

// As gRPC's own health service: Check of a service the server does not have is NOT_FOUND; a
// Watch of one reports SERVICE_UNKNOWN (and would report a later registration).
TEST_F(ServerTest, HealthOfAnUnknownServiceIsNotFound) {
  auto stub = health::Health::NewStub(channel_);
  health::HealthCheckRequest request;
  request.set_service("no.such.Service");
  health::HealthCheckResponse response;
  grpc::ClientContext check_context;
  EXPECT_EQ(stub->Check(&check_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext watch_context;
  watch_context.set_deadline(in(std::chrono::seconds(30)));
  auto watch = stub->Watch(&watch_context, request);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVICE_UNKNOWN);
  watch_context.TryCancel();
  while (watch->Read(&response)) {
  }
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

// Asks the server's health at the moment the server sends a stream its shutdown status: an
// interceptor runs on the thread that finishes the stream, before gRPC's own shutdown refuses new
// calls, so the check is always answered and its answer is the health of that moment.
class HealthAtShutdownStatus {
 public:
  void connect(const std::string& target) {
    channel_ = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }

  void on_status(const grpc::Status& status) {
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        status.error_message() != "Server is shutting down") {
      return;
    }
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    health::HealthCheckResponse response;
    const grpc::Status answer =
        health::Health::NewStub(channel_)->Check(&context, health::HealthCheckRequest(), &response);
    std::lock_guard lock(mutex_);
    answers_.push_back(answer.ok()
                           ? health::HealthCheckResponse::ServingStatus_Name(response.status())
                           : "no answer: " + answer.error_message());
  }

  std::vector<std::string> answers() const {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  mutable std::mutex mutex_;
  std::vector<std::string> answers_;
};

class HealthAtShutdownStatusInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit HealthAtShutdownStatusInterceptor(HealthAtShutdownStatus& health) : health_(health) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      health_.on_status(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  HealthAtShutdownStatus& health_;
};

class HealthAtShutdownStatusFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit HealthAtShutdownStatusFactory(std::shared_ptr<HealthAtShutdownStatus> health)
      : health_(std::move(health)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* /*info*/) override {
    return new HealthAtShutdownStatusInterceptor(*health_);  // gRPC owns and deletes it
  }

 private:
  std::shared_ptr<HealthAtShutdownStatus> health_;
};

class ShutdownOrderTest : public ServerFixture {
 protected:
  void configure(transport::ServerOptions& options) override {
    options.interceptors.push_back(std::make_shared<HealthAtShutdownStatusFactory>(health_));
  }
  std::shared_ptr<HealthAtShutdownStatus> health_ = std::make_shared<HealthAtShutdownStatus>();
};

// The server's promise, exactly: health is NOT_SERVING before any stream is told to finish. (A
// client cannot see this order on the wire: see tests/faults/shutdown_test.cc.)
TEST_F(ShutdownOrderTest, HealthIsNotServingBeforeAnyStreamGetsItsShutdownStatus) {
  health_->connect(server_->target());
  constexpr int kStreams = 3;
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>> stream;
  };
  std::vector<std::unique_ptr<Watch>> watches;
  pb::OrderUpdate update;
  for (int i = 0; i < kStreams; ++i) {
    const std::string order = "SO-" + std::to_string(i);
    create(order, "alice", 1.0f);
    auto& watch = watches.emplace_back(std::make_unique<Watch>());
    watch->context.set_deadline(in(std::chrono::seconds(30)));
    watch->stream = stub_->NotifyOrderUpdates(&watch->context);
    pb::OrderID id;
    id.set_id(order);
    ASSERT_TRUE(watch->stream->Write(id));
    ASSERT_TRUE(watch->stream->Read(&update));  // subscribed
  }

  server_->shutdown(std::chrono::seconds(5));

  for (auto& watch : watches) {
    while (watch->stream->Read(&update)) {
    }
    const grpc::Status status = watch->stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  }
  const std::vector<std::string> answers = health_->answers();
  EXPECT_EQ(answers.size(), static_cast<std::size_t>(kStreams));
  for (const std::string& answer : answers) EXPECT_EQ(answer, "NOT_SERVING");
}

// The status's message leaks nothing of the store's failure.
void expect_no_detail(const grpc::Status& status) {
  for (std::string_view leak : kStorageFailureLeaks) {
    EXPECT_EQ(status.error_message().find(leak), std::string::npos)
        << "message leaks '" << leak << "': " << status.error_message();
  }
}

class FailingStoreTest : public ::testing::TestWithParam<bool> {};

TEST_P(FailingStoreTest, StorageFailuresAreShortStatusesWithoutDetail) {
  const bool transient = GetParam();
  FailingOrderStore store(transient);
  EventHub hub;
  OrderService orders(store, hub);
  transport::ServerOptions options;
  options.listen = "127.0.0.1:0";
  transport::OrderServer server(options, orders, hub);
  auto stub = pb::OrderService::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
  const auto expected = transient ? grpc::StatusCode::UNAVAILABLE : grpc::StatusCode::INTERNAL;

  pb::Order order;
  order.set_customer_id("alice");
  order.set_total(1.0f);
  pb::OrderResponse response;
  grpc::ClientContext create_context;
  const auto created = stub->CreateOrder(&create_context, order, &response);
  EXPECT_EQ(created.error_code(), expected);
  expect_no_detail(created);

  grpc::ClientContext get_context;
  pb::OrderID id;
  id.set_id("G-1");
  pb::OrderDetails details;
  const auto got = stub->GetOrder(&get_context, id, &details);
  EXPECT_EQ(got.error_code(), expected);
  expect_no_detail(got);

  grpc::ClientContext history_context;
  pb::UserID user;
  user.set_id("alice");
  auto reader = stub->GetOrderHistory(&history_context, user);
  pb::OrderEvent event;
  EXPECT_FALSE(reader->Read(&event));
  const auto history = reader->Finish();
  EXPECT_EQ(history.error_code(), expected);
  expect_no_detail(history);

  grpc::ClientContext bulk_context;
  pb::BulkProcessResult result;
  auto writer = stub->ProcessBulkOrders(&bulk_context, &result);
  order.set_order_id("B-1");
  writer->Write(order);
  writer->WritesDone();
  const auto bulk = writer->Finish();
  EXPECT_EQ(bulk.error_code(), expected);
  expect_no_detail(bulk);
}

INSTANTIATE_TEST_SUITE_P(TransientAndPermanent, FailingStoreTest, ::testing::Bool());

}  // namespace
}  // namespace orderstream::testing
