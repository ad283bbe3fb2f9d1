// kill -9 of the server under load, on every store: mid-import and mid-burst of unary creates and
// status changes. After the crash the database passes its engine's integrity check, every write
// the server acknowledged is there after a restart, and retrying the import adds no duplicate.
//
// The import has 200,000 orders here; ORDERSTREAM_FAULT_IMPORT_ORDERS=1000000 runs the full-size
// form (docs/RELIABILITY.md).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "faults/fault_client.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

int64_t import_size() {
  const char* value = std::getenv("ORDERSTREAM_FAULT_IMPORT_ORDERS");
  return value != nullptr && std::atoll(value) > 0 ? std::atoll(value) : 200'000;
}

class CrashTest : public StoreTest {};

TEST_P(CrashTest, KillDuringImportKeepsWhatWasCommittedAndARetryAddsNoDuplicate) {
  const int64_t count = import_size();
  const std::string customer = "crash-import";
  // An order a quarter of the way in: once its CREATED is pushed, its batch is committed, and
  // the orders after it are still on their way.
  const std::string witness = numbered_order("IMP", customer, count / 4).order_id();
  {
    ServerProcess server(on_store(*store_));
    auto watch_stub = pb::OrderService::NewStub(new_channel(server.target()));
    grpc::ClientContext watch_context;
    watch_context.set_deadline(after(std::chrono::seconds(120)));
    auto watch = watch_stub->NotifyOrderUpdates(&watch_context);
    pb::OrderID id;
    id.set_id(witness);
    ASSERT_TRUE(watch->Write(id));
    pb::OrderUpdate update;
    ASSERT_TRUE(watch->Read(&update));
    ASSERT_EQ(update.status(), "UNKNOWN");

    ImportResult cut;
    auto import_stub = pb::OrderService::NewStub(new_channel(server.target()));
    std::thread importer([&] { cut = import_numbered(*import_stub, "IMP", customer, count); });
    const bool committed = watch->Read(&update);
    server.kill_hard();
    importer.join();
    watch->Finish();
    ASSERT_TRUE(committed) << "the witness order was never pushed";
    ASSERT_EQ(update.status(), "CREATED");
    EXPECT_FALSE(cut.status.ok()) << "the import ended before the crash: "
                                  << cut.answer.success_count();
  }
  EXPECT_EQ(store_->integrity_check(), "ok");
  {
    ServerProcess server(on_store(*store_));
    auto stub = pb::OrderService::NewStub(new_channel(server.target()));
    const ImportResult retry = import_numbered(*stub, "IMP", customer, count);
    ASSERT_TRUE(retry.status.ok()) << retry.status.error_message();
    EXPECT_EQ(retry.answer.success_count(), count);
    EXPECT_EQ(retry.answer.failure_count(), 0);

    const History history = read_history(*stub, customer);
    ASSERT_TRUE(history.status.ok()) << history.status.error_message();
    const auto by_order = events_by_order(history);
    EXPECT_EQ(by_order.size(), static_cast<std::size_t>(count));
    EXPECT_EQ(history.events.size(), static_cast<std::size_t>(count)) << "an order created twice";
    ASSERT_TRUE(by_order.contains(witness));
    EXPECT_EQ(by_order.at(witness), std::vector<std::string>{"CREATED"});
  }
  EXPECT_EQ(store_->integrity_check(), "ok");
}

// One write the server answered OK: the order, and the event it must have left.
struct Acknowledged {
  std::string customer;
  std::string order_id;
  std::string event_type;
};

TEST_P(CrashTest, KillDuringUnaryBurstLosesNoAcknowledgedCreateOrStatusChange) {
  constexpr int kClients = 8;
  constexpr int kOrdersPerClient = 100'000;  // a bound; the crash comes long before
  constexpr int kAcknowledgedBeforeKill = 1'500;
  std::mutex mutex;
  std::vector<Acknowledged> acknowledged;
  std::atomic<int> acknowledged_count{0};
  {
    ServerProcess server(on_store(*store_));
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto stub = pb::OrderService::NewStub(new_channel(server.target()));
        const std::string customer = "burst-" + std::to_string(c);
        auto acknowledge = [&](const std::string& id, const std::string& type) {
          std::lock_guard lock(mutex);
          acknowledged.push_back({customer, id, type});
          ++acknowledged_count;
        };
        for (int i = 0; i < kOrdersPerClient; ++i) {
          const pb::Order order = numbered_order("BURST-" + std::to_string(c), customer, i);
          {
            grpc::ClientContext context;
            context.set_deadline(after(std::chrono::seconds(10)));
            pb::OrderResponse response;
            if (!stub->CreateOrder(&context, order, &response).ok()) return;
            acknowledge(order.order_id(), "CREATED");
          }
          // Half the orders move on, a quarter twice: status changes interleave with creates.
          for (const char* status : {"SHIPPED", "DELIVERED"}) {
            if (i % (std::string(status) == "SHIPPED" ? 2 : 4) != 0) break;
            grpc::ClientContext context;
            context.set_deadline(after(std::chrono::seconds(10)));
            pb::OrderStatusChange change;
            change.set_order_id(order.order_id());
            change.set_status(status);
            pb::OrderUpdate update;
            if (!stub->UpdateOrderStatus(&context, change, &update).ok()) return;
            acknowledge(order.order_id(), status);
          }
        }
      });
    }
    const bool loaded = eventually([&] { return acknowledged_count >= kAcknowledgedBeforeKill; },
                                   std::chrono::seconds(60));
    server.kill_hard();
    for (auto& client : clients) client.join();
    ASSERT_TRUE(loaded) << "only " << acknowledged_count << " writes acknowledged";
  }
  EXPECT_EQ(store_->integrity_check(), "ok");

  ServerProcess server(on_store(*store_));
  auto stub = pb::OrderService::NewStub(new_channel(server.target()));
  std::map<std::string, std::map<std::string, std::vector<std::string>>> stored;
  for (int c = 0; c < kClients; ++c) {
    const std::string customer = "burst-" + std::to_string(c);
    const History history = read_history(*stub, customer);
    ASSERT_TRUE(history.status.ok()) << customer << ": " << history.status.error_message();
    stored[customer] = events_by_order(history);
  }
  int missing = 0;
  for (const auto& ack : acknowledged) {
    const auto& orders = stored[ack.customer];
    const auto it = orders.find(ack.order_id);
    const bool present = it != orders.end() && std::find(it->second.begin(), it->second.end(),
                                                         ack.event_type) != it->second.end();
    if (!present && ++missing <= 10) {
      ADD_FAILURE() << "acknowledged but lost: " << ack.order_id << " " << ack.event_type;
    }
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged writes";
}

INSTANTIATE_TEST_SUITE_P(Stores, CrashTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
