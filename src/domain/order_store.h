// The persistence port of the domain: what the order service needs from a database, and nothing
// about how. Implementations (storage/) make each call one short transaction, are safe to call
// from several executor threads at once, and throw StorageError for infrastructure failures.
// Business rules (validation, lifecycle) stay in the domain: the store offers atomic primitives
// such as a compare-and-set of the status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/deadline.h"
#include "domain/order.h"

namespace orderstream {

// The result of inserting one order whose id is already set.
struct CreateOutcome {
  enum class Kind {
    kCreated,   // inserted with its CREATED event; `order` is the new row
    kExisting,  // the id existed with the same customer and total; `order` is the stored row
    kConflict,  // the id existed with other content; `order` is the stored row
  };
  Kind kind = Kind::kCreated;
  Order order;
};

// The result of a compare-and-set of an order's status.
struct StatusChangeOutcome {
  enum class Kind {
    kChanged,   // `order` holds the new status; `event` the appended event
    kNotFound,  // no such order
    kStale,     // the order's status was not `expected`; `order` holds the current row
  };
  Kind kind = Kind::kNotFound;
  Order order;
  OrderEvent event;
};

// A range of one customer's events, optionally of one of its orders, read in sequence order:
// history pages (newest first), backfills and resumes (oldest first). Callers page by keyset:
// the next page starts after (oldest first) or before (newest first) the last sequence returned.
// The views must outlive the call.
struct EventRange {
  std::string_view customer_id;
  std::string_view order_id;   // empty: every order of the customer
  int64_t after_sequence = 0;  // only sequences > this (sequences start at 1)
  int64_t before_sequence = std::numeric_limits<int64_t>::max();  // only sequences < this
  bool oldest_first = false;
  std::size_t limit = 0;  // at most this many events

  // Builders, so a range reads as what it asks for (designated initializers that leave members
  // out trip -Wmissing-field-initializers).
  static EventRange of_customer(std::string_view id) {
    EventRange range;
    range.customer_id = id;
    return range;
  }
  EventRange with_order(std::string_view id) const {
    EventRange range = *this;
    range.order_id = id;
    return range;
  }
  EventRange with_after(int64_t sequence) const {
    EventRange range = *this;
    range.after_sequence = sequence;
    return range;
  }
  EventRange with_before(int64_t sequence) const {
    EventRange range = *this;
    range.before_sequence = sequence;
    return range;
  }
  EventRange with_oldest_first(bool oldest = true) const {
    EventRange range = *this;
    range.oldest_first = oldest;
    return range;
  }
  EventRange with_limit(std::size_t count) const {
    EventRange range = *this;
    range.limit = count;
    return range;
  }
};

class OrderStore {
 public:
  virtual ~OrderStore() = default;

  // Every call takes the caller's deadline: a store stops its statements once it passes (they
  // fail with DeadlineExceededError), so no work outlives the caller who waits for it. The
  // public calls forward to the implementation's do_ functions (one place for the default).

  // Inserts every order (ids already assigned) and its CREATED event in one transaction, in
  // order; an id seen earlier in the same batch counts as existing. One outcome per input. The
  // store takes the orders so that a new order's strings move into its outcome: a bulk import
  // passes a million of them, and the writer thread, the import's serial stage, must not copy
  // each id and customer again.
  std::vector<CreateOutcome> create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                           const Deadline& deadline = {}) {
    return do_create_orders(std::move(orders), now_ms, deadline);
  }

  // Sets the status to `to` and appends its event, only if the status is still `expected`.
  StatusChangeOutcome compare_and_set_status(std::string_view order_id, OrderStatus expected,
                                             OrderStatus to, int64_t now_ms,
                                             const Deadline& deadline = {}) {
    return do_compare_and_set_status(order_id, expected, to, now_ms, deadline);
  }

  std::optional<Order> find_order(std::string_view order_id, const Deadline& deadline = {}) {
    return do_find_order(order_id, deadline);
  }

  // The events of `range`, in its order, at most `range.limit`. Keyset pagination: no
  // transaction outlives the call. Like events_after, it reads only committed events, and
  // sequences become visible in increasing order, so reading on from the last sequence returned
  // (oldest first) never skips an event committed later.
  std::vector<OrderEvent> customer_events(const EventRange& range, const Deadline& deadline = {}) {
    return do_customer_events(range, deadline);
  }

  // Every event with sequence > `after_sequence`, of every order, oldest first, at most `limit`:
  // what a replica or a resuming client missed since the last sequence it saw. Stores make
  // sequences visible in increasing order only, so reading on from the last sequence returned
  // never skips an event committed later.
  std::vector<OrderEvent> events_after(int64_t after_sequence, std::size_t limit,
                                       const Deadline& deadline = {}) {
    return do_events_after(after_sequence, limit, deadline);
  }

 protected:
  virtual std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                                      const Deadline& deadline) = 0;
  virtual StatusChangeOutcome do_compare_and_set_status(std::string_view order_id,
                                                        OrderStatus expected, OrderStatus to,
                                                        int64_t now_ms,
                                                        const Deadline& deadline) = 0;
  virtual std::optional<Order> do_find_order(std::string_view order_id,
                                             const Deadline& deadline) = 0;
  virtual std::vector<OrderEvent> do_customer_events(const EventRange& range,
                                                     const Deadline& deadline) = 0;
  virtual std::vector<OrderEvent> do_events_after(int64_t after_sequence, std::size_t limit,
                                                  const Deadline& deadline) = 0;
};

}  // namespace orderstream
