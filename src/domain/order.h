// The order and its events as the domain sees them, free of wire and storage types. An order's
// history is a list of events, each stamped with a database-wide, strictly increasing sequence
// that orders them and lets a client resume; the order row caches the latest one.
#pragma once

#include <cstdint>
#include <string>

#include "domain/order_status.h"

namespace orderstream {

// What a client asks to create. An empty id asks the server to assign one.
struct NewOrder {
  std::string id;
  std::string customer_id;
  float total = 0;
};

struct Order {
  std::string id;
  std::string customer_id;
  float total = 0;
  OrderStatus status = OrderStatus::kCreated;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t sequence = 0;  // of the event that set `status`
};

// One lifecycle step of an order: its creation (type kCreated) or a status change.
struct OrderEvent {
  int64_t sequence = 0;
  std::string order_id;
  std::string customer_id;
  OrderStatus type = OrderStatus::kCreated;
  int64_t timestamp_ms = 0;
};

// The event that made `order` what it is now.
OrderEvent latest_event_of(const Order& order);

// Whether a retried create carries the same content as the stored order, which makes the retry
// safe to answer with the stored order. Totals compare as the float the wire carries.
bool same_content(const Order& stored, const NewOrder& request);

}  // namespace orderstream
