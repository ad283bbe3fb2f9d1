// A token bucket: allows bursts of up to `burst` events, refilled at `rate_per_second`. Used to
// cap how fast one watch stream may send requests. Not thread-safe (each stream has its own,
// under the stream's lock); the clock is passed in, so tests need no sleeps.
#pragma once

#include <algorithm>
#include <chrono>

namespace orderstream {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_second, double burst, Clock::time_point now = Clock::now())
      : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token if there is one.
  bool try_take(Clock::time_point now = Clock::now()) {
    if (now > last_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
      last_ = now;
    }
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace orderstream
