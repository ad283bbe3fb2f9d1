#include "transport/watch_reactor.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "auth/access_rules.h"
#include "domain/order_validation.h"
#include "transport/proto_mapping.h"
#include "transport/request_parsing.h"
#include "transport/write_coalescing.h"

namespace orderstream::transport {

WatchReactor* WatchReactor::start(ReactorContext context, StreamGrant grant) {
  auto* reactor = new WatchReactor(context, std::move(grant));
  std::lock_guard lock(reactor->mutex_);
  if (reactor->register_locked()) reactor->StartRead(&reactor->read_buffer_);
  return reactor;
}

WatchReactor::WatchReactor(ReactorContext context, StreamGrant grant)
    : WritingStream(context, std::move(grant)),
      queue_(&context_.counters.watch),
      requests_(context.limits.watch_requests_per_second, context.limits.watch_request_burst) {}

void WatchReactor::OnReadDone(bool ok) {
  std::lock_guard lock(mutex_);
  if (!ok || finish_called_) return;  // half-close: no more subscriptions, keep pushing
  note_received();
  if (!admit_request_locked()) return;
  std::optional<int64_t> after_sequence;
  if (request_.has_after_sequence()) after_sequence = request_.after_sequence();
  if (grant_.caller.is_admin()) {
    subscribe_locked(request_.id(), after_sequence);
    if (!finish_called_) StartRead(&read_buffer_);
    return;
  }
  // The owner of an order never changes, so checking it first and subscribing after leaves no
  // gap; the next request waits until then.
  post_locked([order_id = request_.id(), after_sequence](WatchReactor& self) {
    self.on_owner_checked(order_id, after_sequence, self.context_.orders.find_order(order_id));
  });
}

bool WatchReactor::admit_request_locked() {
  const Limits& limits = context_.limits;
  if (!parse_request(read_buffer_, request_)) {
    finish_locked(unparsable_request(request_.GetTypeName(), "subscription message"));
    return false;
  }
  if (auto invalid = invalid_id_error("OrderID.id", request_.id(), limits.max_id_bytes)) {
    finish_locked(to_grpc_status(*invalid));
    return false;
  }
  if (request_.has_after_sequence()) {
    if (auto invalid =
            invalid_sequence_error("OrderID.after_sequence", request_.after_sequence())) {
      finish_locked(to_grpc_status(*invalid));
      return false;
    }
  }
  if (!requests_.try_take()) {
    finish_locked({grpc::StatusCode::RESOURCE_EXHAUSTED,
                   "Too many subscription requests on one stream (limit " +
                       std::to_string(static_cast<int64_t>(limits.watch_requests_per_second)) +
                       " per second after a burst of " +
                       std::to_string(static_cast<int64_t>(limits.watch_request_burst)) +
                       "); subscribe more slowly"});
    return false;
  }
  if (queue_.subscriptions() >= limits.subscriptions_per_stream &&
      !queue_.subscribed(request_.id())) {
    finish_locked({grpc::StatusCode::RESOURCE_EXHAUSTED,
                   "Too many subscriptions on one stream (limit " +
                       std::to_string(limits.subscriptions_per_stream) + "); open another stream"});
    return false;
  }
  return true;
}

void WatchReactor::on_owner_checked(const std::string& order_id,
                                    std::optional<int64_t> after_sequence,
                                    Result<std::optional<Order>> stored) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  if (!stored) {
    finish_locked(to_grpc_status(stored.error()));
    return;
  }
  if (auto denied = auth::check_order(grant_.caller, stored.value())) {
    finish_locked(to_grpc_status(*denied));
    return;
  }
  subscribe_locked(order_id, after_sequence);
  if (!finish_called_) StartRead(&read_buffer_);
}

void WatchReactor::subscribe_locked(const std::string& order_id,
                                    std::optional<int64_t> after_sequence) {
  // Subscribe before reading the current status: a change committed in between then reaches
  // the slot either way, and the sequence check drops whichever of the two is older.
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  const auto subscribed = queue_.subscribe(order_id);
  UpdateQueue::Slot* const slot = subscribed.first;
  if (subscribed.second) {
    if (!as_subscriber_) as_subscriber_ = ref();
    if (!context_.hub.subscribe(order_id, as_subscriber_, slot)) {
      finish_locked(shutting_down());
      return;
    }
  }
  if (after_sequence) {
    // Nothing at or below the resume point is sent, and nothing this stream already queued.
    slot->exact = true;
    slot->last_sequence = std::max(slot->last_sequence, *after_sequence);
    catch_up_locked(*slot);
    return;
  }
  post_locked([order_id, slot](WatchReactor& self) {
    self.acknowledge(*slot, self.context_.orders.find_order(order_id));
  });
}

void WatchReactor::catch_up_locked(UpdateQueue::Slot& slot) {
  if (slot.catching_up || finish_called_) return;
  slot.catching_up = true;
  post_locked([slot = &slot, after = slot.last_sequence](WatchReactor& self) {
    self.on_caught_up(*slot, self.context_.orders.order_events_after(*slot->order_id, after));
  });
}

void WatchReactor::on_caught_up(UpdateQueue::Slot& slot,
                                Result<std::optional<MissedEvents>> missed) {
  std::lock_guard lock(mutex_);
  slot.catching_up = false;
  if (finish_called_) return;
  if (!missed) {
    finish_locked(to_grpc_status(missed.error()));
    return;
  }
  if (missed.value()) {
    for (const OrderEvent& event : missed.value()->events) queue_.offer(slot, event);
    // The read ends at the order's last event as read, so its status is the one at
    // last_sequence (events the client already had are not read, but set no later status).
    slot.known_status = std::optional(missed.value()->order.status);
  } else {
    slot.known_status = std::optional<OrderStatus>();  // no order yet: CREATED comes next
  }
  // Live events that arrived during the read: those it covered are at or below last_sequence.
  std::vector<OrderEvent> held = std::move(slot.held);
  slot.held.clear();
  for (const OrderEvent& event : held) on_live_locked(slot, event);
  write_next_locked();
}

void WatchReactor::on_live_locked(UpdateQueue::Slot& slot, const OrderEvent& event) {
  if (event.sequence <= slot.last_sequence) return;  // sent already, or before the resume point
  if (!slot.catching_up && slot.known_status && directly_follows(*slot.known_status, event.type)) {
    queue_.offer(slot, event);
    slot.known_status = std::optional(event.type);
    return;
  }
  // During a read, or when an event of the order may be missing before this one: the read
  // (again) from last_sequence returns this event too, in order; the copy held here is dropped
  // then as already queued.
  slot.held.push_back(event);
  catch_up_locked(slot);
}

void WatchReactor::acknowledge(UpdateQueue::Slot& slot, Result<std::optional<Order>> current) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  if (!current) {
    finish_locked(to_grpc_status(current.error()));
    return;
  }
  if (slot.exact) {
    // Resubscribed without a resume point on a stream that resumes this order: its current
    // event goes through the exact path; an UNKNOWN acknowledgement says nothing new.
    if (current.value()) on_live_locked(slot, latest_event_of(*current.value()));
  } else if (current.value()) {
    queue_.offer(slot, latest_event_of(*current.value()));
  } else {
    queue_.offer_unknown(slot);
  }
  write_next_locked();
}

void WatchReactor::on_event(const OrderEvent& event, void* tag) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  auto& slot = *static_cast<UpdateQueue::Slot*>(tag);
  if (slot.exact) {
    on_live_locked(slot, event);
  } else {
    queue_.offer(slot, event);
  }
  write_next_locked();
}

void WatchReactor::write_next_locked() {
  if (write_in_flight_ || finish_called_ || !queue_.pop(message_)) return;
  write_in_flight_ = true;
  // A backlog (a burst of updates, a slow reader) leaves in coalesced writes.
  StartWrite(&message_, coalesced_write_options(first_write_, queue_.has_pending()));
  first_write_ = false;
}

void WatchReactor::on_done() {
  std::vector<std::string> ids;
  std::shared_ptr<EventSubscriber> as_subscriber;  // dropped last, after the hub let go
  {
    std::lock_guard lock(mutex_);
    ids = queue_.order_ids();
    as_subscriber = std::move(as_subscriber_);
  }
  context_.hub.unsubscribe(ids, this);
}

}  // namespace orderstream::transport
