// SIGTERM under load, on every store: 100 watch streams, 10 history streams and 2 imports run when
// the signal comes. Health turns NOT_SERVING before any stream ends, every stream ends with a
// status the server sent (never a reset), each import either commits and answers or fails with a
// status (the health watches too), and the process exits 0 within its grace period.
//
// "Health first" is checked causally, not by order of arrival. The server flips its health to
// NOT_SERVING before it tells any stream to finish, but the NOT_SERVING message to an open health
// watch is a DATA frame on one HTTP/2 stream and a stream's status is a HEADERS frame on another:
// HTTP/2 flow-controls DATA (per stream and per connection) and never HEADERS, and gRPC orders
// nothing across calls. So the status of a watch may reach the client before the health message
// the server sent first on the same connection, e.g. while the history streams, resumed at the
// signal, hold the connection's send window. What a client can rely on: once it has seen a stream
// end with "Server is shutting down", a health check it makes can never answer SERVING. Each
// connection makes that check when its first stream ends that way (gRPC refuses it if it arrives
// after gRPC's own shutdown began, which shows nothing either way), and its health watch must hear
// NOT_SERVING. That the server flips health before it finishes any stream is asserted exactly, at
// the moment each stream is finished, by transport_tests' ShutdownOrderTest.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "faults/fault_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

namespace health = ::grpc::health::v1;

constexpr int kConnections = 4;
constexpr int kWatchesPerConnection = 25;   // 100 watch streams
constexpr int kHistoriesPerConnection = 3;  // 12 history streams (at least the 10 asked for)
constexpr int kHistoryEvents = 100'000;     // far more than flow control lets through unread
constexpr int kGraceMs = 10'000;

bool is_shutdown_status(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE &&
         status.error_message().starts_with("Server is shutting down");
}

// The streams of one connection, driven from one completion queue by one thread. Tags encode
// (stream index, operation).
class Connection {
 public:
  enum Op : intptr_t { kStarted, kWritten, kRead, kFinished, kOps };

  Connection(const std::string& target, int first_order)
      : channel_(new_channel(target)),
        orders_(pb::OrderService::NewStub(channel_)),
        health_(health::Health::NewStub(channel_)) {
    for (int i = 0; i < 1 + kWatchesPerConnection + kHistoriesPerConnection; ++i) {
      streams_.emplace_back();
    }
    for (auto& stream : streams_) stream.context.set_deadline(after(std::chrono::seconds(60)));
    // Stream 0: the health watch.
    health::HealthCheckRequest request;
    streams_[0].health = health_->PrepareAsyncWatch(&streams_[0].context, request, &cq_);
    for (int i = 0; i < kWatchesPerConnection; ++i) {
      Stream& stream = streams_[1 + i];
      stream.watch = orders_->PrepareAsyncNotifyOrderUpdates(&stream.context, &cq_);
      stream.subscription.set_id("SD-" + std::to_string(first_order + i));
    }
    for (int i = 0; i < kHistoriesPerConnection; ++i) {
      Stream& stream = streams_[1 + kWatchesPerConnection + i];
      pb::UserID user;
      user.set_id("shutdown-history");
      stream.history = orders_->PrepareAsyncGetOrderHistory(&stream.context, user, &cq_);
    }
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      Stream& stream = streams_[i];
      if (stream.health) stream.health->StartCall(tag(i, kStarted));
      if (stream.watch) stream.watch->StartCall(tag(i, kStarted));
      if (stream.history) stream.history->StartCall(tag(i, kStarted));
    }
    thread_ = std::thread([this] { run(); });
  }

  ~Connection() {
    for (auto& stream : streams_) stream.context.TryCancel();
    probe_context_.TryCancel();
    if (thread_.joinable()) thread_.join();
  }

  // Every stream has answered: health SERVING, each watch acknowledged, each history's first
  // event (after which history streams read nothing until resume()).
  bool ready() const { return ready_count_ == static_cast<int>(streams_.size()); }
  void resume() { resume_ = true; }
  // Waits for every stream and the health check to end (bounded by their deadlines).
  void join() { thread_.join(); }

  struct Outcome {
    std::string name;
    grpc::Status status;
    int64_t end_position = -1;
    int64_t messages = 0;
  };
  std::vector<Outcome> outcomes() const {
    std::vector<Outcome> out;
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      const Stream& stream = streams_[i];
      out.push_back({stream.health  ? "health"
                     : stream.watch ? "watch " + stream.subscription.id()
                                    : "history " + std::to_string(i),
                     stream.status, stream.end_position, stream.messages});
    }
    return out;
  }
  // Where in this connection's completions health said NOT_SERVING; -1 if it never did.
  int64_t not_serving_position() const { return not_serving_position_; }

  // The health check the connection made once the first of its streams had ended with the
  // shutdown status: whether it made one, and how it was answered. Read after join().
  struct Probe {
    bool made = false;
    grpc::Status status;
    health::HealthCheckResponse response;
  };
  const Probe& probe() const { return probe_; }

 private:
  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReader<health::HealthCheckResponse>> health;
    std::unique_ptr<grpc::ClientAsyncReaderWriter<pb::OrderID, pb::OrderUpdate>> watch;
    std::unique_ptr<grpc::ClientAsyncReader<pb::OrderEvent>> history;
    pb::OrderID subscription;
    health::HealthCheckResponse health_message;
    pb::OrderUpdate update;
    pb::OrderEvent event;
    grpc::Status status;
    int64_t messages = 0;
    int64_t end_position = -1;
    bool paused = false;  // a history stream that waits for resume() before its next read
  };

  static void* tag(std::size_t stream, Op op) {
    return reinterpret_cast<void*>(static_cast<intptr_t>(stream) * kOps + op);
  }

  void read(std::size_t i) {
    Stream& s = streams_[i];
    if (s.health) s.health->Read(&s.health_message, tag(i, kRead));
    if (s.watch) s.watch->Read(&s.update, tag(i, kRead));
    if (s.history) s.history->Read(&s.event, tag(i, kRead));
  }

  void finish(std::size_t i) {
    Stream& s = streams_[i];
    if (s.health) s.health->Finish(&s.status, tag(i, kFinished));
    if (s.watch) s.watch->Finish(&s.status, tag(i, kFinished));
    if (s.history) s.history->Finish(&s.status, tag(i, kFinished));
  }

  void start_probe() {
    probe_.made = true;
    probe_pending_ = true;
    probe_context_.set_deadline(after(std::chrono::seconds(30)));
    probe_reader_ = health_->PrepareAsyncCheck(&probe_context_, health::HealthCheckRequest(), &cq_);
    probe_reader_->StartCall();
    probe_reader_->Finish(&probe_.response, &probe_.status, tag(streams_.size(), kFinished));
  }

  void run() {
    std::size_t open = streams_.size();
    int64_t position = 0;
    while (open > 0 || probe_pending_) {
      void* raw = nullptr;
      bool ok = false;
      const auto next = cq_.AsyncNext(&raw, &ok, after(std::chrono::milliseconds(20)));
      if (next == grpc::CompletionQueue::SHUTDOWN) break;
      if (next == grpc::CompletionQueue::TIMEOUT) {
        if (resume_) {
          for (std::size_t i = 0; i < streams_.size(); ++i) {
            if (streams_[i].paused) {
              streams_[i].paused = false;
              read(i);
            }
          }
        }
        continue;
      }
      ++position;
      const auto value = reinterpret_cast<intptr_t>(raw);
      const std::size_t i = value / kOps;
      if (i == streams_.size()) {  // the health check has its answer
        probe_pending_ = false;
        continue;
      }
      Stream& s = streams_[i];
      switch (static_cast<Op>(value % kOps)) {
        case kStarted:
          if (!ok) {
            finish(i);
          } else if (s.watch) {
            s.watch->Write(s.subscription, tag(i, kWritten));
          } else {
            read(i);
          }
          break;
        case kWritten:
          ok ? read(i) : finish(i);
          break;
        case kRead:
          if (!ok) {
            finish(i);
            break;
          }
          if (++s.messages == 1) ++ready_count_;
          if (s.health && s.health_message.status() != health::HealthCheckResponse::SERVING &&
              not_serving_position_ < 0) {
            not_serving_position_ = position;
          }
          if (s.history && s.messages == 1 && !resume_) {
            s.paused = true;
          } else {
            read(i);
          }
          break;
        case kFinished:
          s.end_position = position;
          --open;
          if (!s.health && !probe_.made && is_shutdown_status(s.status)) start_probe();
          break;
        case kOps:
          break;
      }
    }
    cq_.Shutdown();
    void* ignored_tag = nullptr;
    bool ignored_ok = false;
    while (cq_.Next(&ignored_tag, &ignored_ok)) {
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::OrderService::Stub> orders_;
  std::unique_ptr<health::Health::Stub> health_;
  grpc::CompletionQueue cq_;
  std::deque<Stream> streams_;  // deque: a Stream cannot move
  std::atomic<int> ready_count_{0};
  std::atomic<bool> resume_{false};
  int64_t not_serving_position_ = -1;  // written by the thread, read after join()
  grpc::ClientContext probe_context_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<health::HealthCheckResponse>> probe_reader_;
  Probe probe_;                 // written by the thread, read after join()
  bool probe_pending_ = false;  // only the thread uses it
  std::thread thread_;
};

class ShutdownTest : public StoreTest {};

TEST_P(ShutdownTest, SigtermUnderLoadEndsEveryStreamWithAStatusAndExitsZero) {
  ServerProcess server(on_store(*store_, {"--shutdown-grace-ms", std::to_string(kGraceMs)}));
  auto stub = pb::OrderService::NewStub(new_channel(server.target()));
  // The orders the watches follow, and a history long enough to stay open while unread.
  const ImportResult orders =
      import_numbered(*stub, "SD", "shutdown-watch", kConnections * kWatchesPerConnection);
  ASSERT_TRUE(orders.status.ok()) << orders.status.error_message();
  const ImportResult history = import_numbered(*stub, "SDH", "shutdown-history", kHistoryEvents);
  ASSERT_TRUE(history.status.ok()) << history.status.error_message();

  // Two imports under way: each has committed a batch (its 1,000th order was pushed as CREATED)
  // and is still sending when the signal comes.
  grpc::ClientContext witness_context;
  witness_context.set_deadline(after(std::chrono::seconds(60)));
  auto witness = stub->NotifyOrderUpdates(&witness_context);
  for (const char* prefix : {"SDA", "SDB"}) {
    pb::OrderID id;
    id.set_id(std::string(prefix) + "-1000");
    ASSERT_TRUE(witness->Write(id));
  }
  pb::OrderUpdate update;
  for (int acks = 0; acks < 2; ++acks) ASSERT_TRUE(witness->Read(&update));
  std::vector<ImportResult> imports(2);
  std::vector<std::thread> importers;
  for (int i = 0; i < 2; ++i) {
    importers.emplace_back([&, i] {
      auto import_stub = pb::OrderService::NewStub(new_channel(server.target()));
      imports[i] =
          import_numbered(*import_stub, i == 0 ? "SDA" : "SDB", "shutdown-import", 50'000'000);
    });
  }
  for (int created = 0; created < 2; ++created) {
    ASSERT_TRUE(witness->Read(&update));
    ASSERT_EQ(update.status(), "CREATED") << update.order_id();
  }

  std::vector<std::unique_ptr<Connection>> connections;
  for (int c = 0; c < kConnections; ++c) {
    connections.push_back(std::make_unique<Connection>(server.target(), c * kWatchesPerConnection));
  }
  ASSERT_TRUE(eventually([&] {
    for (const auto& connection : connections) {
      if (!connection->ready()) return false;
    }
    return true;
  })) << "streams did not open";

  server.signal(SIGTERM);
  for (auto& connection : connections) connection->resume();
  for (auto& connection : connections) connection->join();
  for (auto& importer : importers) importer.join();
  while (witness->Read(&update)) {
  }
  const grpc::Status witness_status = witness->Finish();

  const int exit_status = server.wait_for_exit(kGraceMs + 5'000);
  ASSERT_NE(exit_status, -1) << "no exit within the grace period";
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << exit_status;

  EXPECT_TRUE(is_shutdown_status(witness_status)) << witness_status.error_message();
  int watches = 0, histories = 0;
  int checks_answered = 0;            // the rest came after gRPC had begun refusing calls
  int ended_before_health_heard = 0;  // streams whose status arrived before NOT_SERVING did
  for (const auto& connection : connections) {
    const int64_t not_serving = connection->not_serving_position();
    EXPECT_GT(not_serving, 0) << "health never said NOT_SERVING";
    const Connection::Probe& probe = connection->probe();
    EXPECT_TRUE(probe.made) << "no stream ended with the shutdown status";
    EXPECT_FALSE(probe.status.ok() &&
                 probe.response.status() == health::HealthCheckResponse::SERVING)
        << "health answered SERVING after a stream had ended with \"Server is shutting down\"";
    if (probe.status.ok()) ++checks_answered;
    for (const auto& outcome : connection->outcomes()) {
      if (outcome.name == "health") {
        // The health watch ends too, with the shutdown status, not at the end of the grace.
        EXPECT_TRUE(is_shutdown_status(outcome.status))
            << outcome.status.error_code() << " " << outcome.status.error_message();
        continue;
      }
      outcome.name.starts_with("watch") ? ++watches : ++histories;
      // A history that got to its end first would be fine too; none does while unread.
      EXPECT_TRUE(is_shutdown_status(outcome.status))
          << outcome.name << ": " << outcome.status.error_code() << " "
          << outcome.status.error_message();
      // Not an error (see the top of the file); recorded as a property of the test.
      if (not_serving < 0 || outcome.end_position < not_serving) ++ended_before_health_heard;
    }
  }
  EXPECT_EQ(watches, kConnections * kWatchesPerConnection);
  EXPECT_GE(histories, 10);
  RecordProperty("health_checks_answered", checks_answered);
  RecordProperty("streams_ended_before_not_serving_arrived", ended_before_health_heard);

  for (const auto& result : imports) {
    if (result.status.ok()) {
      EXPECT_EQ(result.answer.success_count(), result.sent);
    } else {
      EXPECT_TRUE(is_shutdown_status(result.status)) << result.status.error_message();
    }
  }
  EXPECT_EQ(store_->integrity_check(), "ok");

  // Whatever an import was answered OK for is stored.
  ServerProcess restarted(on_store(*store_));
  auto after_stub = pb::OrderService::NewStub(new_channel(restarted.target()));
  const History stored = read_history(*after_stub, "shutdown-import");
  ASSERT_TRUE(stored.status.ok()) << stored.status.error_message();
  int64_t answered = 0;
  for (const auto& result : imports) answered += result.status.ok() ? result.sent : 0;
  EXPECT_GE(static_cast<int64_t>(stored.events.size()), answered);
}

INSTANTIATE_TEST_SUITE_P(Stores, ShutdownTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
