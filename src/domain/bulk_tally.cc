#include "domain/bulk_tally.h"

#include <utility>

#include "domain/excerpt.h"

namespace orderstream {

void BulkTally::add_failure(std::string message) {
  ++failures_;
  if (messages_.size() < kMaxMessages) messages_.push_back(std::move(message));
}

std::string invalid_order_message(const std::string& order_id, int64_t position,
                                  const std::string& reason) {
  std::string message = "Invalid order: ";
  if (order_id.empty()) {
    message += '#';
    message += std::to_string(position);
  } else {
    message += excerpt(order_id);
  }
  message += ": ";
  message += reason;
  return message;
}

}  // namespace orderstream
