#include "domain/order_id.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace orderstream {
namespace {

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(OrderIdTest, HasOrdPrefixAndTwelveLowercaseHexDigits) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = generate_order_id();
    ASSERT_EQ(id.size(), 16u) << id;
    EXPECT_EQ(id.substr(0, 4), "ORD-") << id;
    for (char c : id.substr(4)) {
      EXPECT_TRUE(is_lower_hex(c)) << "'" << c << "' in " << id;
    }
  }
}

TEST(OrderIdTest, TenThousandDrawsAreDistinct) {
  constexpr int kDraws = 10'000;
  std::unordered_set<std::string> seen;
  seen.reserve(kDraws);
  for (int i = 0; i < kDraws; ++i) seen.insert(generate_order_id());
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kDraws));
}

// 48 random bits: over many draws every hex digit shows up in every position.
TEST(OrderIdTest, EveryPositionUsesTheWholeHexAlphabet) {
  std::unordered_set<char> seen[12];
  for (int i = 0; i < 2'000; ++i) {
    const std::string id = generate_order_id();
    ASSERT_EQ(id.size(), 16u);
    for (int p = 0; p < 12; ++p) seen[p].insert(id[4 + p]);
  }
  for (int p = 0; p < 12; ++p) EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
}

}  // namespace
}  // namespace orderstream
