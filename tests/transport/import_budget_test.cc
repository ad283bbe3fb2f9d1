// The bulk imports' shared memory budget: its arithmetic, and that over a real server concurrent
// imports batch within their share while a lone import gets the whole budget.
#include "transport/import_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
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

// The real store, made slow so that a fast client always fills its batch while a commit runs, and
// watched: the largest batch any import committed.
class SlowRecordingStore : public OrderStore {
 public:
  explicit SlowRecordingStore(OrderStore& store) : store_(store) {}

  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::size_t seen = largest_.load();
    while (orders.size() > seen && !largest_.compare_exchange_weak(seen, orders.size())) {
    }
    const std::size_t count = orders.size();
    auto outcomes = store_.create_orders(std::move(orders), now_ms);
    committed_ += count;
    return outcomes;
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
  std::size_t committed() const { return committed_.load(); }

 private:
  OrderStore& store_;
  std::atomic<std::size_t> largest_{0};
  std::atomic<std::size_t> committed_{0};
};

class ImportBudgetServerTest : public ServerFixture {
 protected:
  static constexpr std::size_t kBudget = 4096;

  void configure(transport::ServerOptions& options) override {
    options.import_buffer_orders = kBudget;
  }
  OrderStore& service_store() override {
    recording_ = std::make_unique<SlowRecordingStore>(*store_);
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

  // Sends `count` orders; with `before_half_close`, waits for it before ending the stream.
  static void send(Import& import, const std::string& prefix, int count,
                   const std::function<void()>& before_half_close = {}) {
    pb::Order order;
    order.set_customer_id("importer");
    order.set_total(1.0f);
    for (int i = 0; i < count; ++i) {
      order.set_order_id(prefix + std::to_string(i));
      if (!import.writer->Write(order)) break;
    }
    if (before_half_close) before_half_close();
    import.writer->WritesDone();
    import.status = import.writer->Finish();
  }

  std::unique_ptr<SlowRecordingStore> recording_;
};

TEST_F(ImportBudgetServerTest, ConcurrentImportsBatchWithinTheirShare) {
  constexpr int kImports = 4;
  constexpr int kOrdersEach = 6000;
  std::vector<std::unique_ptr<Import>> imports;
  for (int i = 0; i < kImports; ++i) imports.push_back(open_import());
  // Every import is counted before any order flows, so every batch was formed under the share.
  ASSERT_TRUE(eventually([&] { return server_->active_imports() == kImports; }));

  // No import ends before every order of every import is committed: an import that ended
  // early would leave the others a larger share for their last batches.
  const auto all_committed = [&] {
    EXPECT_TRUE(eventually([&] { return recording_->committed() == kImports * kOrdersEach; },
                           std::chrono::seconds(60)));
  };
  std::vector<std::thread> senders;
  for (int i = 0; i < kImports; ++i) {
    senders.emplace_back(send, std::ref(*imports[i]), "C" + std::to_string(i) + "-", kOrdersEach,
                         all_committed);
  }
  for (auto& sender : senders) sender.join();

  for (const auto& import : imports) {
    ASSERT_TRUE(import->status.ok()) << import->status.error_message();
    EXPECT_EQ(import->result.success_count(), kOrdersEach);
    EXPECT_EQ(import->result.failure_count(), 0);
  }
  EXPECT_LE(recording_->take_largest_batch(), kBudget / kImports);
  EXPECT_TRUE(eventually([&] { return server_->active_imports() == 0; }));
}

TEST_F(ImportBudgetServerTest, ALoneImportGetsTheWholeBudget) {
  auto import = open_import();
  send(*import, "L-", 12000);
  ASSERT_TRUE(import->status.ok()) << import->status.error_message();
  EXPECT_EQ(import->result.success_count(), 12000);
  // 50 ms per commit: far more than a quarter of the budget arrives meanwhile.
  const std::size_t largest = recording_->take_largest_batch();
  EXPECT_GT(largest, kBudget / 4);
  EXPECT_LE(largest, kBudget);
}

}  // namespace
}  // namespace orderstream::testing
