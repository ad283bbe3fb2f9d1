// The OrderStore contract as a test suite run over every store: each store's test binary
// instantiates OrderStoreContractTest with a factory of empty databases of its kind
// (sqlite_contract_test.cc, pg_contract_test.cc). Store-specific behaviour (schema details,
// migrations, locks, reconnection) is tested beside it, per store.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order_store.h"

namespace orderstream::storage {

// One empty database of some kind, alive as long as this object.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // A store on this database; called again, a new store on the same data (a reopen).
  virtual std::unique_ptr<OrderStore> open() = 0;
};

struct StoreKind {
  std::string name;
  // A new empty database; nullptr (with the reason) when this kind cannot run here.
  std::function<std::unique_ptr<StoreBackend>(std::string* skip_reason)> make;
};

// Names the parameter in test names and output ("sqlite") instead of dumping its bytes.
inline void PrintTo(const StoreKind& kind, std::ostream* out) { *out << kind.name; }

inline std::string store_kind_name(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param.name;
}

inline constexpr int64_t kFirstPage = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kNow = 1'700'000'000'000;

// A history page as GetOrderHistory reads one without paging fields: newest first, below `before`.
inline std::vector<OrderEvent> history_page(OrderStore& store, std::string_view customer,
                                            int64_t before, std::size_t limit) {
  return store.customer_events(
      EventRange::of_customer(customer).with_before(before).with_limit(limit));
}

class OrderStoreContractTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    backend_ = GetParam().make(&skip_reason);
    if (backend_ == nullptr) GTEST_SKIP() << skip_reason;
  }

  std::unique_ptr<OrderStore> open() { return backend_->open(); }

  static CreateOutcome create_one(OrderStore& store, const std::string& id,
                                  const std::string& customer, float total, int64_t now = kNow) {
    auto outcomes = store.create_orders({NewOrder{id, customer, total}}, now);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.at(0);
  }

  // Every event of the customer, walking pages of `page_size` newest first.
  static std::vector<OrderEvent> all_pages(OrderStore& store, const std::string& customer,
                                           std::size_t page_size, int* pages = nullptr) {
    std::vector<OrderEvent> events;
    int64_t before = kFirstPage;
    int count = 0;
    for (;;) {
      auto page = history_page(store, customer, before, page_size);
      EXPECT_LE(page.size(), page_size);
      if (page.empty()) break;
      ++count;
      events.insert(events.end(), page.begin(), page.end());
      before = page.back().sequence;
      if (count > 10'000) break;  // a bug must not hang the test
    }
    if (pages != nullptr) *pages = count;
    return events;
  }

  // Every event after `after`, walking pages of `page_size` oldest first.
  static std::vector<OrderEvent> all_after(OrderStore& store, int64_t after,
                                           std::size_t page_size) {
    std::vector<OrderEvent> events;
    for (int count = 0; count <= 10'000; ++count) {
      auto page = store.events_after(after, page_size);
      EXPECT_LE(page.size(), page_size);
      if (page.empty()) break;
      events.insert(events.end(), page.begin(), page.end());
      after = page.back().sequence;
    }
    return events;
  }

  std::unique_ptr<StoreBackend> backend_;
};

}  // namespace orderstream::storage
