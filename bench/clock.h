// Time for benchmarks: one monotonic clock for every measured interval, the per-scenario safety
// deadline that bounds every loop and wait, and a schedule that paces by absolute time (send i is
// due at start + i/rate), so a late wake-up is made up by the next send instead of accumulating
// as drift the way "sleep one period after each send" would.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace orderstream::bench {

using Clock = std::chrono::steady_clock;

inline Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

inline double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

inline int64_t to_ns(Clock::time_point point) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(point.time_since_epoch()).count();
}

class Deadline {
 public:
  explicit Deadline(double seconds) : at_(Clock::now() + to_duration(seconds)) {}

  Clock::time_point at() const { return at_; }
  bool expired() const { return Clock::now() >= at_; }
  // The earlier of the deadline and now + `seconds`, for a wait with its own, shorter bound.
  Clock::time_point capped(double seconds) const {
    return std::min(at_, Clock::now() + to_duration(seconds));
  }
  // The same instant on the system clock, which grpc::ClientContext::set_deadline takes.
  std::chrono::system_clock::time_point system_time() const {
    return std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(at_ - Clock::now());
  }
  // capped(seconds) on the system clock: the deadline of one call within the scenario's.
  std::chrono::system_clock::time_point system_time_capped(double seconds) const {
    return std::min(
        system_time(),
        std::chrono::system_clock::now() +
            std::chrono::duration_cast<std::chrono::system_clock::duration>(to_duration(seconds)));
  }

 private:
  Clock::time_point at_;
};

class RateSchedule {
 public:
  RateSchedule(double per_second, Clock::time_point start)
      : start_(start), period_seconds_(1.0 / per_second) {}

  Clock::time_point due(int64_t index) const {
    return start_ + to_duration(period_seconds_ * static_cast<double>(index));
  }
  // Sleeps until send `index` is due, but not past `limit`.
  void wait_for(int64_t index, Clock::time_point limit) const {
    std::this_thread::sleep_until(std::min(due(index), limit));
  }

 private:
  Clock::time_point start_;
  double period_seconds_;
};

}  // namespace orderstream::bench
