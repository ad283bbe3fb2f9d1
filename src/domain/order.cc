#include "domain/order.h"

namespace orderstream {

OrderEvent latest_event_of(const Order& order) {
  return OrderEvent{order.sequence, order.id, order.customer_id, order.status, order.updated_at_ms};
}

bool same_content(const Order& stored, const NewOrder& request) {
  return stored.customer_id == request.customer_id && stored.total == request.total;
}

}  // namespace orderstream
