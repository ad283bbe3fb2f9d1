#include "transport/import_budget.h"

#include <algorithm>

namespace orderstream::transport {

ImportBudget::ImportBudget(std::size_t orders) : orders_(std::max(orders, kMinBatch)) {}

ImportBudget::Lease::Lease(ImportBudget& budget) : budget_(budget) {
  budget_.active_.fetch_add(1, std::memory_order_relaxed);
}

ImportBudget::Lease::~Lease() {
  set_full(false);
  budget_.active_.fetch_sub(1, std::memory_order_relaxed);
}

void ImportBudget::Lease::set_full(bool full) {
  if (full == full_) return;
  full_ = full;
  if (full) {
    budget_.full_.fetch_add(1, std::memory_order_relaxed);
  } else {
    budget_.full_.fetch_sub(1, std::memory_order_relaxed);
  }
}

std::size_t ImportBudget::batch_limit() const {
  return std::max(kMinBatch, orders_ / std::max<std::size_t>(active(), 1));
}

}  // namespace orderstream::transport
