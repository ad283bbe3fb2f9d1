#include "bench/fanout_subscriber.h"

#include <charconv>

namespace orderstream::bench {
namespace {

constexpr std::size_t kMaxFailureMessages = 10;

}  // namespace

std::optional<int> step_of_status(std::string_view status) {
  if (status == "UNKNOWN") return 0;
  if (status == "CREATED") return 1;
  if (status == "SHIPPED") return 2;
  if (status == "DELIVERED") return 3;
  return std::nullopt;
}

FanoutBoard::FanoutBoard(std::string id_prefix, std::vector<int> final_steps)
    : id_prefix_(std::move(id_prefix)),
      final_steps_(std::move(final_steps)),
      send_ns_(std::make_unique<std::atomic<int64_t>[]>(final_steps_.size() * kStepsPerOrder)) {
  for (std::size_t i = 0; i < final_steps_.size() * kStepsPerOrder; ++i) send_ns_[i] = 0;
}

std::string FanoutBoard::order_id(int order) const { return id_prefix_ + std::to_string(order); }

std::optional<int> FanoutBoard::order_index(std::string_view id) const {
  if (id.substr(0, id_prefix_.size()) != id_prefix_) return std::nullopt;
  const char* begin = id.data() + id_prefix_.size();
  const char* end = id.data() + id.size();
  int index = 0;
  const auto [parsed_end, ec] = std::from_chars(begin, end, index);
  if (ec != std::errc() || parsed_end != end || index < 0 || index >= orders()) return std::nullopt;
  return index;
}

void FanoutBoard::record_send(int order, int step, Clock::time_point when) {
  send_ns_[order * kStepsPerOrder + step - 1].store(to_ns(when), std::memory_order_release);
}

int64_t FanoutBoard::send_ns(int order, int step) const {
  return send_ns_[order * kStepsPerOrder + step - 1].load(std::memory_order_acquire);
}

void FanoutBoard::count(Counter counter) {
  std::lock_guard lock(mutex_);
  switch (counter) {
    case Counter::kAcked:
      ++acked_;
      break;
    case Counter::kComplete:
      ++complete_;
      break;
    case Counter::kDone:
      ++done_;
      break;
  }
  changed_.notify_all();
}

int FanoutBoard::value(Counter counter) const {
  std::lock_guard lock(mutex_);
  switch (counter) {
    case Counter::kAcked:
      return acked_;
    case Counter::kComplete:
      return complete_;
    case Counter::kDone:
      return done_;
  }
  return 0;
}

bool FanoutBoard::wait_for(Counter counter, int target, Clock::time_point until) {
  std::unique_lock lock(mutex_);
  const int* watched = counter == Counter::kAcked      ? &acked_
                       : counter == Counter::kComplete ? &complete_
                                                       : &done_;
  // Waiting for streams to finish must not stop at the first failure; waiting for progress must.
  const bool stop_on_failure = counter != Counter::kDone;
  changed_.wait_until(lock, until,
                      [&] { return *watched >= target || (stop_on_failure && failures_ > 0); });
  return *watched >= target;
}

void FanoutBoard::report_failure(std::string message) {
  std::lock_guard lock(mutex_);
  ++failures_;
  if (failure_messages_.size() < kMaxFailureMessages) {
    failure_messages_.push_back(std::move(message));
  }
  changed_.notify_all();
}

int FanoutBoard::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

std::vector<std::string> FanoutBoard::failure_messages() const {
  std::lock_guard lock(mutex_);
  return failure_messages_;
}

FanoutSubscriber::FanoutSubscriber(std::shared_ptr<FanoutBoard> board, int first_order,
                                   int order_count, int expected_deliveries)
    : board_(std::move(board)),
      first_order_(first_order),
      order_count_(order_count),
      acked_(static_cast<std::size_t>(order_count), 0),
      last_sequence_(static_cast<std::size_t>(order_count), 0),
      last_step_(static_cast<std::size_t>(order_count), 0) {
  latencies_ns_.reserve(static_cast<std::size_t>(expected_deliveries));
  stamp_latencies_ns_.reserve(static_cast<std::size_t>(expected_deliveries));
  for (int i = 0; i < order_count_; ++i) {
    if (board_->final_step(first_order_ + i) > 0) ++orders_with_updates_;
  }
}

void FanoutSubscriber::start(ecommerce::orders::OrderService::Stub& stub,
                             const Deadline& deadline) {
  context_.set_deadline(deadline.system_time());
  stub.async()->NotifyOrderUpdates(&context_, this);
  if (orders_with_updates_ == 0) board_->count(FanoutBoard::Counter::kComplete);
  StartRead(&update_);
  write_next_subscription();
  StartCall();
}

void FanoutSubscriber::cancel() {
  cancel_requested_.store(true);
  context_.TryCancel();
}

void FanoutSubscriber::write_next_subscription() {
  request_.set_id(board_->order_id(first_order_ + written_));
  ++written_;
  grpc::WriteOptions options;
  // Coalesce the subscriptions of one stream; the last write flushes them.
  if (written_ < order_count_) options.set_buffer_hint();
  StartWrite(&request_, options);
}

void FanoutSubscriber::OnWriteDone(bool ok) {
  if (ok && written_ < order_count_) write_next_subscription();
}

void FanoutSubscriber::OnReadDone(bool ok) {
  if (!ok) return;  // the stream is over; OnDone follows
  handle(update_, Clock::now(), std::chrono::system_clock::now());
  StartRead(&update_);
}

void FanoutSubscriber::violation(const std::string& message) {
  if (violations_++ == 0) board_->report_failure(message);
}

void FanoutSubscriber::handle(const ecommerce::orders::OrderUpdate& update, Clock::time_point now,
                              std::chrono::system_clock::time_point wall_now) {
  const auto order = board_->order_index(update.order_id());
  if (!order || *order < first_order_ || *order >= first_order_ + order_count_) {
    violation("update for an order not subscribed: " + update.order_id());
    return;
  }
  const auto step = step_of_status(update.status());
  if (!step) {
    violation("unexpected status " + update.status() + " for " + update.order_id());
    return;
  }
  const int local = *order - first_order_;
  // The first message of an order is its acknowledgement. It is normally UNKNOWN (the order is
  // created only after every acknowledgement arrived), but a newer update may have replaced it.
  if (!acked_[local]) {
    acked_[local] = 1;
    if (++acks_ == order_count_) board_->count(FanoutBoard::Counter::kAcked);
  }
  if (*step == 0) {
    if (update.sequence() != 0)
      violation("UNKNOWN with a nonzero sequence for " + update.order_id());
    return;
  }
  if (update.sequence() <= last_sequence_[local]) {
    violation("sequence " + std::to_string(update.sequence()) + " after " +
              std::to_string(last_sequence_[local]) + " for " + update.order_id());
    return;
  }
  if (*step <= last_step_[local]) {
    violation("status " + update.status() + " after a later one for " + update.order_id());
    return;
  }
  last_sequence_[local] = update.sequence();
  last_step_[local] = static_cast<uint8_t>(*step);
  ++delivered_;
  last_receipt_ = now;
  const int64_t sent = board_->send_ns(*order, *step);
  if (sent > 0) {
    latencies_ns_.push_back(to_ns(now) - sent);
    const int64_t wall_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(wall_now.time_since_epoch()).count();
    stamp_latencies_ns_.push_back(wall_ns - update.updated_at() * 1'000'000);
  } else {
    ++unmatched_;  // an update this run did not send: counted, never timed
  }
  if (*step == board_->final_step(*order) && ++orders_final_ == orders_with_updates_) {
    board_->count(FanoutBoard::Counter::kComplete);
  }
}

void FanoutSubscriber::OnDone(const grpc::Status& status) {
  if (!cancel_requested_.load()) {
    board_->report_failure("stream ended by the server with code " +
                           std::to_string(static_cast<int>(status.error_code())) + ": " +
                           status.error_message());
  }
  board_->count(FanoutBoard::Counter::kDone);
}

FanoutSubscriber& SubscriberFleet::add(int first_order, int order_count, int expected_deliveries) {
  members_.push_back(
      std::make_unique<FanoutSubscriber>(board_, first_order, order_count, expected_deliveries));
  return *members_.back();
}

bool SubscriberFleet::close(double seconds) {
  if (closed_) return true;
  closed_ = true;
  for (auto& member : members_) member->cancel();
  const bool all_done =
      board_->wait_for(FanoutBoard::Counter::kDone, static_cast<int>(members_.size()),
                       Clock::now() + to_duration(seconds));
  if (!all_done) {
    for (auto& member : members_) (void)member.release();  // see the class comment
  }
  return all_done;
}

}  // namespace orderstream::bench
