#include "domain/order_status.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace orderstream {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 4> kNames{{
    {OrderStatus::kCreated, "CREATED"},
    {OrderStatus::kShipped, "SHIPPED"},
    {OrderStatus::kDelivered, "DELIVERED"},
    {OrderStatus::kCancelled, "CANCELLED"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view to_string(OrderStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "UNKNOWN";
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  // The exact spelling first: stores hand back every history row's status this way.
  for (const auto& [value, name] : kNames) {
    if (text == name) return value;
  }
  for (const auto& [value, name] : kNames) {
    if (equals_ignoring_case(text, name)) return value;
  }
  return std::nullopt;
}

bool directly_follows(std::optional<OrderStatus> last, OrderStatus next) {
  if (!last) return next == OrderStatus::kCreated;
  if (!is_transition_allowed(*last, next)) return false;
  for (const auto& [between, name] : kNames) {
    if (is_transition_allowed(*last, between) && is_transition_allowed(between, next)) {
      return false;
    }
  }
  return true;
}

bool is_transition_allowed(OrderStatus from, OrderStatus to) {
  switch (from) {
    case OrderStatus::kCreated:
      return to == OrderStatus::kShipped || to == OrderStatus::kCancelled;
    case OrderStatus::kShipped:
      return to == OrderStatus::kDelivered || to == OrderStatus::kCancelled;
    case OrderStatus::kDelivered:
    case OrderStatus::kCancelled:
      return false;
  }
  return false;
}

}  // namespace orderstream
