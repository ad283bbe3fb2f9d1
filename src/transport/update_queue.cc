#include "transport/update_queue.h"

#include <utility>

namespace orderstream::transport {

bool UpdateQueue::subscribe(const std::string& order_id) {
  return slots_.try_emplace(order_id).second;
}

std::vector<std::string> UpdateQueue::order_ids() const {
  std::vector<std::string> ids;
  ids.reserve(slots_.size());
  for (const auto& [id, slot] : slots_) ids.push_back(id);
  return ids;
}

void UpdateQueue::offer(::ecommerce::orders::OrderUpdate update) {
  auto it = slots_.find(update.order_id());
  if (it == slots_.end()) return;
  Slot& slot = it->second;
  if (update.sequence() <= slot.last_sequence) return;
  slot.last_sequence = update.sequence();
  if (slot.pending) {
    ++conflated_;
  } else {
    ready_.push_back(&slot);
  }
  slot.pending = std::move(update);
}

bool UpdateQueue::pop(::ecommerce::orders::OrderUpdate& out) {
  if (ready_.empty()) return false;
  Slot& slot = *ready_.front();
  ready_.pop_front();
  out = std::move(*slot.pending);
  slot.pending.reset();
  return true;
}

void UpdateQueue::discard_pending() {
  for (Slot* slot : ready_) slot->pending.reset();
  ready_.clear();
}

}  // namespace orderstream::transport
