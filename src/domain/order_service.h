// The application service: every use case of orders (create, bulk create, change status, read
// history, look up) as plain blocking calls over the OrderStore port, publishing each committed
// change to the EventPublisher on the same code path. It knows nothing of gRPC or SQL; the
// transport runs it on the project's executor, never on a gRPC thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/deadline.h"
#include "domain/error.h"
#include "domain/event_publisher.h"
#include "domain/order.h"
#include "domain/order_store.h"

namespace orderstream {

int64_t system_now_ms();

// What a watcher resuming an order missed: the order as read, and its events after the resume
// point up to the order's last one, oldest first.
struct MissedEvents {
  Order order;
  std::vector<OrderEvent> events;
};

class OrderService {
 public:
  using Clock = std::function<int64_t()>;

  OrderService(OrderStore& store, EventPublisher& publisher, Clock now_ms = system_now_ms);

  // Each call takes the caller's deadline (none: no bound but the store's own) and hands it to
  // every store call it makes; one that passes it answers kDeadlineExceeded.

  // Validates the order, then creates it by the rule of create_validated().
  Result<Order> create_order(NewOrder request, const Deadline& deadline = {});

  // The create rule, for orders already validated; one answer per request, in order. Persists
  // them in one transaction, an empty id replaced by a server-drawn one, then answers each: the
  // order when it was created or already existed with the same content (a retry is safe),
  // ALREADY_EXISTS when its id holds other content. A drawn id that turns out taken is a
  // collision, never a retry: it is drawn again and committed in a further transaction, at most
  // kMaxIdDraws draws in all. CreateOrder's group commit (CreateBatcher) calls this with every
  // create that queued, create_order with one.
  std::vector<Result<Order>> create_validated(std::vector<NewOrder> requests,
                                              const Deadline& deadline = {});

  // Persists already validated orders in one transaction (ids assigned where empty) and
  // publishes a CREATED event for each new one. One outcome per input, in order.
  Result<std::vector<CreateOutcome>> create_orders(std::vector<NewOrder> orders,
                                                   const Deadline& deadline = {});

  // Moves the order to `status` if the lifecycle allows it; the current status is a no-op.
  Result<Order> update_status(std::string_view order_id, std::string_view status,
                              const Deadline& deadline = {});

  Result<std::optional<Order>> find_order(std::string_view order_id, const Deadline& deadline = {});

  // A page of the customer's events in `range`. The first page of a history (`first_page`) that
  // finds nothing is NOT_FOUND "User <id> not found" only if the customer has no event at all:
  // an empty range of a known customer (nothing new after a sequence) is an empty page.
  Result<std::vector<OrderEvent>> history_page(const EventRange& range, bool first_page,
                                               const Deadline& deadline = {});

  // What a watcher resuming an order after `after_sequence` missed: the order's events with a
  // greater sequence, oldest first, up to its last event when read. nullopt: no such order yet.
  // An order has at most three events (its lifecycle), so this is one short read.
  Result<std::optional<MissedEvents>> order_events_after(std::string_view order_id,
                                                         int64_t after_sequence,
                                                         const Deadline& deadline = {});

 private:
  OrderStore& store_;
  EventPublisher& publisher_;
  Clock now_ms_;
};

}  // namespace orderstream
