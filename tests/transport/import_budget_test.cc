// The bulk imports' shared memory budget: its arithmetic, and that over a real server concurrent
// imports batch within their share while a lone import gets the whole budget.
#include "transport/import_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

using transport::ImportBudget;

TEST(ImportBudgetTest, TheBudgetIsSharedAmongTheImportsRunning) {
  ImportBudget budget(65536);
  EXPECT_EQ(budget.batch_limit(), 65536u);  // nobody running: a first import gets it all
  {
    ImportBudget::Lease first(budget);
    EXPECT_EQ(budget.batch_limit(), 65536u);
    std::vector<std::unique_ptr<ImportBudget::Lease>> others;
    for (int i = 0; i < 7; ++i) others.push_back(std::make_unique<ImportBudget::Lease>(budget));
    EXPECT_EQ(budget.active(), 8u);
    EXPECT_EQ(budget.batch_limit(), 8192u);
  }
  EXPECT_EQ(budget.active(), 0u);
  EXPECT_EQ(budget.batch_limit(), 65536u);
}

TEST(ImportBudgetTest, ABatchNeverShrinksBelowTheMinimum) {
  ImportBudget budget(1024);
  std::vector<std::unique_ptr<ImportBudget::Lease>> leases;
  for (int i = 0; i < 100; ++i) leases.push_back(std::make_unique<ImportBudget::Lease>(budget));
  EXPECT_EQ(budget.batch_limit(), ImportBudget::kMinBatch);
  EXPECT_EQ(ImportBudget(10).orders(), ImportBudget::kMinBatch);
}

// The real store, watched (the largest batch any import committed) and with a gate: while it is
// held, every commit waits, so the test decides when commits end instead of a clock.
class GatedRecordingStore : public OrderStore {
 public:
  explicit GatedRecordingStore(OrderStore& store) : store_(store) {}

  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline&) override {
    {
      std::unique_lock lock(mutex_);
      opened_.wait(lock, [this] { return !held_; });
    }
    std::size_t seen = largest_.load();
    while (orders.size() > seen && !largest_.compare_exchange_weak(seen, orders.size())) {
    }
    return store_.create_orders(std::move(orders), now_ms);
  }
  StatusChangeOutcome do_compare_and_set_status(std::string_view id, OrderStatus expected,
                                                OrderStatus to, int64_t now_ms,
                                                const Deadline&) override {
    return store_.compare_and_set_status(id, expected, to, now_ms);
  }
  std::optional<Order> do_find_order(std::string_view id, const Deadline&) override {
    return store_.find_order(id);
  }
  std::vector<OrderEvent> do_customer_events(const EventRange& range, const Deadline&) override {
    return store_.customer_events(range);
  }
  std::vector<OrderEvent> do_events_after(int64_t after, std::size_t limit,
                                          const Deadline&) override {
    return store_.events_after(after, limit);
  }

  std::size_t take_largest_batch() { return largest_.exchange(0); }

  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    opened_.notify_all();
  }

 private:
  OrderStore& store_;
  std::atomic<std::size_t> largest_{0};
  std::mutex mutex_;
  std::condition_variable opened_;
  bool held_ = false;
};

class ImportBudgetServerTest : public ServerFixture {
 protected:
  static constexpr std::size_t kBudget = 4096;

  void configure(transport::ServerOptions& options) override {
    options.import_buffer_orders = kBudget;
  }
  OrderStore& service_store() override {
    recording_ = std::make_unique<GatedRecordingStore>(*store_);
    return *recording_;
  }

  struct Import {
    grpc::ClientContext context;
    pb::BulkProcessResult result;
    std::unique_ptr<grpc::ClientWriter<pb::Order>> writer;
    grpc::Status status;
  };

  std::unique_ptr<Import> open_import() {
    auto import = std::make_unique<Import>();
    import->context.set_deadline(in(std::chrono::seconds(60)));
    import->writer = stub_->ProcessBulkOrders(&import->context, &import->result);
    return import;
  }

  static void send(Import& import, const std::string& prefix, int count) {
    pb::Order order;
    order.set_customer_id("importer");
    order.set_total(1.0f);
    for (int i = 0; i < count; ++i) {
      order.set_order_id(prefix + std::to_string(i));
      if (!import.writer->Write(order)) break;
    }
    import.writer->WritesDone();
    import.status = import.writer->Finish();
  }

  std::unique_ptr<GatedRecordingStore> recording_;
};

// With commits held, each import commits its first order and reads on until its next batch is
// full, then stops reading; the test releases the commits only once every import stopped, so the
// next batch of each is exactly its limit, whatever the machine's speed. Each import sends just
// that much, so no batch forms after one of them ended and the others' share grew.
TEST_F(ImportBudgetServerTest, ConcurrentImportsBatchWithinTheirShare) {
  constexpr int kImports = 4;
  constexpr int kOrdersEach = 1 + static_cast<int>(kBudget / kImports);
  std::vector<std::unique_ptr<Import>> imports;
  for (int i = 0; i < kImports; ++i) imports.push_back(open_import());
  // Every import is counted before any order flows, so every batch was formed under the share.
  ASSERT_TRUE(eventually([&] { return server_->active_imports() == kImports; }));

  recording_->hold();
  std::vector<std::thread> senders;
  for (int i = 0; i < kImports; ++i) {
    senders.emplace_back(send, std::ref(*imports[i]), "C" + std::to_string(i) + "-", kOrdersEach);
  }
  const bool all_full = eventually([&] { return server_->full_imports() == kImports; });
  recording_->release();
  for (auto& sender : senders) sender.join();
  ASSERT_TRUE(all_full);

  for (const auto& import : imports) {
    ASSERT_TRUE(import->status.ok()) << import->status.error_message();
    EXPECT_EQ(import->result.success_count(), kOrdersEach);
    EXPECT_EQ(import->result.failure_count(), 0);
  }
  EXPECT_EQ(recording_->take_largest_batch(), kBudget / kImports);
  EXPECT_TRUE(eventually([&] { return server_->active_imports() == 0; }));
}

// The same with one import: it batches up to the whole budget, not a share.
TEST_F(ImportBudgetServerTest, ALoneImportGetsTheWholeBudget) {
  auto import = open_import();
  recording_->hold();
  std::thread sender(send, std::ref(*import), "L-", 12000);
  const bool full = eventually([&] { return server_->full_imports() == 1; });
  recording_->release();
  sender.join();
  ASSERT_TRUE(full);
  ASSERT_TRUE(import->status.ok()) << import->status.error_message();
  EXPECT_EQ(import->result.success_count(), 12000);
  EXPECT_EQ(recording_->take_largest_batch(), kBudget);
}

}  // namespace
}  // namespace orderstream::testing
