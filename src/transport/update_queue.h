// The outgoing side of one watch stream: a slot per subscribed order holding at most one unsent
// update. An update that finds its slot full replaces the unsent one (conflation: a slow reader
// gets each order's newest status, and the sequence shows what it skipped), and an update not
// newer than the last one queued for its order is dropped, so per order the client sees strictly
// increasing sequences. A slot in resume mode (`exact`, a subscription with after_sequence) keeps
// every update instead, in order: an order has at most three events, so it holds at most three.
// Memory is bounded by the number of subscriptions, whatever the update rate. Not thread-safe:
// the watch reactor guards it with its mutex.
//
// A slot keeps its unsent update as plain fields and the message is only built when it leaves,
// into the caller's reused message: under fan-out a delivery then allocates nothing, and the
// event hub hands each delivery the slot it belongs to, so none is looked up by order id.
//
// The queues of a server report into shared Counters (conflations so far, updates waiting now)
// that metrics read; each report is one add to a sharded counter, so deliveries stay lock-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/sharded_counter.h"
#include "domain/order.h"
#include "order_service.pb.h"

namespace orderstream::transport {

class UpdateQueue {
 public:
  // What every queue of a server adds to; read by metrics.
  struct Counters {
    ShardedCounter conflated;  // unsent updates replaced by newer ones
    ShardedCounter pending;    // unsent updates waiting now, over all queues
  };

  explicit UpdateQueue(Counters* counters = nullptr) : counters_(counters) {}
  ~UpdateQueue() { discard_pending(); }
  UpdateQueue(const UpdateQueue&) = delete;
  UpdateQueue& operator=(const UpdateQueue&) = delete;

  // An unsent update, as plain fields.
  struct Pending {
    int64_t sequence = 0;
    std::optional<OrderStatus> status;  // none: UNKNOWN, the order does not exist yet
    int64_t updated_at_ms = 0;
  };

  // One subscribed order. Its address is stable for the queue's life (slots are never erased).
  struct Slot {
    const std::string* order_id = nullptr;  // the queue's own copy
    int64_t last_sequence = -1;             // newest sequence queued so far
    bool queued = false;                    // an unsent update waits: `pending`
    Pending pending;                        // the oldest unsent update
    // Resume mode: nothing is conflated; unsent updates behind `pending`, oldest first.
    bool exact = false;
    std::vector<Pending> backlog;
    // Resume mode, kept by the watch reactor: a read of the order's events is in flight and the
    // live events that arrive meanwhile wait in `held`; `known_status` is the order's status as
    // of `last_sequence` once a read told it (none inside: the order did not exist).
    bool catching_up = false;
    std::vector<OrderEvent> held;
    std::optional<std::optional<OrderStatus>> known_status;
  };

  // The slot of `order_id`, and whether this call made it (false: already subscribed).
  std::pair<Slot*, bool> subscribe(const std::string& order_id);
  bool subscribed(const std::string& order_id) const { return slots_.contains(order_id); }
  std::size_t subscriptions() const { return slots_.size(); }
  std::vector<std::string> order_ids() const;

  // Queues the status `event` gave the slot's order: ignored unless newer than the last update
  // queued for it; replaces an unsent older one.
  void offer(Slot& slot, const OrderEvent& event);
  // Queues the acknowledgement of a subscription to an order that does not exist yet (UNKNOWN,
  // sequence 0), under the same rule.
  void offer_unknown(Slot& slot);

  bool has_pending() const { return !ready_.empty(); }
  // Writes the oldest pending update into `out`, reusing its strings; false when none is pending.
  bool pop(::ecommerce::orders::OrderUpdate& out);
  // Drops every unsent update (the stream is finishing).
  void discard_pending();

  // Unsent updates replaced by newer ones so far.
  std::size_t conflated() const { return conflated_; }

 private:
  void queue(Slot& slot, Pending update);

  std::unordered_map<std::string, Slot> slots_;
  std::deque<Slot*> ready_;  // slots holding an update, oldest first
  std::size_t conflated_ = 0;
  Counters* counters_;  // null: not reported
};

}  // namespace orderstream::transport
