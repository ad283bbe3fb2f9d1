// The event hub fans committed order events out to the streams watching those orders, within one
// server process. Publishers (the order service, right after a commit) call publish(); each
// subscriber receives the events of the order ids it subscribed to, in the order publish() was
// called, and must only queue them (never block). Subscriptions for ids that do not exist yet are
// allowed: the CREATED event reaches them when the order appears.
//
// Delivery runs either on the publisher's thread, inside publish() (no lanes), or on delivery
// lanes: publish() then only queues, and each lane is one thread that serves a fixed share of the
// subscribers. A subscriber always gets the same lane, so its events stay in publish order, while
// the subscribers of one event are served by all lanes at once. Lanes keep a slow fan-out (a
// thousand watchers of one order) off the committing thread, so the next commit does not wait
// for it, and spread it over the cores.
//
// Streams may also follow a customer (follow()): a follower learns THAT a customer's events were
// committed, not what they are. It gets one call per publish that holds events of the customer,
// with the last (highest sequence) of them, and reads the events themselves from the database
// after the last one it sent. The hub therefore holds no event for a follower, however slow it is.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/executor.h"
#include "domain/event_publisher.h"
#include "domain/order.h"

namespace orderstream {

class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  // An event of a subscribed order; `tag` is what the subscriber passed to subscribe() for that
  // order (the hub never reads it), so it can find its state for the order without a lookup.
  // Called without hub locks held; must not block.
  virtual void on_event(const OrderEvent& event, void* tag) = 0;
};

class EventHub : public EventPublisher {
 public:
  // `lanes` delivery threads, raised `priority_boost` nice levels (common/thread_priority.h);
  // 0 lanes deliver on the publisher's thread.
  explicit EventHub(std::size_t lanes = 0, int priority_boost = 0);
  // Delivers what the lanes still hold, then joins them.
  ~EventHub() override;
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Adds `subscriber` to the watchers of `order_id`, each event of it to be delivered with `tag`;
  // false once the hub is closed. Subscribing twice to one order keeps the first tag.
  bool subscribe(const std::string& order_id, const std::shared_ptr<EventSubscriber>& subscriber,
                 void* tag = nullptr);

  // Removes `subscriber` from the watchers of each id in `order_ids`.
  void unsubscribe(std::span<const std::string> order_ids, const EventSubscriber* subscriber);

  // Adds `subscriber` to the followers of `customer_id`: after each publish that holds events of
  // that customer it receives one on_event call, with the customer's last event of the publish
  // and `tag`, on the subscriber's lane (so in publish order). False once the hub is closed.
  // Following twice keeps the first tag.
  bool follow(const std::string& customer_id, const std::shared_ptr<EventSubscriber>& subscriber,
              void* tag = nullptr);
  // Removes `subscriber` from the followers of `customer_id`.
  void unfollow(const std::string& customer_id, const EventSubscriber* subscriber);

  void publish(std::span<const OrderEvent> events) override;
  // Builds an event only for the new orders that someone watches, and for the last new order of
  // each followed customer.
  void publish_created(std::span<const CreateOutcome> outcomes) override;

  // Drops every subscription and follower and refuses new ones (server shutdown; the transport
  // finishes the streams themselves).
  void close();

  // Order subscriptions (watch streams).
  std::size_t subscription_count() const;
  // Customer follows (followed history streams).
  std::size_t follower_count() const;
  // Whether anyone would receive an event now: an order subscription or a follower.
  bool has_subscribers() const;

  // Running totals for metrics, counted under the hub's lock on the publishing thread (one add
  // per publish, none per delivery).
  struct Stats {
    uint64_t events_published = 0;  // committed events handed to the hub
    uint64_t deliveries = 0;        // events handed to a watching stream (one per stream)
  };
  Stats stats() const;

 private:
  struct Watcher {
    std::shared_ptr<EventSubscriber> subscriber;
    void* tag;
  };
  // A follower gets one delivery per publish; these find it again for the customer's next
  // event in the same publish (guarded by mutex_, like the rest of the entry).
  struct Follower {
    std::shared_ptr<EventSubscriber> subscriber;
    void* tag = nullptr;
    uint64_t publish = 0;  // the publish_serial_ of its last delivery
    std::size_t lane = 0;  // where that delivery is: by_lane[lane][index]
    std::size_t index = 0;
  };
  struct Delivery {
    std::shared_ptr<EventSubscriber> subscriber;
    void* tag;
    std::size_t event;  // index into the published events
  };
  using Deliveries = std::vector<Delivery>;

  std::size_t lane_of(const EventSubscriber* subscriber) const;
  // Hands `events` to their watchers and followers; `lock` holds mutex_ and may be released.
  void deliver_locked(std::unique_lock<std::mutex>& lock, std::span<const OrderEvent> events);
  // Adds the follower deliveries of `events` to `by_lane`, one per follower and publish.
  void add_follower_deliveries_locked(std::vector<Deliveries>& by_lane,
                                      std::span<const OrderEvent> events);
  // The events of `outcomes` (one commit, in order) that someone receives: watched orders, and
  // each followed customer's last new order.
  std::vector<OrderEvent> created_events_to_deliver_locked(
      std::span<const CreateOutcome> outcomes) const;

  mutable std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<std::string, std::vector<Watcher>> watchers_;  // by order id
  std::size_t subscriptions_ = 0;
  std::unordered_map<std::string, std::vector<Follower>> followers_;  // by customer id
  std::size_t follows_ = 0;
  uint64_t publish_serial_ = 0;                   // one per deliver_locked call
  Stats stats_;                                   // guarded by mutex_
  std::vector<std::unique_ptr<Executor>> lanes_;  // one thread each
};

}  // namespace orderstream
