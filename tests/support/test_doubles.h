// Test doubles shared by the suites, for what a real store or hub cannot do on demand:
// FailingOrderStore fails every call the way a broken database does (fault injection),
// HookedOrderStore runs a test's code at a chosen point of a real store's call (a race made
// deterministic), and RecordingPublisher records what the service published. Everything else
// runs the real thing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/deadline.h"
#include "domain/event_publisher.h"
#include "domain/order.h"
#include "domain/order_store.h"
#include "domain/storage_error.h"

namespace orderstream::testing {

// What FailingOrderStore's failures carry: SQL, SQLite's wording and a path, which belong in the
// server log and must never reach a client.
inline constexpr std::string_view kStorageFailureDetail =
    "SQLITE_BUSY: database is locked: UPDATE orders SET status=? at /var/lib/orderstream/db";
// Fragments of kStorageFailureDetail that a client-facing message must not contain.
inline constexpr std::array<std::string_view, 5> kStorageFailureLeaks = {
    "SQLITE", "locked", "UPDATE", "/var/", "orders SET"};

// Every call throws StorageError(kStorageFailureDetail); `transient` says whether a retry may
// succeed (busy, I/O) or not.
class FailingOrderStore : public OrderStore {
 public:
  explicit FailingOrderStore(bool transient) : transient_(transient) {}

  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder>, int64_t,
                                              const Deadline&) override {
    fail();
  }
  StatusChangeOutcome do_compare_and_set_status(std::string_view, OrderStatus, OrderStatus, int64_t,
                                                const Deadline&) override {
    fail();
  }
  std::optional<Order> do_find_order(std::string_view, const Deadline&) override { fail(); }
  std::vector<OrderEvent> do_customer_events(const EventRange&, const Deadline&) override {
    fail();
  }
  std::vector<OrderEvent> do_events_after(int64_t, std::size_t, const Deadline&) override {
    fail();
  }

 private:
  [[noreturn]] void fail() { throw StorageError(std::string(kStorageFailureDetail), transient_); }
  bool transient_;
};

// The points of a store call at which HookedOrderStore can run its hook.
enum class HookPoint {
  kBeforeFindOrder,      // find_order, before the order is looked up
  kAfterCustomerEvents,  // customer_events, once the rows were read
};

// Delegates every call to a real store, and runs a one-shot hook at the first point the armed
// trigger accepts: what the hook commits lands at exactly that point of a reader's work (after a
// read: newer than what it read; before a lookup: included in it), which is how the hand-over
// races of history follow and watch resume are tested without timing.
class HookedOrderStore final : public OrderStore {
 public:
  // Whether the hook runs at `point`; `range` is the read's at kAfterCustomerEvents, null at
  // kBeforeFindOrder. Called only while armed and one call at a time, so it may keep a count.
  using Trigger = std::function<bool(HookPoint point, const EventRange* range)>;

  explicit HookedOrderStore(OrderStore& store) : store_(store) {}

  void arm(Trigger trigger, std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    trigger_ = std::move(trigger);
    hook_ = std::move(hook);
  }
  // Whether the armed hook has run to its end, so that what it committed is committed (true as
  // well when none was armed).
  bool fired() {
    std::lock_guard lock(mutex_);
    return !hook_ && !running_;
  }

  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now,
                                              const Deadline& deadline) override {
    return store_.create_orders(std::move(orders), now, deadline);
  }
  StatusChangeOutcome do_compare_and_set_status(std::string_view id, OrderStatus expected,
                                                OrderStatus to, int64_t now,
                                                const Deadline& deadline) override {
    return store_.compare_and_set_status(id, expected, to, now, deadline);
  }
  std::optional<Order> do_find_order(std::string_view id, const Deadline& deadline) override {
    run(HookPoint::kBeforeFindOrder, nullptr);
    return store_.find_order(id, deadline);
  }
  std::vector<OrderEvent> do_customer_events(const EventRange& range,
                                             const Deadline& deadline) override {
    auto events = store_.customer_events(range, deadline);
    run(HookPoint::kAfterCustomerEvents, &range);
    return events;
  }
  std::vector<OrderEvent> do_events_after(int64_t after, std::size_t limit,
                                          const Deadline& deadline) override {
    return store_.events_after(after, limit, deadline);
  }

 private:
  void run(HookPoint point, const EventRange* range) {
    std::function<void()> hook;
    {
      std::lock_guard lock(mutex_);
      if (!hook_ || !trigger_(point, range)) return;
      hook = std::move(hook_);
      hook_ = nullptr;
      trigger_ = nullptr;
      running_ = true;
    }
    hook();  // disarmed first: what it commits calls this store again
    std::lock_guard lock(mutex_);
    running_ = false;
  }

  OrderStore& store_;
  std::mutex mutex_;
  Trigger trigger_;             // guarded by mutex_
  std::function<void()> hook_;  // guarded by mutex_; empty once run
  bool running_ = false;        // guarded by mutex_; the hook runs now
};

// Records every publish() call. Not synchronized: read it on the publishing thread, or once the
// call that published has been answered.
class RecordingPublisher : public EventPublisher {
 public:
  void publish(std::span<const OrderEvent> events) override {
    calls.emplace_back(events.begin(), events.end());
  }

  std::vector<OrderEvent> all_events() const {
    std::vector<OrderEvent> all;
    for (const auto& call : calls) all.insert(all.end(), call.begin(), call.end());
    return all;
  }

  std::vector<std::vector<OrderEvent>> calls;  // one entry per publish()
};

}  // namespace orderstream::testing
