// The running result of a bulk import: how many orders succeeded or failed, and the first few
// failure messages. Kept apart from the stream so the counting rules are unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace orderstream {

class BulkTally {
 public:
  static constexpr std::size_t kMaxMessages = 10;

  void add_success(int64_t count = 1) { successes_ += count; }
  void add_failure(std::string message);

  int64_t successes() const { return successes_; }
  int64_t failures() const { return failures_; }
  int64_t total() const { return successes_ + failures_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  int64_t successes_ = 0;
  int64_t failures_ = 0;
  std::vector<std::string> messages_;
};

// "Invalid order: <id>: <reason>"; an order without id is named by its 1-based position ("#7"),
// a long id by an excerpt (domain/excerpt.h), so that ten messages always fit in an answer.
std::string invalid_order_message(const std::string& order_id, int64_t position,
                                  const std::string& reason);

}  // namespace orderstream
