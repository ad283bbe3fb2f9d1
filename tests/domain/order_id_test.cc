#include "domain/order_id.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_set>

namespace orderstream {
namespace {

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(OrderIdTest, HasOrdPrefixAndTwentyFourLowercaseHexDigits) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = generate_order_id();
    ASSERT_EQ(id.size(), 28u) << id;
    EXPECT_EQ(id.substr(0, 4), "ORD-") << id;
    for (char c : id.substr(4)) {
      EXPECT_TRUE(is_lower_hex(c)) << "'" << c << "' in " << id;
    }
  }
}

TEST(OrderIdTest, LayoutIsMillisecondsThenRandomBitsBigEndian) {
  EXPECT_EQ(format_order_id(0x0123456789abULL, 0xfedcba987654ULL), "ORD-0123456789abfedcba987654");
  // Only the low 48 bits of each part count.
  EXPECT_EQ(format_order_id(0xffff000000000001ULL, 0xffff000000000002ULL),
            "ORD-000000000001000000000002");
}

TEST(OrderIdTest, StartsWithTheCreationTime) {
  const int64_t before = now_ms();
  const std::string id = generate_order_id();
  const int64_t after = now_ms();
  const int64_t stamped = std::stoll(id.substr(4, 12), nullptr, 16);
  EXPECT_GE(stamped, before) << id;
  EXPECT_LE(stamped, after) << id;
}

// What keeps inserts at the right edge of the orders b-tree: a later id sorts after an earlier
// one once the clock has moved on.
TEST(OrderIdTest, IdsFromALaterMillisecondSortAfter) {
  const std::string first = generate_order_id();
  const int64_t stamped = std::stoll(first.substr(4, 12), nullptr, 16);
  std::string later = generate_order_id();
  // Bounded: the clock moves on within a few milliseconds.
  for (int i = 0; i < 1'000'000 && std::stoll(later.substr(4, 12), nullptr, 16) == stamped; ++i) {
    later = generate_order_id();
  }
  ASSERT_NE(std::stoll(later.substr(4, 12), nullptr, 16), stamped) << "clock did not move";
  EXPECT_LT(first, later);
}

TEST(OrderIdTest, TenThousandDrawsAreDistinct) {
  constexpr int kDraws = 10'000;
  std::unordered_set<std::string> seen;
  seen.reserve(kDraws);
  for (int i = 0; i < kDraws; ++i) seen.insert(generate_order_id());
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kDraws));
}

// 48 random bits: over many draws every hex digit shows up in every position of the random part.
TEST(OrderIdTest, EveryRandomPositionUsesTheWholeHexAlphabet) {
  std::unordered_set<char> seen[12];
  for (int i = 0; i < 2'000; ++i) {
    const std::string id = generate_order_id();
    ASSERT_EQ(id.size(), 28u);
    for (int p = 0; p < 12; ++p) seen[p].insert(id[16 + p]);
  }
  for (int p = 0; p < 12; ++p) EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
}

}  // namespace
}  // namespace orderstream
