// How long a caller waits for its answer, as the domain carries it from the transport to the
// store: a time (a gRPC deadline, converted there) and a Cancellation (the client cancelled the
// call or went away; domain/cancellation.h). Work still running once either is reached is
// wasted, so a store stops its statements then. A plain value: with neither, the caller waits as
// long as the store's own bounds allow.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "domain/cancellation.h"

namespace orderstream {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  Deadline() = default;  // none
  static Deadline at(Clock::time_point when) { return Deadline(when); }
  static Deadline after(std::chrono::milliseconds from_now) {
    return Deadline(Clock::now() + from_now);
  }

  // The same deadline, also reached as soon as `cancellation` is cancelled.
  Deadline or_cancelled(Cancellation cancellation) const {
    Deadline bounded = *this;
    bounded.cancellation_ = std::move(cancellation);
    return bounded;
  }

  // Whether it has a time.
  bool is_set() const { return when_.has_value(); }
  // Only when is_set().
  Clock::time_point when() const { return *when_; }
  // Whether it may be reached early by a cancellation. Nothing wakes a waiter when that happens,
  // so waits bounded by such a deadline look at it now and then (kCancelCheckInterval).
  bool cancellable() const { return cancellation_.can_be_cancelled(); }
  bool cancelled() const { return cancellation_.cancelled(); }
  // Reached: the time has come or the caller cancelled.
  bool expired(Clock::time_point now = Clock::now()) const {
    return (when_ && now >= *when_) || cancellation_.cancelled();
  }
  // Whole milliseconds left until the time, rounded up so that a time not yet reached never
  // reads 0; 0 once passed. Only when is_set().
  int64_t remaining_ms(Clock::time_point now = Clock::now()) const {
    if (now >= *when_) return 0;
    return std::chrono::ceil<std::chrono::milliseconds>(*when_ - now).count();
  }

  // How often a wait bounded by a cancellable deadline checks it: a cancelled statement goes on
  // at most this long.
  static constexpr std::chrono::milliseconds kCancelCheckInterval{20};

  // What work serving every one of `callers` is bounded by: the latest time (none if any has
  // none), and cancelled only once all of them are.
  static Deadline latest(std::span<const Deadline> callers) {
    if (callers.empty()) return Deadline();
    Deadline bound = callers.front();
    std::vector<Cancellation> cancellations;
    cancellations.reserve(callers.size());
    for (const Deadline& caller : callers) {
      if (!caller.is_set() || !bound.is_set()) {
        bound.when_.reset();
      } else {
        bound.when_ = std::max(*bound.when_, *caller.when_);
      }
      cancellations.push_back(caller.cancellation_);
    }
    bound.cancellation_ = Cancellation::all_of(cancellations);
    return bound;
  }
  static Deadline latest(const Deadline& a, const Deadline& b) {
    const Deadline both[] = {a, b};
    return latest(both);
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  std::optional<Clock::time_point> when_;
  Cancellation cancellation_;
};

}  // namespace orderstream
