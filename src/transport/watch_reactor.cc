#include "transport/watch_reactor.h"

#include <utility>
#include <vector>

#include "transport/proto_mapping.h"

namespace orderstream::transport {
namespace {

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE, "Server is shutting down");

}  // namespace

WatchReactor* WatchReactor::start(ReactorContext context) {
  auto* reactor = new WatchReactor(context);
  std::lock_guard lock(reactor->mutex_);
  if (!context.streams.add(reactor->ref())) {
    reactor->finish_locked(kShuttingDown);
  } else {
    reactor->StartRead(&reactor->request_);
  }
  return reactor;
}

WatchReactor::WatchReactor(ReactorContext context) : context_(context) {}

void WatchReactor::OnReadDone(bool ok) {
  std::lock_guard lock(mutex_);
  if (!ok || finish_called_) return;  // half-close: no more subscriptions, keep pushing
  if (request_.id().empty()) {
    finish_locked({grpc::StatusCode::INVALID_ARGUMENT, "OrderID.id is empty"});
    return;
  }
  if (subscriptions_.size() >= kMaxSubscriptions && !subscriptions_.contains(request_.id())) {
    finish_locked({grpc::StatusCode::RESOURCE_EXHAUSTED,
                   "Too many subscriptions on one stream (limit " +
                       std::to_string(kMaxSubscriptions) + "); open another stream"});
    return;
  }
  subscribe_locked(request_.id());
  if (!finish_called_) StartRead(&request_);
}

void WatchReactor::subscribe_locked(const std::string& order_id) {
  // Subscribe before reading the current status: a change committed in between then reaches
  // the slot either way, and the sequence check drops whichever of the two is older.
  const bool is_new = subscriptions_.try_emplace(order_id).second;
  if (is_new && !context_.hub.subscribe(order_id, ref())) {
    finish_locked(kShuttingDown);
    return;
  }
  const bool posted = context_.executor.post([self = ref(), order_id] {
    self->acknowledge(order_id, self->context_.orders.find_order(order_id));
  });
  if (!posted) finish_locked(kShuttingDown);
}

void WatchReactor::acknowledge(const std::string& order_id, Result<std::optional<Order>> current) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  if (!current) {
    finish_locked(to_grpc_status(current.error()));
    return;
  }
  ::ecommerce::orders::OrderUpdate update;
  if (current.value()) {
    fill_update(latest_event_of(*current.value()), &update);
  } else {
    fill_unknown_update(order_id, &update);
  }
  offer_locked(std::move(update));
}

void WatchReactor::on_event(const OrderEvent& event) {
  ::ecommerce::orders::OrderUpdate update;
  fill_update(event, &update);
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  offer_locked(std::move(update));
}

void WatchReactor::offer_locked(::ecommerce::orders::OrderUpdate update) {
  auto it = subscriptions_.find(update.order_id());
  if (it == subscriptions_.end()) return;
  Subscription& subscription = it->second;
  if (update.sequence() <= subscription.last_sequence) return;
  subscription.last_sequence = update.sequence();
  if (!subscription.pending) ready_.push_back(update.order_id());
  subscription.pending = std::move(update);  // replaces an unsent older update: conflation
  write_next_locked();
}

void WatchReactor::write_next_locked() {
  if (write_in_flight_ || finish_called_ || ready_.empty()) return;
  Subscription& subscription = subscriptions_.at(ready_.front());
  ready_.pop_front();
  message_ = std::move(*subscription.pending);
  subscription.pending.reset();
  write_in_flight_ = true;
  StartWrite(&message_);
}

void WatchReactor::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  write_in_flight_ = false;
  if (!ok) {
    finish_locked({grpc::StatusCode::CANCELLED, "Stream write failed"});
    return;
  }
  write_next_locked();
}

void WatchReactor::OnCancel() {
  std::lock_guard lock(mutex_);
  finish_locked({grpc::StatusCode::CANCELLED, "Cancelled"});
}

void WatchReactor::on_server_shutdown() {
  std::lock_guard lock(mutex_);
  finish_locked(kShuttingDown);
}

void WatchReactor::finish_locked(const grpc::Status& status) {
  if (finish_called_) return;
  finish_called_ = true;
  ready_.clear();
  Finish(status);
}

void WatchReactor::OnDone() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    ids.reserve(subscriptions_.size());
    for (const auto& [id, subscription] : subscriptions_) ids.push_back(id);
  }
  context_.hub.unsubscribe(ids, this);
  context_.streams.remove(this);
  release();
}

}  // namespace orderstream::transport
