#include "domain/excerpt.h"

#include <gtest/gtest.h>

#include <string>

#include "domain/bulk_tally.h"

namespace orderstream {
namespace {

TEST(ExcerptTest, ShortTextIsQuotedWhole) {
  EXPECT_EQ(excerpt("ORD-1"), "ORD-1");
  EXPECT_EQ(excerpt(std::string(kMaxExcerptBytes, 'a')), std::string(kMaxExcerptBytes, 'a'));
}

TEST(ExcerptTest, LongTextIsCutAndNamesItsSize) {
  const std::string cut = excerpt(std::string(1 << 20, 'a'));
  EXPECT_EQ(cut, std::string(kMaxExcerptBytes, 'a') + "... (1048576 bytes)");
}

TEST(ExcerptTest, CutNeverSplitsAUtf8Character) {
  // 127 ASCII bytes, then 'é' (2 bytes) straddles the limit: it is left out whole.
  const std::string text = std::string(kMaxExcerptBytes - 1, 'a') + "\xc3\xa9" + "tail";
  EXPECT_EQ(excerpt(text), std::string(kMaxExcerptBytes - 1, 'a') + "... (" +
                               std::to_string(text.size()) + " bytes)");
}

TEST(ExcerptTest, BulkErrorMessagesStayBoundedWhateverTheIdSize) {
  BulkTally tally;
  for (int i = 0; i < 10; ++i) {
    tally.add_failure(invalid_order_message(std::string(1 << 20, 'x'), i + 1,
                                            "order_id is longer than 128 bytes"));
  }
  std::size_t bytes = 0;
  for (const auto& message : tally.messages()) bytes += message.size();
  EXPECT_LT(bytes, 10 * 300u);
}

}  // namespace
}  // namespace orderstream
