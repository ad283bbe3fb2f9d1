// Shared ownership for reactors that other threads feed. gRPC owns a reactor until OnDone, but
// executor tasks and the event hub may still hold it after that: each holds a reference taken
// with ref(), and the reactor deletes itself when the last one goes. OnDone drops gRPC's own
// reference with release(). The pattern is gRPC's default health service's WatchReactor.
#pragma once

#include <atomic>
#include <memory>

namespace orderstream::transport {

template <typename Derived>
class RefCounted {
 public:
  // A reference that keeps the reactor alive for as long as the pointer lives.
  std::shared_ptr<Derived> ref() {
    refs_.fetch_add(1, std::memory_order_relaxed);
    return std::shared_ptr<Derived>(static_cast<Derived*>(this),
                                    [](Derived* self) { self->release(); });
  }

  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete static_cast<Derived*>(this);
  }

 protected:
  RefCounted() = default;
  ~RefCounted() = default;

 private:
  std::atomic<int> refs_{1};  // gRPC's, dropped in OnDone
};

}  // namespace orderstream::transport
