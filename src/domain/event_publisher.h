// Where the domain announces committed changes. The order service calls publish() on the same
// code path that committed the event, right after the commit, so watchers are pushed, never
// polled. Implementations must not block (the event hub only queues into subscribers).
#pragma once

#include <span>

#include "domain/order.h"

namespace orderstream {

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Events in commit order; one call per committed transaction.
  virtual void publish(std::span<const OrderEvent> events) = 0;
};

}  // namespace orderstream
