#include "domain/bulk_tally.h"

#include <utility>

namespace orderstream {

void BulkTally::add_failure(std::string message) {
  ++failures_;
  if (messages_.size() < kMaxMessages) messages_.push_back(std::move(message));
}

std::string invalid_order_message(const std::string& order_id, int64_t position,
                                  const std::string& reason) {
  const std::string name = order_id.empty() ? "#" + std::to_string(position) : order_id;
  return "Invalid order: " + name + ": " + reason;
}

}  // namespace orderstream
