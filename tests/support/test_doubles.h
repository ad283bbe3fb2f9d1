// Test doubles shared by the suites, for what a real store or hub cannot do on demand:
// FailingOrderStore fails every call the way a broken database does (fault injection), and
// RecordingPublisher records what the service published. Everything else runs the real thing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
