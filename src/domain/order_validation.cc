#include "domain/order_validation.h"

#include <cmath>

namespace orderstream {

std::optional<std::string> validate_new_order(const NewOrder& order) {
  if (order.id.size() > kMaxIdBytes) {
    return "order_id is longer than " + std::to_string(kMaxIdBytes) + " bytes";
  }
  if (order.customer_id.empty()) return "customer_id is empty";
  if (order.customer_id.size() > kMaxIdBytes) {
    return "customer_id is longer than " + std::to_string(kMaxIdBytes) + " bytes";
  }
  if (!std::isfinite(order.total)) return "total is not a finite number";
  if (order.total <= 0) return "total must be greater than 0";
  return std::nullopt;
}

std::optional<Error> invalid_id_error(std::string_view field, std::string_view id) {
  if (id.empty()) return Error{ErrorCode::kInvalidArgument, std::string(field) + " is empty"};
  if (id.size() > kMaxIdBytes) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string(field) + " is longer than " + std::to_string(kMaxIdBytes) + " bytes"};
  }
  return std::nullopt;
}

std::optional<Error> invalid_order_error(const NewOrder& order) {
  if (auto reason = validate_new_order(order)) {
    return Error{ErrorCode::kInvalidArgument, "Invalid order: " + *reason};
  }
  return std::nullopt;
}

}  // namespace orderstream
