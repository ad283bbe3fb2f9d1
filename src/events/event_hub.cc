#include "events/event_hub.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace orderstream {

EventHub::EventHub(std::size_t lanes, int priority_boost) {
  for (std::size_t i = 0; i < lanes; ++i)
    lanes_.push_back(std::make_unique<Executor>(1, "os-fanout-lane", priority_boost));
}

EventHub::~EventHub() {
  // Each lane drains its queue before its thread is joined.
  lanes_.clear();
}

std::size_t EventHub::lane_of(const EventSubscriber* subscriber) const {
  // Objects are aligned, so the low bits of their address carry nothing; a multiplicative hash
  // spreads them over the lanes.
  const auto bits = reinterpret_cast<std::uintptr_t>(subscriber) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(bits >> 32) % lanes_.size();
}

bool EventHub::subscribe(const std::string& order_id,
                         const std::shared_ptr<EventSubscriber>& subscriber, void* tag) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  auto& list = watchers_[order_id];
  const auto same = [&](const Watcher& w) { return w.subscriber == subscriber; };
  if (std::find_if(list.begin(), list.end(), same) != list.end()) return true;
  list.push_back({subscriber, tag});
  ++subscriptions_;
  return true;
}

void EventHub::unsubscribe(std::span<const std::string> order_ids,
                           const EventSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  for (const auto& id : order_ids) {
    auto it = watchers_.find(id);
    if (it == watchers_.end()) continue;
    auto& list = it->second;
    const auto before = list.size();
    std::erase_if(list, [&](const Watcher& w) { return w.subscriber.get() == subscriber; });
    subscriptions_ -= before - list.size();
    if (list.empty()) watchers_.erase(it);
  }
}

bool EventHub::follow(const std::string& customer_id,
                      const std::shared_ptr<EventSubscriber>& subscriber, void* tag) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  auto& list = followers_[customer_id];
  const auto same = [&](const Follower& f) { return f.subscriber == subscriber; };
  if (std::find_if(list.begin(), list.end(), same) != list.end()) return true;
  Follower follower;
  follower.subscriber = subscriber;
  follower.tag = tag;
  list.push_back(std::move(follower));
  ++follows_;
  return true;
}

void EventHub::unfollow(const std::string& customer_id, const EventSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = followers_.find(customer_id);
  if (it == followers_.end()) return;
  auto& list = it->second;
  const auto before = list.size();
  std::erase_if(list, [&](const Follower& f) { return f.subscriber.get() == subscriber; });
  follows_ -= before - list.size();
  if (list.empty()) followers_.erase(it);
}

void EventHub::publish(std::span<const OrderEvent> events) {
  std::unique_lock lock(mutex_);
  stats_.events_published += events.size();
  deliver_locked(lock, events);
}

void EventHub::publish_created(std::span<const CreateOutcome> outcomes) {
  // Counted before the lock: one pass over a committed batch, which is only compared, not read.
  const auto created = std::count_if(outcomes.begin(), outcomes.end(), [](const auto& outcome) {
    return outcome.kind == CreateOutcome::Kind::kCreated;
  });
  std::unique_lock lock(mutex_);
  stats_.events_published += static_cast<uint64_t>(created);
  if (watchers_.empty() && followers_.empty()) return;
  const std::vector<OrderEvent> events = created_events_to_deliver_locked(outcomes);
  deliver_locked(lock, events);
}

std::vector<OrderEvent> EventHub::created_events_to_deliver_locked(
    std::span<const CreateOutcome> outcomes) const {
  using Kind = CreateOutcome::Kind;
  // A follower is told once per publish, with the customer's last event: walking the commit
  // backwards finds each followed customer's last new order, and no other order of theirs is
  // built (a bulk import of a followed customer copies one order's strings, not a million).
  std::vector<std::size_t> last_of_followed;  // indices, descending
  if (!followers_.empty()) {
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = outcomes.size(); i-- > 0;) {
      const Order& order = outcomes[i].order;
      if (outcomes[i].kind == Kind::kCreated && followers_.contains(order.customer_id) &&
          seen.insert(order.customer_id).second) {
        last_of_followed.push_back(i);
      }
    }
  }
  std::vector<OrderEvent> events;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].kind != Kind::kCreated) continue;
    const bool followed = !last_of_followed.empty() && last_of_followed.back() == i;
    if (followed) last_of_followed.pop_back();
    if (followed || (!watchers_.empty() && watchers_.contains(outcomes[i].order.id))) {
      events.push_back(latest_event_of(outcomes[i].order));
    }
  }
  return events;
}

void EventHub::deliver_locked(std::unique_lock<std::mutex>& lock,
                              std::span<const OrderEvent> events) {
  if ((watchers_.empty() && followers_.empty()) || events.empty()) return;
  // Without lanes everything goes in one list. The copied shared_ptrs keep each subscriber alive
  // until its delivery is over, even if it unsubscribes meanwhile.
  std::vector<Deliveries> by_lane(std::max<std::size_t>(lanes_.size(), 1));
  if (!watchers_.empty()) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto it = watchers_.find(events[i].order_id);
      if (it == watchers_.end()) continue;
      for (const auto& [subscriber, tag] : it->second) {
        by_lane[lanes_.empty() ? 0 : lane_of(subscriber.get())].push_back({subscriber, tag, i});
      }
    }
  }
  // The metric counts what watch streams receive; a follower's call carries no event of its own.
  for (const auto& deliveries : by_lane) stats_.deliveries += deliveries.size();
  if (!followers_.empty()) add_follower_deliveries_locked(by_lane, events);
  if (lanes_.empty()) {
    // Delivered outside the lock: subscribers take their own locks and may call back into the
    // hub.
    lock.unlock();
    for (const auto& [subscriber, tag, index] : by_lane.front()) {
      subscriber->on_event(events[index], tag);
    }
    return;
  }
  // Queued under the lock, so that every lane receives publishes in the order they were made.
  std::shared_ptr<const std::vector<OrderEvent>> copies;
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    if (by_lane[lane].empty()) continue;
    if (!copies) {
      copies = std::make_shared<const std::vector<OrderEvent>>(events.begin(), events.end());
    }
    lanes_[lane]->post([copies, deliveries = std::move(by_lane[lane])] {
      for (const auto& [subscriber, tag, index] : deliveries) {
        subscriber->on_event((*copies)[index], tag);
      }
    });
  }
}

void EventHub::add_follower_deliveries_locked(std::vector<Deliveries>& by_lane,
                                              std::span<const OrderEvent> events) {
  const uint64_t serial = ++publish_serial_;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto it = followers_.find(events[i].customer_id);
    if (it == followers_.end()) continue;
    for (Follower& follower : it->second) {
      if (follower.publish == serial) {
        // Told already in this publish: the call carries the customer's highest sequence.
        auto& delivery = by_lane[follower.lane][follower.index];
        if (events[i].sequence > events[delivery.event].sequence) delivery.event = i;
        continue;
      }
      follower.publish = serial;
      follower.lane = lanes_.empty() ? 0 : lane_of(follower.subscriber.get());
      follower.index = by_lane[follower.lane].size();
      by_lane[follower.lane].push_back({follower.subscriber, follower.tag, i});
    }
  }
}

void EventHub::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  watchers_.clear();
  subscriptions_ = 0;
  followers_.clear();
  follows_ = 0;
}

EventHub::Stats EventHub::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t EventHub::subscription_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

std::size_t EventHub::follower_count() const {
  std::lock_guard lock(mutex_);
  return follows_;
}

bool EventHub::has_subscribers() const {
  std::lock_guard lock(mutex_);
  return subscriptions_ > 0 || follows_ > 0;
}

}  // namespace orderstream
