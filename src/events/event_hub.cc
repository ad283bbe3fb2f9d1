#include "events/event_hub.h"

#include <algorithm>
#include <utility>

namespace orderstream {

bool EventHub::subscribe(const std::string& order_id,
                         const std::shared_ptr<EventSubscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  auto& list = watchers_[order_id];
  if (std::find(list.begin(), list.end(), subscriber) != list.end()) return true;
  list.push_back(subscriber);
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
    std::erase_if(list, [&](const auto& s) { return s.get() == subscriber; });
    subscriptions_ -= before - list.size();
    if (list.empty()) watchers_.erase(it);
  }
}

void EventHub::publish(std::span<const OrderEvent> events) {
  // Deliveries happen outside the lock (subscribers take their own locks and may call back
  // into the hub); the copied shared_ptrs keep each subscriber alive meanwhile.
  std::vector<std::pair<std::shared_ptr<EventSubscriber>, const OrderEvent*>> deliveries;
  {
    std::lock_guard lock(mutex_);
    if (watchers_.empty()) return;
    for (const auto& event : events) {
      auto it = watchers_.find(event.order_id);
      if (it == watchers_.end()) continue;
      for (const auto& subscriber : it->second) deliveries.emplace_back(subscriber, &event);
    }
  }
  for (const auto& [subscriber, event] : deliveries) subscriber->on_event(*event);
}

void EventHub::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  watchers_.clear();
  subscriptions_ = 0;
}

std::size_t EventHub::subscription_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

}  // namespace orderstream
