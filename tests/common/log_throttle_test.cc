#include "common/log_throttle.h"

#include <gtest/gtest.h>

namespace orderstream {
namespace {

using std::chrono::seconds;

TEST(LogThrottleTest, LetsTheFirstLinesOfAWindowThroughThenDrops) {
  LogThrottle throttle(3, seconds(60));
  const auto t0 = LogThrottle::Clock::time_point{} + seconds(1000);
  uint64_t dropped = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.admit(dropped, t0 + seconds(i)));
    EXPECT_EQ(dropped, 0u);
  }
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(throttle.admit(dropped, t0 + seconds(10)));
}

TEST(LogThrottleTest, TheNextWindowsFirstLineCountsWhatWasDropped) {
  LogThrottle throttle(1, seconds(60));
  const auto t0 = LogThrottle::Clock::time_point{} + seconds(1000);
  uint64_t dropped = 0;
  ASSERT_TRUE(throttle.admit(dropped, t0));
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(throttle.admit(dropped, t0 + seconds(59)));
  ASSERT_TRUE(throttle.admit(dropped, t0 + seconds(60)));
  EXPECT_EQ(dropped, 5u);
  ASSERT_FALSE(throttle.admit(dropped, t0 + seconds(61)));
  ASSERT_TRUE(throttle.admit(dropped, t0 + seconds(200)));
  EXPECT_EQ(dropped, 1u);
}

}  // namespace
}  // namespace orderstream
