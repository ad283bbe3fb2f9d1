// The memory every running bulk import may hold, shared. A stream keeps at most two batches in
// memory (one committing, the next forming), and the batch limit is this budget divided among the
// imports running now: one import gets the whole budget and its most efficient commits; eight
// share it, so eight concurrent imports hold about what one does instead of eight times as much.
// When the limit is reached the stream stops reading, and HTTP/2 flow control slows its client.
// When an import joins, the running ones keep what they already hold until their current batches
// commit; only their next batches are smaller.
#pragma once

#include <atomic>
#include <cstddef>

namespace orderstream::transport {

class ImportBudget {
 public:
  // No import's batches shrink below this, however many run: per-transaction costs would
  // dominate. Above a budget / kMinBatch imports, memory grows by 2 x kMinBatch orders each.
  static constexpr std::size_t kMinBatch = 256;
  // One import alone batches up to 65,536 orders: +4% to +9% orders/s over 32,768 for one fast
  // stream (more events per customer share a leaf page), for a higher peak: server RSS grew
  // 208 MiB instead of 152 MiB over a 1M-order import, before the malloc arena cap
  // (docs/BENCHMARKS.md).
  static constexpr std::size_t kDefaultOrders = 65536;

  explicit ImportBudget(std::size_t orders = kDefaultOrders);

  // Held by an import for its whole life; its share grows back when it ends.
  class Lease {
   public:
    explicit Lease(ImportBudget& budget);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // The import stopped reading because its next batch is full (true), or reads again (false).
    void set_full(bool full);

   private:
    ImportBudget& budget_;
    bool full_ = false;
  };

  // The largest batch an import may form now.
  std::size_t batch_limit() const;
  std::size_t active() const { return active_.load(std::memory_order_relaxed); }
  // Imports whose next batch is full, waiting for their current commit: those the database
  // holds back.
  std::size_t full() const { return full_.load(std::memory_order_relaxed); }
  std::size_t orders() const { return orders_; }

 private:
  const std::size_t orders_;
  std::atomic<std::size_t> active_{0};
  std::atomic<std::size_t> full_{0};
};

}  // namespace orderstream::transport
