#include "transport/bulk_reactor.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "auth/access_rules.h"
#include "common/log.h"
#include "domain/order_validation.h"
#include "transport/proto_mapping.h"
#include "transport/request_parsing.h"

namespace orderstream::transport {
namespace {

constexpr int64_t kProgressEvery = 100000;

int32_t clamp_count(int64_t count) {
  return static_cast<int32_t>(std::min<int64_t>(count, std::numeric_limits<int32_t>::max()));
}

}  // namespace

BulkReactor* BulkReactor::start(ReactorContext context, StreamGrant grant,
                                ::ecommerce::orders::BulkProcessResult* result, Deadline deadline) {
  auto* reactor = new BulkReactor(context, std::move(grant), result, deadline);
  std::lock_guard lock(reactor->mutex_);
  if (reactor->register_locked()) reactor->StartRead(&reactor->read_buffer_);
  return reactor;
}

BulkReactor::BulkReactor(ReactorContext context, StreamGrant grant,
                         ::ecommerce::orders::BulkProcessResult* result, Deadline deadline)
    : ManagedStream(context, std::move(grant)),
      result_(result),
      deadline_(or_cancelled(deadline)),
      lease_(context.imports) {}

void BulkReactor::OnReadDone(bool ok) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  if (!ok) {
    reads_done_ = true;
    commit_locked();
    maybe_respond_locked();
    return;
  }
  note_received();
  if (++received_ > context_.limits.bulk_orders_per_stream) {
    finish_locked({grpc::StatusCode::RESOURCE_EXHAUSTED,
                   "Too many orders on one import stream (limit " +
                       std::to_string(context_.limits.bulk_orders_per_stream) +
                       "); orders committed so far are kept: send the rest on another stream"});
    return;
  }
  if (!parse_request(read_buffer_, request_)) {
    // Orders before it stay counted and committed as usual; the client learns the import stopped
    // at this message.
    finish_locked(unparsable_request(request_.GetTypeName(),
                                     "message #" + std::to_string(received_) + " of the stream"));
    return;
  }
  NewOrder order;
  if (!spare_.empty()) {
    order = std::move(spare_.back());
    spare_.pop_back();
  }
  assign_new_order(request_, order);
  if (auto reason = validate_new_order(order, context_.limits.max_id_bytes)) {
    tally_.add_failure(invalid_order_message(order.id, received_, *reason));
  } else if (auto denied = auth::check_create(grant_.caller, order)) {
    // Not counted as one failed order: the token is being used for another customer, which
    // ends the import. Orders committed so far are the caller's own and stay.
    finish_locked({grpc::StatusCode::PERMISSION_DENIED,
                   "Order #" + std::to_string(received_) + ": " + denied->message});
    return;
  } else {
    pending_.push_back(std::move(order));
  }
  if (received_ % kProgressEvery == 0) {
    OS_LOG(kInfo) << "bulk import: " << received_ << " orders received, " << tally_.successes()
                  << " committed, " << tally_.failures() << " failed";
  }
  commit_locked();
  // The limit bounds one transaction and what the stream holds while a commit runs. Batches form
  // by themselves: whatever arrived during the previous commit goes in the next one, so a slow
  // client gets small prompt commits and a fast one large efficient ones.
  if (pending_.size() >= context_.imports.batch_limit()) {
    reading_paused_ = true;  // resumed by on_committed
    lease_.set_full(true);
  } else {
    StartRead(&read_buffer_);
  }
}

void BulkReactor::commit_locked() {
  if (commit_in_flight_ || pending_.empty() || finish_called_) return;
  commit_in_flight_ = true;
  std::vector<NewOrder> batch;
  batch.swap(pending_);
  post_locked([batch = std::move(batch)](BulkReactor& self) mutable {
    self.on_committed(self.context_.orders.create_orders(std::move(batch), self.deadline_));
  });
}

void BulkReactor::on_committed(Result<std::vector<CreateOutcome>> outcomes) {
  std::lock_guard lock(mutex_);
  commit_in_flight_ = false;
  if (finish_called_) return;
  if (!outcomes) {
    // Earlier batches stay committed; the client learns the import stopped and why.
    finish_locked(to_grpc_status(outcomes.error()));
    return;
  }
  const std::size_t keep = context_.imports.batch_limit();
  const auto successes_before = tally_.successes();
  for (auto& outcome : outcomes.value()) {
    if (outcome.kind == CreateOutcome::Kind::kConflict) {
      tally_.add_failure(invalid_order_message(
          outcome.order.id, 0, "already exists with a different customer_id or total"));
    } else {
      tally_.add_success();
    }
    if (spare_.size() < keep) {
      spare_.push_back(NewOrder{std::move(outcome.order.id), std::move(outcome.order.customer_id)});
    }
  }
  context_.counters.orders_imported.add(tally_.successes() - successes_before);
  commit_locked();
  if (reading_paused_ && pending_.size() < context_.imports.batch_limit()) {
    reading_paused_ = false;
    lease_.set_full(false);
    StartRead(&read_buffer_);
  }
  maybe_respond_locked();
}

void BulkReactor::maybe_respond_locked() {
  if (!reads_done_ || commit_in_flight_ || !pending_.empty() || finish_called_) return;
  result_->set_success_count(clamp_count(tally_.successes()));
  result_->set_failure_count(clamp_count(tally_.failures()));
  for (const auto& message : tally_.messages()) result_->add_error_messages(message);
  OS_LOG(kInfo) << "bulk import done: " << tally_.successes() << " succeeded, " << tally_.failures()
                << " failed";
  responded_ = true;
  note_sent();  // the result goes out with the status
  finish_locked(grpc::Status::OK);
}

grpc::Status BulkReactor::shutting_down() {
  return {grpc::StatusCode::UNAVAILABLE,
          "Server is shutting down; orders committed so far are kept, and retrying the import "
          "with the same order ids is safe"};
}

void BulkReactor::on_done() {
  std::lock_guard lock(mutex_);
  if (!responded_) {
    OS_LOG(kInfo) << "bulk import ended early after " << received_ << " orders; "
                  << tally_.successes() << " committed orders are kept";
  }
}

}  // namespace orderstream::transport
