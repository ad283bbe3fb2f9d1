// A counter that many threads add to on hot paths without sharing a cache line: each thread adds
// to one of a fixed set of cache-line-sized shards (chosen once per thread), and a reader sums
// them. An add is one uncontended relaxed atomic add; a read costs a pass over the shards, which
// only metrics scrapes and tests make. Signed, so it also serves as a gauge (add -1).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace orderstream {

class ShardedCounter {
 public:
  void add(int64_t delta) {
    shards_[shard_of_this_thread()].value.fetch_add(delta, std::memory_order_relaxed);
  }

  // The sum of every add so far; adds made concurrently may or may not be included.
  int64_t value() const {
    int64_t sum = 0;
    for (const auto& shard : shards_) sum += shard.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  static constexpr std::size_t kShards = 16;
  struct alignas(64) Shard {
    std::atomic<int64_t> value{0};
  };

  // Threads take shards round robin as they first add, so up to kShards threads never share one.
  static std::size_t shard_of_this_thread() {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return shard;
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace orderstream
