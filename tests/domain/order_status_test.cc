#include "domain/order_status.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <tuple>

namespace orderstream {
namespace {

constexpr std::array<OrderStatus, 4> kAllStatuses{OrderStatus::kCreated, OrderStatus::kShipped,
                                                  OrderStatus::kDelivered, OrderStatus::kCancelled};

TEST(OrderStatusTransitionTest, CreatedMayBecomeShipped) {
  EXPECT_TRUE(is_transition_allowed(OrderStatus::kCreated, OrderStatus::kShipped));
}

TEST(OrderStatusTransitionTest, CreatedMayBecomeCancelled) {
  EXPECT_TRUE(is_transition_allowed(OrderStatus::kCreated, OrderStatus::kCancelled));
}

TEST(OrderStatusTransitionTest, ShippedMayBecomeDelivered) {
  EXPECT_TRUE(is_transition_allowed(OrderStatus::kShipped, OrderStatus::kDelivered));
}

TEST(OrderStatusTransitionTest, ShippedMayBecomeCancelled) {
  EXPECT_TRUE(is_transition_allowed(OrderStatus::kShipped, OrderStatus::kCancelled));
}

TEST(OrderStatusTransitionTest, CreatedCannotSkipToDelivered) {
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kCreated, OrderStatus::kDelivered));
}

TEST(OrderStatusTransitionTest, ShippedCannotGoBackToCreated) {
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kShipped, OrderStatus::kCreated));
}

TEST(OrderStatusTransitionTest, DeliveredIsFinal) {
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kDelivered, OrderStatus::kCreated));
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kDelivered, OrderStatus::kShipped));
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kDelivered, OrderStatus::kCancelled));
}

TEST(OrderStatusTransitionTest, CancelledIsFinal) {
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kCancelled, OrderStatus::kCreated));
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kCancelled, OrderStatus::kShipped));
  EXPECT_FALSE(is_transition_allowed(OrderStatus::kCancelled, OrderStatus::kDelivered));
}

TEST(OrderStatusTransitionTest, SameStatusIsNotATransition) {
  for (OrderStatus status : kAllStatuses) {
    EXPECT_FALSE(is_transition_allowed(status, status)) << to_string(status);
  }
}

// The whole 4x4 table, so that a rule added by mistake anywhere is caught.
TEST(OrderStatusTransitionTest, ExactlyFourTransitionsAreAllowed) {
  int allowed = 0;
  for (OrderStatus from : kAllStatuses) {
    for (OrderStatus to : kAllStatuses) {
      const bool expected = (from == OrderStatus::kCreated && to == OrderStatus::kShipped) ||
                            (from == OrderStatus::kShipped && to == OrderStatus::kDelivered) ||
                            (from == OrderStatus::kCreated && to == OrderStatus::kCancelled) ||
                            (from == OrderStatus::kShipped && to == OrderStatus::kCancelled);
      EXPECT_EQ(is_transition_allowed(from, to), expected)
          << to_string(from) << " -> " << to_string(to);
      if (is_transition_allowed(from, to)) ++allowed;
    }
  }
  EXPECT_EQ(allowed, 4);
}

TEST(OrderStatusNameTest, ToStringUsesWireSpelling) {
  EXPECT_EQ(to_string(OrderStatus::kCreated), "CREATED");
  EXPECT_EQ(to_string(OrderStatus::kShipped), "SHIPPED");
  EXPECT_EQ(to_string(OrderStatus::kDelivered), "DELIVERED");
  EXPECT_EQ(to_string(OrderStatus::kCancelled), "CANCELLED");
}

TEST(OrderStatusNameTest, ParseOfToStringRoundTrips) {
  for (OrderStatus status : kAllStatuses) {
    const auto parsed = parse_order_status(to_string(status));
    ASSERT_TRUE(parsed.has_value()) << to_string(status);
    EXPECT_EQ(*parsed, status);
  }
}

TEST(OrderStatusNameTest, ParseAcceptsAnyLetterCase) {
  EXPECT_EQ(parse_order_status("shipped"), OrderStatus::kShipped);
  EXPECT_EQ(parse_order_status("Shipped"), OrderStatus::kShipped);
  EXPECT_EQ(parse_order_status("sHiPpEd"), OrderStatus::kShipped);
  EXPECT_EQ(parse_order_status("created"), OrderStatus::kCreated);
  EXPECT_EQ(parse_order_status("Delivered"), OrderStatus::kDelivered);
  EXPECT_EQ(parse_order_status("cancelleD"), OrderStatus::kCancelled);
}

TEST(OrderStatusNameTest, ParseRejectsEmptyText) {
  EXPECT_EQ(parse_order_status(""), std::nullopt);
}

TEST(OrderStatusNameTest, ParseRejectsUnknownNames) {
  EXPECT_EQ(parse_order_status("PENDING"), std::nullopt);
  EXPECT_EQ(parse_order_status("UNKNOWN"), std::nullopt);
  EXPECT_EQ(parse_order_status("CANCELED"), std::nullopt);  // US spelling is not the wire's
  EXPECT_EQ(parse_order_status("SHIP"), std::nullopt);
  EXPECT_EQ(parse_order_status("SHIPPEDX"), std::nullopt);
  EXPECT_EQ(parse_order_status(" SHIPPED"), std::nullopt);
  EXPECT_EQ(parse_order_status("SHIPPED "), std::nullopt);
  EXPECT_EQ(parse_order_status("1"), std::nullopt);
}

TEST(OrderStatusNameTest, ParseRejectsTextWithEmbeddedNul) {
  using namespace std::string_literals;
  const std::string text = "SHIPPED\0"s;
  EXPECT_EQ(parse_order_status(text), std::nullopt);
}

// What a resuming watcher may send without reading the order's events first.
TEST(OrderStatusLifecycleTest, DirectlyFollowsOnlyWhenNothingCanLieBetween) {
  using S = OrderStatus;
  EXPECT_TRUE(directly_follows(std::nullopt, S::kCreated));
  EXPECT_FALSE(directly_follows(std::nullopt, S::kShipped));
  EXPECT_TRUE(directly_follows(S::kCreated, S::kShipped));
  EXPECT_FALSE(directly_follows(S::kCreated, S::kCancelled));  // SHIPPED may lie between
  EXPECT_FALSE(directly_follows(S::kCreated, S::kDelivered));  // SHIPPED does lie between
  EXPECT_TRUE(directly_follows(S::kShipped, S::kDelivered));
  EXPECT_TRUE(directly_follows(S::kShipped, S::kCancelled));
  EXPECT_FALSE(directly_follows(S::kShipped, S::kShipped));
  EXPECT_FALSE(directly_follows(S::kDelivered, S::kCancelled));
  EXPECT_FALSE(directly_follows(S::kCancelled, S::kCreated));
}

}  // namespace
}  // namespace orderstream
