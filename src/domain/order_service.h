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

class OrderService {
 public:
  using Clock = std::function<int64_t()>;

  OrderService(OrderStore& store, EventPublisher& publisher, Clock now_ms = system_now_ms);

  // Each call takes the caller's deadline (none: no bound but the store's own) and hands it to
  // every store call it makes; one that passes it answers kDeadlineExceeded.

  // Validates, assigns an id when empty, persists. A retry with the same id and content returns
  // the stored order; other content under that id is ALREADY_EXISTS.
  Result<Order> create_order(NewOrder request, const Deadline& deadline = {});

  // What a create of `request` answers, given the store's outcome for it. An id the server drew
  // (`id_was_drawn`) that turns out taken answers nullopt: draw another and try again.
  static std::optional<Result<Order>> resolve_create(const NewOrder& request, bool id_was_drawn,
                                                     CreateOutcome outcome);

  // Persists already validated orders in one transaction (ids assigned where empty) and
  // publishes a CREATED event for each new one. One outcome per input, in order.
  Result<std::vector<CreateOutcome>> create_orders(std::vector<NewOrder> orders,
                                                   const Deadline& deadline = {});

  // Moves the order to `status` if the lifecycle allows it; the current status is a no-op.
  Result<Order> update_status(std::string_view order_id, std::string_view status,
                              const Deadline& deadline = {});

  Result<std::optional<Order>> find_order(std::string_view order_id, const Deadline& deadline = {});

  // A page of the customer's events older than `before_sequence`, newest first.
  Result<std::vector<OrderEvent>> history_page(std::string_view customer_id,
                                               int64_t before_sequence, std::size_t limit,
                                               const Deadline& deadline = {});

 private:
  OrderStore& store_;
  EventPublisher& publisher_;
  Clock now_ms_;
};

}  // namespace orderstream
