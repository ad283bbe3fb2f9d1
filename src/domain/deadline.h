// The time by which a caller needs its answer, as the domain carries it from the transport (a
// gRPC deadline, converted there) to the store: work still running past it is wasted, so a store
// stops its statements there. A plain value: no deadline means the caller waits as long as the
// store's own bounds allow.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace orderstream {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  Deadline() = default;  // none
  static Deadline at(Clock::time_point when) { return Deadline(when); }
  static Deadline after(std::chrono::milliseconds from_now) {
    return Deadline(Clock::now() + from_now);
  }

  bool is_set() const { return when_.has_value(); }
  // Only when is_set().
  Clock::time_point when() const { return *when_; }
  bool expired(Clock::time_point now = Clock::now()) const { return when_ && now >= *when_; }
  // Whole milliseconds left, rounded up so that a deadline not yet reached never reads 0; 0 once
  // expired. Only when is_set().
  int64_t remaining_ms(Clock::time_point now = Clock::now()) const {
    if (now >= *when_) return 0;
    return std::chrono::ceil<std::chrono::milliseconds>(*when_ - now).count();
  }

  // What work serving both callers is bounded by: the later deadline, none if either has none.
  static Deadline latest(const Deadline& a, const Deadline& b) {
    if (!a.is_set() || !b.is_set()) return Deadline();
    return Deadline(std::max(*a.when_, *b.when_));
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  std::optional<Clock::time_point> when_;
};

}  // namespace orderstream
