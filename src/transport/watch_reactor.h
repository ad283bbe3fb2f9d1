// NotifyOrderUpdates: each OrderID the client sends subscribes the stream to that order in the
// event hub; the server acknowledges it with the order's current status (or UNKNOWN, sequence 0,
// when it does not exist yet) and then pushes every committed change as the hub delivers it.
//
// Memory is bounded by the number of subscriptions, not by the update rate: each subscription has
// one pending slot, and an update that finds the slot full replaces it (conflation; the sequence
// shows the client what it skipped). Per order, updates leave in strictly increasing sequence.
// A client half-close only ends subscribing; the stream lives until cancel, deadline or shutdown.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "events/event_hub.h"
#include "order_service.pb.h"
#include "transport/managed_stream.h"
#include "transport/update_queue.h"

namespace orderstream::transport {

// Reads raw bytes and parses them itself (transport/request_parsing.h), so that a message that
// does not parse ends the stream with INVALID_ARGUMENT instead of looking like a half-close.
using WatchStream = grpc::ServerBidiReactor<grpc::ByteBuffer, ::ecommerce::orders::OrderUpdate>;

class WatchReactor final : public ManagedStream<WatchReactor, WatchStream>, public EventSubscriber {
 public:
  // A stream holding more subscriptions than this is ended with RESOURCE_EXHAUSTED.
  static constexpr std::size_t kMaxSubscriptions = 100000;

  static WatchReactor* start(ReactorContext context);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void on_event(const OrderEvent& event, void* tag) override;

 private:
  friend class RefCounted<WatchReactor>;
  friend class ManagedStream<WatchReactor, WatchStream>;
  explicit WatchReactor(ReactorContext context);
  ~WatchReactor() override = default;

  void subscribe_locked(const std::string& order_id);
  void acknowledge(UpdateQueue::Slot& slot, Result<std::optional<Order>> current);
  void write_next_locked();
  void on_finish_locked() { queue_.discard_pending(); }
  void on_done();

  grpc::ByteBuffer read_buffer_;          // the message as received
  ::ecommerce::orders::OrderID request_;  // read_buffer_ parsed
  UpdateQueue queue_;
  // This stream as the hub holds it: one reference shared by all its subscriptions (the hub
  // hands each delivery the order's slot as its tag). Dropped in on_done.
  std::shared_ptr<EventSubscriber> as_subscriber_;
  bool write_in_flight_ = false;
  bool first_write_ = true;
  ::ecommerce::orders::OrderUpdate message_;  // borrowed by gRPC until OnWriteDone
};

}  // namespace orderstream::transport
