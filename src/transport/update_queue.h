// The outgoing side of one watch stream: a slot per subscribed order holding at most one unsent
// update. An update that finds its slot full replaces the unsent one (conflation: a slow reader
// gets each order's newest status, and the sequence shows what it skipped), and an update not
// newer than the last one queued for its order is dropped, so per order the client sees strictly
// increasing sequences. Memory is bounded by the number of subscriptions, whatever the update
// rate. Not thread-safe: the watch reactor guards it with its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "order_service.pb.h"

namespace orderstream::transport {

class UpdateQueue {
 public:
  // False if the order was already subscribed.
  bool subscribe(const std::string& order_id);
  bool subscribed(const std::string& order_id) const { return slots_.contains(order_id); }
  std::size_t subscriptions() const { return slots_.size(); }
  std::vector<std::string> order_ids() const;

  // Queues `update` for its order: ignored if the order is not subscribed or the update is not
  // newer than the last one queued for it; replaces an unsent older one.
  void offer(::ecommerce::orders::OrderUpdate update);

  bool has_pending() const { return !ready_.empty(); }
  // Moves the oldest pending update into `out`; false when none is pending.
  bool pop(::ecommerce::orders::OrderUpdate& out);
  // Drops every unsent update (the stream is finishing).
  void discard_pending();

  // Unsent updates replaced by newer ones so far.
  std::size_t conflated() const { return conflated_; }

 private:
  struct Slot {
    std::optional<::ecommerce::orders::OrderUpdate> pending;
    int64_t last_sequence = -1;  // newest sequence queued so far
  };

  std::unordered_map<std::string, Slot> slots_;
  // Slots holding an update, oldest first. Map nodes never move and no slot is erased, so the
  // pointers stay valid.
  std::deque<Slot*> ready_;
  std::size_t conflated_ = 0;
};

}  // namespace orderstream::transport
