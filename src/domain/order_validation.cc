#include "domain/order_validation.h"

#include <cmath>

namespace orderstream {

std::optional<std::string> validate_new_order(const NewOrder& order, std::size_t max_id_bytes) {
  if (order.id.size() > max_id_bytes) {
    return "order_id is longer than " + std::to_string(max_id_bytes) + " bytes";
  }
  if (order.customer_id.empty()) return "customer_id is empty";
  if (order.customer_id.size() > max_id_bytes) {
    return "customer_id is longer than " + std::to_string(max_id_bytes) + " bytes";
  }
  if (!std::isfinite(order.total)) return "total is not a finite number";
  if (order.total <= 0) return "total must be greater than 0";
  return std::nullopt;
}

std::optional<Error> invalid_id_error(std::string_view field, std::string_view id,
                                      std::size_t max_id_bytes) {
  if (id.empty()) return Error{ErrorCode::kInvalidArgument, std::string(field) + " is empty"};
  if (id.size() > max_id_bytes) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string(field) + " is longer than " + std::to_string(max_id_bytes) + " bytes"};
  }
  return std::nullopt;
}

std::optional<Error> invalid_sequence_error(std::string_view field, int64_t sequence) {
  if (sequence >= 0) return std::nullopt;
  return Error{ErrorCode::kInvalidArgument,
               std::string(field) + " must not be negative (got " + std::to_string(sequence) + ")"};
}

std::optional<Error> invalid_order_error(const NewOrder& order, std::size_t max_id_bytes) {
  if (auto reason = validate_new_order(order, max_id_bytes)) {
    return Error{ErrorCode::kInvalidArgument, "Invalid order: " + *reason};
  }
  return std::nullopt;
}

}  // namespace orderstream
