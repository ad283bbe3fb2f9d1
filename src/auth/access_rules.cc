#include "auth/access_rules.h"

namespace orderstream::auth {
namespace {

Error denied(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message)};
}

}  // namespace

std::optional<Error> check_create(const Principal& caller, const NewOrder& order) {
  if (caller.is_admin() || order.customer_id == caller.customer_id) return std::nullopt;
  return denied("customer_id is not the customer this token belongs to");
}

std::optional<Error> check_history(const Principal& caller, std::string_view customer_id) {
  if (caller.is_admin() || customer_id == caller.customer_id) return std::nullopt;
  return denied("UserID.id is not the customer this token belongs to");
}

std::optional<Error> check_order(const Principal& caller, const std::optional<Order>& order) {
  if (caller.is_admin() || (order && order->customer_id == caller.customer_id)) {
    return std::nullopt;
  }
  return denied(
      "OrderID.id is not an order of the customer this token belongs to (a customer token "
      "reads and watches its own existing orders only)");
}

std::optional<Error> check_status_change(const Principal& caller) {
  if (caller.is_admin()) return std::nullopt;
  return denied("changing an order's status needs an admin token");
}

}  // namespace orderstream::auth
