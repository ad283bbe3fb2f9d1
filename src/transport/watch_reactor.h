// NotifyOrderUpdates: each OrderID the client sends subscribes the stream to that order in the
// event hub; the server acknowledges it with the order's current status (or UNKNOWN, sequence 0,
// when it does not exist yet) and then pushes every committed change as the hub delivers it.
//
// Memory is bounded by the number of subscriptions, not by the update rate: each subscription has
// one pending slot, and an update that finds the slot full replaces it (conflation; the sequence
// shows the client what it skipped). Per order, updates leave in strictly increasing sequence.
// A client half-close only ends subscribing; the stream lives until cancel, deadline or shutdown.
//
// A customer token subscribes to its own existing orders only: each request is checked against
// the stored order before the subscription, with reading paused meanwhile. Subscriptions and the
// rate of requests are capped per stream (Limits); over a cap the stream ends RESOURCE_EXHAUSTED.
//
// A subscription with after_sequence (resume) is served exactly instead: subscribe to the hub
// first, then read the order's events after that sequence on the executor while live events
// wait in the slot, then send the events read, then the waiting live ones above the last
// sequence sent. A live event is sent at once only when the lifecycle says it is the order's
// next event (domain: directly_follows); otherwise the order's events are read again from the
// last sequence sent, so an event the hub delivers ahead of an earlier one never hides it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/token_bucket.h"
#include "events/event_hub.h"
#include "order_service.pb.h"
#include "transport/managed_stream.h"
#include "transport/update_queue.h"

namespace orderstream::transport {

// Reads raw bytes and parses them itself (transport/request_parsing.h), so that a message that
// does not parse ends the stream with INVALID_ARGUMENT instead of looking like a half-close.
using WatchStream = grpc::ServerBidiReactor<grpc::ByteBuffer, ::ecommerce::orders::OrderUpdate>;

class WatchReactor final : public WritingStream<WatchReactor, WatchStream>, public EventSubscriber {
 public:
  static WatchReactor* start(ReactorContext context, StreamGrant grant);

  void OnReadDone(bool ok) override;
  void on_event(const OrderEvent& event, void* tag) override;

 private:
  friend class RefCounted<WatchReactor>;
  friend class ManagedStream<WatchReactor, WatchStream>;
  friend class WritingStream<WatchReactor, WatchStream>;
  WatchReactor(ReactorContext context, StreamGrant grant);
  ~WatchReactor() override = default;

  // Parses the request just read and checks it (valid id and resume point, request rate,
  // subscriptions): true if it may go on; otherwise the stream is finished.
  bool admit_request_locked();
  void subscribe_locked(const std::string& order_id, std::optional<int64_t> after_sequence);
  // A customer's request once its order was read: subscribes if the order is the customer's.
  void on_owner_checked(const std::string& order_id, std::optional<int64_t> after_sequence,
                        Result<std::optional<Order>> stored);
  void acknowledge(UpdateQueue::Slot& slot, Result<std::optional<Order>> current);
  // Resume mode: reads what the slot's order missed after its last sequence, unless a read is
  // already in flight.
  void catch_up_locked(UpdateQueue::Slot& slot);
  void on_caught_up(UpdateQueue::Slot& slot, Result<std::optional<MissedEvents>> missed);
  // Resume mode: a live event (or the order's current event) for the slot.
  void on_live_locked(UpdateQueue::Slot& slot, const OrderEvent& event);
  void write_next_locked();
  void on_finish_locked() { queue_.discard_pending(); }
  void on_done();

  grpc::ByteBuffer read_buffer_;          // the message as received
  ::ecommerce::orders::OrderID request_;  // read_buffer_ parsed
  UpdateQueue queue_;
  TokenBucket requests_;  // the rate of subscription requests
  // This stream as the hub holds it: one reference shared by all its subscriptions (the hub
  // hands each delivery the order's slot as its tag). Dropped in on_done.
  std::shared_ptr<EventSubscriber> as_subscriber_;
  bool first_write_ = true;
  ::ecommerce::orders::OrderUpdate message_;  // borrowed by gRPC until OnWriteDone
};

}  // namespace orderstream::transport
