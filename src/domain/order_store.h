// The persistence port of the domain: what the order service needs from a database, and nothing
// about how. Implementations (storage/) make each call one short transaction, are safe to call
// from several executor threads at once, and throw StorageError for infrastructure failures.
// Business rules (validation, lifecycle) stay in the domain: the store offers atomic primitives
// such as a compare-and-set of the status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

class OrderStore {
 public:
  virtual ~OrderStore() = default;

  // Inserts every order (ids already assigned) and its CREATED event in one transaction, in
  // order; an id seen earlier in the same batch counts as existing. One outcome per input. The
  // store takes the orders so that a new order's strings move into its outcome: a bulk import
  // passes a million of them, and the writer thread, the import's serial stage, must not copy
  // each id and customer again.
  virtual std::vector<CreateOutcome> create_orders(std::vector<NewOrder> orders,
                                                   int64_t now_ms) = 0;

  // Sets the status to `to` and appends its event, only if the status is still `expected`.
  virtual StatusChangeOutcome compare_and_set_status(std::string_view order_id,
                                                     OrderStatus expected, OrderStatus to,
                                                     int64_t now_ms) = 0;

  virtual std::optional<Order> find_order(std::string_view order_id) = 0;

  // Events of the customer's orders with sequence < `before_sequence`, newest first, at most
  // `limit`. Keyset pagination: no transaction outlives the call.
  virtual std::vector<OrderEvent> history_page(std::string_view customer_id,
                                               int64_t before_sequence, std::size_t limit) = 0;

  // Every event with sequence > `after_sequence`, of every order, oldest first, at most `limit`:
  // what a replica or a resuming client missed since the last sequence it saw. Stores make
  // sequences visible in increasing order only, so reading on from the last sequence returned
  // never skips an event committed later.
  virtual std::vector<OrderEvent> events_after(int64_t after_sequence, std::size_t limit) = 0;
};

}  // namespace orderstream
