#include "transport/update_queue.h"

#include "transport/proto_mapping.h"

namespace orderstream::transport {

std::pair<UpdateQueue::Slot*, bool> UpdateQueue::subscribe(const std::string& order_id) {
  auto [it, is_new] = slots_.try_emplace(order_id);
  if (is_new) it->second.order_id = &it->first;  // map nodes never move
  return {&it->second, is_new};
}

std::vector<std::string> UpdateQueue::order_ids() const {
  std::vector<std::string> ids;
  ids.reserve(slots_.size());
  for (const auto& [id, slot] : slots_) ids.push_back(id);
  return ids;
}

void UpdateQueue::offer(Slot& slot, const OrderEvent& event) {
  queue(slot, event.sequence, event.type, event.timestamp_ms);
}

void UpdateQueue::offer_unknown(Slot& slot) { queue(slot, 0, std::nullopt, 0); }

void UpdateQueue::queue(Slot& slot, int64_t sequence, std::optional<OrderStatus> status,
                        int64_t updated_at_ms) {
  if (sequence <= slot.last_sequence) return;
  slot.last_sequence = sequence;
  if (slot.queued) {
    ++conflated_;
    if (counters_) counters_->conflated.add(1);
  } else {
    slot.queued = true;
    ready_.push_back(&slot);
    if (counters_) counters_->pending.add(1);
  }
  slot.status = status;
  slot.updated_at_ms = updated_at_ms;
}

bool UpdateQueue::pop(::ecommerce::orders::OrderUpdate& out) {
  if (ready_.empty()) return false;
  Slot& slot = *ready_.front();
  ready_.pop_front();
  slot.queued = false;
  if (counters_) counters_->pending.add(-1);
  assign_update(*slot.order_id, slot.status, slot.updated_at_ms, slot.last_sequence, out);
  return true;
}

void UpdateQueue::discard_pending() {
  if (counters_ && !ready_.empty()) counters_->pending.add(-static_cast<int64_t>(ready_.size()));
  for (Slot* slot : ready_) slot->queued = false;
  ready_.clear();
}

}  // namespace orderstream::transport
