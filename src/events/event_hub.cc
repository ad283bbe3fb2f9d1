#include "events/event_hub.h"

#include <algorithm>
#include <cstdint>
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
  if (watchers_.empty()) return;
  std::vector<OrderEvent> watched;
  for (const auto& outcome : outcomes) {
    if (outcome.kind == CreateOutcome::Kind::kCreated && watchers_.contains(outcome.order.id)) {
      watched.push_back(latest_event_of(outcome.order));
    }
  }
  deliver_locked(lock, watched);
}

void EventHub::deliver_locked(std::unique_lock<std::mutex>& lock,
                              std::span<const OrderEvent> events) {
  if (watchers_.empty() || events.empty()) return;
  // Without lanes everything goes in one list. The copied shared_ptrs keep each subscriber alive
  // until its delivery is over, even if it unsubscribes meanwhile.
  std::vector<Deliveries> by_lane(std::max<std::size_t>(lanes_.size(), 1));
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto it = watchers_.find(events[i].order_id);
    if (it == watchers_.end()) continue;
    for (const auto& [subscriber, tag] : it->second) {
      by_lane[lanes_.empty() ? 0 : lane_of(subscriber.get())].push_back({subscriber, tag, i});
    }
  }
  for (const auto& deliveries : by_lane) stats_.deliveries += deliveries.size();
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

void EventHub::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  watchers_.clear();
  subscriptions_ = 0;
}

EventHub::Stats EventHub::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t EventHub::subscription_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

}  // namespace orderstream
