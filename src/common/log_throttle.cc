#include "common/log_throttle.h"

namespace orderstream {

bool LogThrottle::admit(uint64_t& dropped, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!started_ || now - window_start_ >= window_) {
    started_ = true;
    window_start_ = now;
    admitted_in_window_ = 0;
  }
  if (admitted_in_window_ >= lines_) {
    ++dropped_;
    return false;
  }
  ++admitted_in_window_;
  dropped = dropped_;
  dropped_ = 0;
  return true;
}

}  // namespace orderstream
