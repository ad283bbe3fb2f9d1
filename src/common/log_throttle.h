// Bounds how many lines one noisy source writes to the log: at most `lines` per `window`, then
// silence until the window ends; the first line let through afterwards says how many were
// dropped. A client can make a library log once per message it sends (an unparsable request);
// without a bound the log would grow as fast as the client sends.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace orderstream {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  LogThrottle(std::size_t lines, Clock::duration window) : lines_(lines), window_(window) {}

  // Whether a line may be written at `now`. When it may, `dropped` is set to how many lines were
  // refused since the last one let through (to be mentioned in it). Thread-safe.
  bool admit(uint64_t& dropped, Clock::time_point now = Clock::now());

 private:
  const std::size_t lines_;
  const Clock::duration window_;
  std::mutex mutex_;
  Clock::time_point window_start_{};
  bool started_ = false;
  std::size_t admitted_in_window_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace orderstream
