// Whether the caller of a call still waits for its answer. The transport cancels it when the
// client cancels the call or goes away; the store, which sees it through the call's Deadline
// (domain/deadline.h), stops a running statement then, as it does at the deadline, so no work
// outlives a caller who stopped waiting. A handle: copies share one state, and a
// default-constructed one is never cancelled.
#pragma once

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

namespace orderstream {

class Cancellation {
 public:
  Cancellation() = default;  // never cancelled

  // A new state, set once and for all by cancel().
  static Cancellation create() {
    Cancellation made;
    made.state_ = std::make_shared<State>();
    return made;
  }

  // Cancelled once every one of `parts` is: work shared by several callers (a group commit) is
  // wasted only when all of them went away. Never cancelled when any part never can be.
  static Cancellation all_of(const std::vector<Cancellation>& parts) {
    Cancellation combined;
    combined.state_ = std::make_shared<State>();
    for (const Cancellation& part : parts) {
      if (!part.can_be_cancelled()) return Cancellation();
      if (part.state_->all.empty()) {
        combined.state_->all.push_back(part);
      } else {  // kept flat, so that a check is one pass whatever the nesting
        combined.state_->all.insert(combined.state_->all.end(), part.state_->all.begin(),
                                    part.state_->all.end());
      }
    }
    if (combined.state_->all.empty()) return Cancellation();
    if (combined.state_->all.size() == 1) return combined.state_->all.front();
    return combined;
  }

  // Only on one made by create(); thread-safe, and later calls change nothing.
  void cancel() const {
    if (state_ != nullptr) state_->cancelled.store(true, std::memory_order_release);
  }

  bool cancelled() const {
    if (state_ == nullptr) return false;
    if (state_->all.empty()) return state_->cancelled.load(std::memory_order_acquire);
    for (const Cancellation& part : state_->all) {
      if (!part.cancelled()) return false;
    }
    return true;
  }

  // False for one that nothing can cancel: waits then need not look at it.
  bool can_be_cancelled() const { return state_ != nullptr; }

 private:
  struct State {
    std::atomic<bool> cancelled{false};
    std::vector<Cancellation> all;  // non-empty: cancelled when each of these is
  };
  std::shared_ptr<State> state_;
};

}  // namespace orderstream
