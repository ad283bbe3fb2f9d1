// Bounded polling for tests: a condition checked every 10 ms until it holds or a time limit
// passes, so that a test waits for an outcome instead of sleeping and hoping it happened.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace orderstream::testing {

// True once `condition` holds, checked every 10 ms for at most `limit`.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace orderstream::testing
