// A soak with a bounded time, on every store: 1,000 watch streams, continuous imports, history
// reads and status changes. The server's RSS stays flat (the curve is printed, one sample a
// second), every watcher ends with the final status of each of its orders, and no call fails.
//
// 20 s here; ORDERSTREAM_SOAK_SECONDS sets the length (scripts/soak.sh runs the long form and
// docs/RELIABILITY.md has its figures).
//
// Load: a round of 5,000 orders (50 customers) is imported every second; 1,000 of each round are
// watched, one by each stream, and move on to a final status decided by their number (SHIPPED,
// DELIVERED, CANCELLED, or staying CREATED). Each stream subscribes at the start to its order of
// every round the run may reach, so subscriptions to rounds not imported yet stay UNKNOWN until
// their CREATED arrives.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "faults/fault_client.h"
#include "support/sanitizers.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

constexpr int kStreams = 1'000;
constexpr int kRoundOrders = 5'000;
constexpr int kCustomers = 50;
constexpr int kChangers = 4;
constexpr int kHistoryReaders = 2;
// RSS may grow this much from the end of the first quarter to the end (caches fill first).
constexpr std::size_t kFlatBoundKib = 96 * 1024;

int soak_seconds() {
  const char* value = std::getenv("ORDERSTREAM_SOAK_SECONDS");
  return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : 20;
}

std::string order_id(int round, int index) {
  return "SOAK-" + std::to_string(round) + "-" + std::to_string(index);
}

// Watched order `stream` of a round ends in this status.
std::string final_status(int stream) {
  static const char* const kFinal[] = {"SHIPPED", "DELIVERED", "CANCELLED", "CREATED"};
  return kFinal[stream % 4];
}

// One watch stream, on gRPC's callback API: subscribes to its ids, then keeps the latest status
// of each and checks that sequences only grow.
class Watcher final : public grpc::ClientBidiReactor<pb::OrderID, pb::OrderUpdate> {
 public:
  Watcher(pb::OrderService::Stub& stub, std::vector<std::string> ids) : ids_(std::move(ids)) {
    context_.set_deadline(after(std::chrono::hours(24)));
    stub.async()->NotifyOrderUpdates(&context_, this);
    request_.set_id(ids_[0]);
    StartWrite(&request_);
    StartRead(&update_);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    if (!ok || ++written_ == ids_.size()) return;
    request_.set_id(ids_[written_]);
    StartWrite(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      std::lock_guard lock(mutex_);
      auto& [status, sequence] = latest_[update_.order_id()];
      if (update_.sequence() < sequence || (update_.sequence() == sequence && sequence != 0)) {
        ++out_of_order_;
      }
      status = update_.status();
      sequence = update_.sequence();
    }
    StartRead(&update_);
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard lock(mutex_);
    status_ = status;
    done_ = true;
    done_cv_.notify_all();
  }

  std::string latest(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = latest_.find(id);
    return it == latest_.end() ? "" : it->second.first;
  }
  int out_of_order() {
    std::lock_guard lock(mutex_);
    return out_of_order_;
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  // Cancels and waits (up to 30 s) for OnDone; the status the stream ended with.
  grpc::Status cancel() {
    context_.TryCancel();
    std::unique_lock lock(mutex_);
    done_cv_.wait_for(lock, std::chrono::seconds(30), [this] { return done_; });
    return done_ ? status_ : grpc::Status(grpc::StatusCode::UNKNOWN, "OnDone never came");
  }
  ~Watcher() override { cancel(); }

 private:
  grpc::ClientContext context_;
  const std::vector<std::string> ids_;
  std::size_t written_ = 0;
  pb::OrderID request_;
  pb::OrderUpdate update_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  std::map<std::string, std::pair<std::string, int64_t>> latest_;
  int out_of_order_ = 0;
  bool done_ = false;
  grpc::Status status_;
};

class SoakTest : public StoreTest {};

TEST_P(SoakTest, ThousandWatchersUnderMixedLoadStayFlatAndEndCurrent) {
  const int seconds = soak_seconds();
  const int max_rounds = seconds + 5;
  ServerProcess server(on_store(*store_, {"--sync", "normal"}));

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<pb::OrderService::Stub>> stubs;
  for (int c = 0; c < 10; ++c) {
    channels.push_back(new_channel(server.target()));
    stubs.push_back(pb::OrderService::NewStub(channels.back()));
  }
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int s = 0; s < kStreams; ++s) {
    std::vector<std::string> ids;
    for (int round = 0; round < max_rounds; ++round) ids.push_back(order_id(round, s));
    watchers.push_back(std::make_unique<Watcher>(*stubs[s % stubs.size()], std::move(ids)));
  }
  ASSERT_TRUE(eventually(
      [&] {
        for (int s = 0; s < kStreams; ++s) {
          if (watchers[s]->latest(order_id(max_rounds - 1, s)) != "UNKNOWN") return false;
        }
        return true;
      },
      std::chrono::seconds(60)))
      << "the watchers' subscriptions were not all acknowledged";

  std::atomic<bool> stop{false};
  std::atomic<int> imported_rounds{0};
  std::atomic<bool> imports_over{false};
  std::atomic<int> errors{0};
  std::mutex error_mutex;
  std::string first_error;
  auto fail = [&](const std::string& what, const grpc::Status& status) {
    std::lock_guard lock(error_mutex);
    if (errors++ == 0) first_error = what + ": " + status.error_message();
  };

  // Imports: a round a second, each order's customer one of kCustomers.
  std::thread importer([&] {
    auto next_round = std::chrono::steady_clock::now();
    for (int round = 0; round < max_rounds && !stop; ++round) {
      grpc::ClientContext context;
      context.set_deadline(after(std::chrono::seconds(60)));
      pb::BulkProcessResult answer;
      auto writer = stubs[0]->ProcessBulkOrders(&context, &answer);
      pb::Order order;
      for (int i = 0; i < kRoundOrders; ++i) {
        order.set_order_id(order_id(round, i));
        order.set_customer_id("soak-" + std::to_string(i % kCustomers));
        order.set_total(static_cast<float>(i % 100 + 1));
        if (!writer->Write(order)) break;
      }
      writer->WritesDone();
      const grpc::Status status = writer->Finish();
      if (!status.ok() || answer.success_count() != kRoundOrders) {
        fail("import of round " + std::to_string(round), status);
        return;
      }
      imported_rounds = round + 1;
      next_round += std::chrono::seconds(1);
      std::this_thread::sleep_until(next_round);
    }
  });
  auto end_imports = [&] {
    importer.join();
    imports_over = true;
  };

  // Status changes: each changer takes the watched orders s with s % kChangers == its number, of
  // each round once imported, and moves them to their final status.
  std::vector<std::thread> changers;
  for (int t = 0; t < kChangers; ++t) {
    changers.emplace_back([&, t] {
      auto& stub = *stubs[1 + t];
      int round = 0;
      while (!imports_over || round < imported_rounds) {
        if (round >= imported_rounds) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        for (int s = t; s < kStreams; s += kChangers) {
          std::vector<std::string> steps;
          if (final_status(s) != "CREATED") steps.push_back("SHIPPED");
          if (final_status(s) == "DELIVERED" || final_status(s) == "CANCELLED") {
            steps.push_back(final_status(s));
          }
          for (const auto& status : steps) {
            grpc::ClientContext context;
            context.set_deadline(after(std::chrono::seconds(30)));
            pb::OrderStatusChange change;
            change.set_order_id(order_id(round, s));
            change.set_status(status);
            pb::OrderUpdate update;
            const grpc::Status result = stub.UpdateOrderStatus(&context, change, &update);
            if (!result.ok()) fail("status change of " + change.order_id(), result);
          }
        }
        ++round;
      }
    });
  }

  // History reads of the customers in turn.
  std::atomic<int64_t> history_events{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kHistoryReaders; ++r) {
    readers.emplace_back([&, r] {
      for (int customer = r; !stop; customer = (customer + kHistoryReaders) % kCustomers) {
        if (imported_rounds == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        const History history = read_history(*stubs[5 + r], "soak-" + std::to_string(customer));
        if (!history.status.ok())
          fail("history of soak-" + std::to_string(customer), history.status);
        history_events += static_cast<int64_t>(history.events.size());
      }
    });
  }

  // The RSS curve, one sample a second for the length of the run.
  std::vector<std::size_t> curve;
  const auto start = std::chrono::steady_clock::now();
  for (int second = 1; second <= seconds; ++second) {
    std::this_thread::sleep_until(start + std::chrono::seconds(second));
    curve.push_back(server.rss_kib());
  }
  stop = true;
  end_imports();
  for (auto& changer : changers) changer.join();
  for (auto& reader : readers) reader.join();

  std::printf("soak: %d s, %d rounds of %d orders imported, %lld history events read\n", seconds,
              imported_rounds.load(), kRoundOrders, static_cast<long long>(history_events));
  std::printf("soak: RSS MiB by second:");
  for (const std::size_t kib : curve) std::printf(" %zu", kib / 1024);
  std::printf("\n");

  EXPECT_EQ(errors, 0) << first_error;
  EXPECT_GE(imported_rounds, std::min(2, seconds));
  const std::size_t quarter = curve[std::max<std::size_t>(curve.size() / 4, 1) - 1];
  const std::size_t last = curve.back();
  if (!kAddressSanitizer) {  // support/sanitizers.h: the quarantine, not the server, would grow
    EXPECT_LT(last, quarter + kFlatBoundKib)
        << "RSS grew from " << quarter / 1024 << " to " << last / 1024 << " MiB";
  }

  // Every watcher ends with the final status of each of its orders; unimported ones UNKNOWN.
  const int rounds = imported_rounds;
  auto current = [&](int s) {
    for (int round = 0; round < max_rounds; ++round) {
      const std::string expected = round < rounds ? final_status(s) : "UNKNOWN";
      if (watchers[s]->latest(order_id(round, s)) != expected) return false;
    }
    return true;
  };
  int behind = 0;
  for (int s = 0; s < kStreams; ++s) {
    if (!eventually([&] { return current(s); }, std::chrono::seconds(behind == 0 ? 60 : 1))) {
      if (++behind <= 5) ADD_FAILURE() << "watcher " << s << " did not end current";
    }
    EXPECT_EQ(watchers[s]->out_of_order(), 0) << "watcher " << s;
    EXPECT_FALSE(watchers[s]->done()) << "watcher " << s << " ended early";
  }
  EXPECT_EQ(behind, 0);
  for (auto& watcher : watchers) {
    const grpc::Status status = watcher->cancel();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, SoakTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
