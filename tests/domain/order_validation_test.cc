#include "domain/order_validation.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace orderstream {
namespace {

// Whether the reason names `field`; printed whole on failure.
::testing::AssertionResult names_field(const std::optional<std::string>& reason,
                                       const std::string& field) {
  if (!reason) return ::testing::AssertionFailure() << "order was accepted";
  if (reason->find(field) == std::string::npos) {
    return ::testing::AssertionFailure() << "'" << *reason << "' does not name " << field;
  }
  return ::testing::AssertionSuccess();
}
NewOrder valid_order() { return NewOrder{"ORD-1", "customer-1", 19.99f}; }

TEST(OrderValidationTest, AcceptsValidOrder) {
  EXPECT_EQ(validate_new_order(valid_order()), std::nullopt);
}

TEST(OrderValidationTest, AcceptsEmptyOrderIdSoTheServerAssignsOne) {
  NewOrder order = valid_order();
  order.id.clear();
  EXPECT_EQ(validate_new_order(order), std::nullopt);
}

TEST(OrderValidationTest, RejectsEmptyCustomerIdNamingTheField) {
  NewOrder order = valid_order();
  order.customer_id.clear();
  EXPECT_TRUE(names_field(validate_new_order(order), "customer_id"));
}

TEST(OrderValidationTest, RejectsNanTotalNamingTheField) {
  NewOrder order = valid_order();
  order.total = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(names_field(validate_new_order(order), "total"));
}

TEST(OrderValidationTest, RejectsPositiveInfinityTotal) {
  NewOrder order = valid_order();
  order.total = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(names_field(validate_new_order(order), "total"));
}

TEST(OrderValidationTest, RejectsNegativeInfinityTotal) {
  NewOrder order = valid_order();
  order.total = -std::numeric_limits<float>::infinity();
  EXPECT_TRUE(names_field(validate_new_order(order), "total"));
}

TEST(OrderValidationTest, RejectsZeroTotal) {
  NewOrder order = valid_order();
  order.total = 0.0f;
  EXPECT_TRUE(names_field(validate_new_order(order), "total"));
}

TEST(OrderValidationTest, RejectsNegativeZeroTotal) {
  NewOrder order = valid_order();
  order.total = -0.0f;
  EXPECT_TRUE(validate_new_order(order).has_value());
}

TEST(OrderValidationTest, RejectsNegativeTotal) {
  NewOrder order = valid_order();
  order.total = -5.0f;
  EXPECT_TRUE(names_field(validate_new_order(order), "total"));
}

TEST(OrderValidationTest, AcceptsSmallestPositiveTotal) {
  NewOrder order = valid_order();
  order.total = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(validate_new_order(order), std::nullopt);
}

TEST(OrderValidationTest, AcceptsOrderIdOfExactlyMaxBytes) {
  NewOrder order = valid_order();
  order.id = std::string(kMaxIdBytes, 'a');
  EXPECT_EQ(validate_new_order(order), std::nullopt);
}

TEST(OrderValidationTest, RejectsTooLongOrderIdNamingTheField) {
  NewOrder order = valid_order();
  order.id = std::string(kMaxIdBytes + 1, 'a');
  EXPECT_TRUE(names_field(validate_new_order(order), "order_id"));
}

TEST(OrderValidationTest, AcceptsCustomerIdOfExactlyMaxBytes) {
  NewOrder order = valid_order();
  order.customer_id = std::string(kMaxIdBytes, 'c');
  EXPECT_EQ(validate_new_order(order), std::nullopt);
}

TEST(OrderValidationTest, RejectsTooLongCustomerIdNamingTheField) {
  NewOrder order = valid_order();
  order.customer_id = std::string(kMaxIdBytes + 1, 'c');
  EXPECT_TRUE(names_field(validate_new_order(order), "customer_id"));
}

}  // namespace
}  // namespace orderstream
