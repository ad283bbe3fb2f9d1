// A subscriber that reads nothing while 100,000 updates fire, on every store. The server keeps
// one pending slot per subscription (newer updates replace older ones), so its memory is bounded
// by the subscriptions, not by the updates: the RSS growth stays under kRssGrowthBoundKib. The
// other subscribers get every final status while it stalls, and once it reads again it gets the
// latest status of each of its orders.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "faults/fault_client.h"
#include "support/sanitizers.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

constexpr int kOrders = 100'000;       // each one's CREATED is an update to the stalled streams
constexpr int kStalledStreams = 10;    // 10,000 subscriptions each
constexpr int kChangedOrders = 2'000;  // these also move on: 3,500 more updates
constexpr int64_t kRssGrowthBoundKib = 128 * 1024;  // measured: docs/RELIABILITY.md

// The status order i ends with.
std::string final_status(int i) {
  if (i >= kChangedOrders) return "CREATED";
  if (i % 4 == 1) return "CANCELLED";
  return i % 2 == 0 ? "DELIVERED" : "SHIPPED";
}

std::string order_id(int i) { return numbered_order("ST", "stall", i).order_id(); }

class StalledSubscriberTest : public StoreTest {};

TEST_P(StalledSubscriberTest, StaysBoundedAndThenGetsTheLatestStatusOfEachOrder) {
  // Small import batches, so that what grows is the subscribers' share, not the import's buffer.
  ServerProcess server(on_store(*store_, {"--sync", "normal", "--import-buffer-orders", "4096"}));

  // The stalled client: subscribes to every order, then reads nothing.
  auto stalled_stub = pb::OrderService::NewStub(new_channel(server.target()));
  std::vector<std::unique_ptr<grpc::ClientContext>> stalled_contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>>> stalled;
  constexpr int kPerStream = kOrders / kStalledStreams;
  for (int s = 0; s < kStalledStreams; ++s) {
    stalled_contexts.push_back(std::make_unique<grpc::ClientContext>());
    stalled_contexts.back()->set_deadline(after(std::chrono::seconds(120)));
    stalled.push_back(stalled_stub->NotifyOrderUpdates(stalled_contexts.back().get()));
    pb::OrderID id;
    for (int i = s * kPerStream; i < (s + 1) * kPerStream; ++i) {
      id.set_id(order_id(i));
      ASSERT_TRUE(stalled.back()->Write(id));
    }
  }

  // A healthy watcher of the orders that change, reading all along.
  auto healthy_stub = pb::OrderService::NewStub(new_channel(server.target()));
  grpc::ClientContext healthy_context;
  healthy_context.set_deadline(after(std::chrono::seconds(120)));
  auto healthy = healthy_stub->NotifyOrderUpdates(&healthy_context);
  pb::OrderID id;
  for (int i = 0; i < kChangedOrders; ++i) {
    id.set_id(order_id(i));
    ASSERT_TRUE(healthy->Write(id));
  }
  std::mutex mutex;
  std::map<std::string, std::string> healthy_latest;
  std::thread healthy_reader([&] {
    pb::OrderUpdate update;
    while (healthy->Read(&update)) {
      std::lock_guard lock(mutex);
      healthy_latest[update.order_id()] = update.status();
    }
  });
  auto healthy_has_every_final_status = [&] {
    std::lock_guard lock(mutex);
    for (int i = 0; i < kChangedOrders; ++i) {
      const auto it = healthy_latest.find(order_id(i));
      if (it == healthy_latest.end() || it->second != final_status(i)) return false;
    }
    return true;
  };
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return healthy_latest.size() == kChangedOrders;
  })) << "the healthy watcher's subscriptions were not acknowledged";

  const std::size_t baseline_kib = server.rss_kib();
  std::atomic<std::size_t> peak_kib{baseline_kib};
  std::atomic<bool> firing{true};
  std::thread sampler([&] {
    for (int sample = 0; sample < 60'000 && firing; ++sample) {
      peak_kib = std::max<std::size_t>(peak_kib, server.rss_kib());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  // The updates: 100,000 CREATED, then 3,500 status changes from 8 clients.
  const ImportResult imported = import_numbered(*healthy_stub, "ST", "stall", kOrders);
  ASSERT_TRUE(imported.status.ok()) << imported.status.error_message();
  ASSERT_EQ(imported.answer.success_count(), kOrders);
  std::atomic<int> failed_changes{0};
  std::vector<std::thread> changers;
  for (int c = 0; c < 8; ++c) {
    changers.emplace_back([&, c] {
      auto stub = pb::OrderService::NewStub(new_channel(server.target()));
      for (int i = c; i < kChangedOrders; i += 8) {
        std::vector<std::string> steps = {"SHIPPED"};
        if (final_status(i) != "SHIPPED") steps.push_back(final_status(i));
        for (const auto& status : steps) {
          grpc::ClientContext context;
          context.set_deadline(after(std::chrono::seconds(10)));
          pb::OrderStatusChange change;
          change.set_order_id(order_id(i));
          change.set_status(status);
          pb::OrderUpdate update;
          if (!stub->UpdateOrderStatus(&context, change, &update).ok()) ++failed_changes;
        }
      }
    });
  }
  for (auto& changer : changers) changer.join();
  EXPECT_EQ(failed_changes, 0);

  // The stalled client has still read nothing; the healthy one got everything.
  // Deliveries are asynchronous (the hub's lanes): the last ones may still be on their way.
  EXPECT_TRUE(eventually(healthy_has_every_final_status)) << "the healthy watcher missed updates";
  firing = false;
  sampler.join();
  const std::size_t growth_kib = peak_kib - baseline_kib;
  std::printf("stalled subscriber: RSS %zu KiB before the updates, peak %zu KiB (+%zu KiB)\n",
              baseline_kib, peak_kib.load(), growth_kib);
  if (!kAddressSanitizer) {  // support/sanitizers.h: the quarantine, not the server, would grow
    EXPECT_LT(growth_kib, kRssGrowthBoundKib);
  }

  // Now it reads: each order's latest status arrives.
  for (int s = 0; s < kStalledStreams; ++s) {
    std::map<std::string, std::string> latest;
    int settled = 0;
    pb::OrderUpdate update;
    const int first = s * kPerStream;
    while (settled < kPerStream && stalled[s]->Read(&update)) {
      const int i = std::stoi(update.order_id().substr(3));
      ASSERT_GE(i, first);
      ASSERT_LT(i, first + kPerStream);
      std::string& status = latest[update.order_id()];
      if (status != final_status(i) && update.status() == final_status(i)) ++settled;
      status = update.status();
    }
    EXPECT_EQ(settled, kPerStream) << "stream " << s;
    stalled_contexts[s]->TryCancel();
    stalled[s]->Finish();
  }
  healthy_context.TryCancel();
  healthy_reader.join();
  healthy->Finish();
}

INSTANTIATE_TEST_SUITE_P(Stores, StalledSubscriberTest,
                         ::testing::ValuesIn(available_test_stores()), store_kind_name);

}  // namespace
}  // namespace orderstream::testing
