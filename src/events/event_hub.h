// The event hub fans committed order events out to the streams watching those orders, within one
// server process. Publishers (the order service, right after a commit) call publish(); each
// subscriber receives the events of the order ids it subscribed to, in commit order, on the
// publisher's thread, and must only queue them (never block). Subscriptions for ids that do not
// exist yet are allowed: the CREATED event reaches them when the order appears.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/event_publisher.h"
#include "domain/order.h"

namespace orderstream {

class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  // An event of a subscribed order. Called without hub locks held; must not block.
  virtual void on_event(const OrderEvent& event) = 0;
};

class EventHub : public EventPublisher {
 public:
  // Adds `subscriber` to the watchers of `order_id`; false once the hub is closed.
  bool subscribe(const std::string& order_id, const std::shared_ptr<EventSubscriber>& subscriber);

  // Removes `subscriber` from the watchers of each id in `order_ids`.
  void unsubscribe(std::span<const std::string> order_ids, const EventSubscriber* subscriber);

  void publish(std::span<const OrderEvent> events) override;

  // Drops every subscription and refuses new ones (server shutdown; the transport finishes the
  // streams themselves).
  void close();

  std::size_t subscription_count() const;

 private:
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<std::string, std::vector<std::shared_ptr<EventSubscriber>>> watchers_;
  std::size_t subscriptions_ = 0;
};

}  // namespace orderstream
