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
  queue(slot, {event.sequence, event.type, event.timestamp_ms});
}

void UpdateQueue::offer_unknown(Slot& slot) { queue(slot, {0, std::nullopt, 0}); }

void UpdateQueue::queue(Slot& slot, Pending update) {
  if (update.sequence <= slot.last_sequence) return;
  slot.last_sequence = update.sequence;
  if (!slot.queued) {
    slot.queued = true;
    slot.pending = update;
    ready_.push_back(&slot);
  } else if (slot.exact) {
    slot.backlog.push_back(update);
  } else {
    ++conflated_;
    if (counters_) counters_->conflated.add(1);
    slot.pending = update;
    return;
  }
  if (counters_) counters_->pending.add(1);
}

bool UpdateQueue::pop(::ecommerce::orders::OrderUpdate& out) {
  if (ready_.empty()) return false;
  Slot& slot = *ready_.front();
  ready_.pop_front();
  if (counters_) counters_->pending.add(-1);
  assign_update(*slot.order_id, slot.pending.status, slot.pending.updated_at_ms,
                slot.pending.sequence, out);
  if (slot.backlog.empty()) {
    slot.queued = false;
  } else {
    // The next one of this order goes behind the other orders' updates already waiting.
    slot.pending = slot.backlog.front();
    slot.backlog.erase(slot.backlog.begin());
    ready_.push_back(&slot);
  }
  return true;
}

void UpdateQueue::discard_pending() {
  int64_t discarded = 0;
  for (Slot* slot : ready_) {
    discarded += 1 + static_cast<int64_t>(slot->backlog.size());
    slot->queued = false;
    slot->backlog.clear();
  }
  if (counters_ && discarded > 0) counters_->pending.add(-discarded);
  ready_.clear();
}

}  // namespace orderstream::transport
