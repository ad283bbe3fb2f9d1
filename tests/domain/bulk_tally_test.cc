#include "domain/bulk_tally.h"

#include <gtest/gtest.h>

#include <string>

namespace orderstream {
namespace {

TEST(BulkTallyTest, StartsEmpty) {
  BulkTally tally;
  EXPECT_EQ(tally.successes(), 0);
  EXPECT_EQ(tally.failures(), 0);
  EXPECT_EQ(tally.total(), 0);
  EXPECT_TRUE(tally.messages().empty());
}

TEST(BulkTallyTest, CountsSuccessesAndFailures) {
  BulkTally tally;
  tally.add_success();
  tally.add_success(4);
  tally.add_failure("a");
  tally.add_failure("b");
  EXPECT_EQ(tally.successes(), 5);
  EXPECT_EQ(tally.failures(), 2);
  EXPECT_EQ(tally.total(), 7);
  ASSERT_EQ(tally.messages().size(), 2u);
  EXPECT_EQ(tally.messages()[0], "a");
  EXPECT_EQ(tally.messages()[1], "b");
}

TEST(BulkTallyTest, KeepsOnlyTheFirstTenMessagesButCountsEveryFailure) {
  BulkTally tally;
  for (int i = 0; i < 25; ++i) tally.add_failure("failure " + std::to_string(i));
  EXPECT_EQ(tally.failures(), 25);
  EXPECT_EQ(tally.total(), 25);
  ASSERT_EQ(tally.messages().size(), BulkTally::kMaxMessages);
  ASSERT_EQ(BulkTally::kMaxMessages, 10u);
  for (std::size_t i = 0; i < tally.messages().size(); ++i) {
    EXPECT_EQ(tally.messages()[i], "failure " + std::to_string(i));
  }
}

TEST(BulkTallyTest, InvalidOrderMessageNamesTheOrderId) {
  EXPECT_EQ(invalid_order_message("ORD-7", 3, "total must be greater than 0"),
            "Invalid order: ORD-7: total must be greater than 0");
}

TEST(BulkTallyTest, InvalidOrderMessageNamesAnOrderWithoutIdByPosition) {
  EXPECT_EQ(invalid_order_message("", 7, "customer_id is empty"),
            "Invalid order: #7: customer_id is empty");
}

}  // namespace
}  // namespace orderstream
