// ShardedCounter: adds from many threads at once sum exactly, and it works as a gauge.
#include "common/sharded_counter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace orderstream {
namespace {

TEST(ShardedCounterTest, ConcurrentAddsSumExactly) {
  ShardedCounter counter;
  constexpr int kThreads = 24;  // more than the shards: some threads share one
  constexpr int kAdds = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kAdds; ++i) counter.add(1);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), int64_t{kThreads} * kAdds);
}

TEST(ShardedCounterTest, AddsAndSubtractionsOnDifferentThreadsBalance) {
  ShardedCounter gauge;
  std::thread adder([&gauge] {
    for (int i = 0; i < 1000; ++i) gauge.add(3);
  });
  adder.join();
  std::thread subtractor([&gauge] {
    for (int i = 0; i < 1000; ++i) gauge.add(-2);
  });
  subtractor.join();
  EXPECT_EQ(gauge.value(), 1000);
}

}  // namespace
}  // namespace orderstream
