// Where the domain announces committed changes. The order service calls publish() on the same
// code path that committed the event, right after the commit, so watchers are pushed, never
// polled. Implementations must not block (the event hub only queues into subscribers).
#pragma once

#include <span>
#include <vector>

#include "domain/order.h"
#include "domain/order_store.h"

namespace orderstream {

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Events in commit order; one call per committed transaction.
  virtual void publish(std::span<const OrderEvent> events) = 0;

  // The CREATED events of the new orders among `outcomes` (one committed transaction). This
  // default builds them all and calls publish(). A publisher that delivers only some events
  // overrides it to build just those: a bulk import commits a million creates that nobody
  // watches, and the writer thread, the import's serial stage, must not copy each one's strings
  // into an event nobody receives.
  virtual void publish_created(std::span<const CreateOutcome> outcomes) {
    std::vector<OrderEvent> events;
    for (const auto& outcome : outcomes) {
      if (outcome.kind == CreateOutcome::Kind::kCreated) {
        events.push_back(latest_event_of(outcome.order));
      }
    }
    if (!events.empty()) publish(events);
  }
};

}  // namespace orderstream
