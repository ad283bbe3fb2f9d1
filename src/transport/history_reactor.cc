#include "transport/history_reactor.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "auth/access_rules.h"
#include "domain/order_validation.h"
#include "transport/proto_mapping.h"
#include "transport/request_parsing.h"
#include "transport/write_coalescing.h"

namespace orderstream::transport {
namespace {

// A small first page gets the first event out quickly; later pages amortise the query.
constexpr std::size_t kFirstPageSize = 128;
constexpr std::size_t kPageSize = 1024;

}  // namespace

HistoryReactor* HistoryReactor::start(ReactorContext context, StreamGrant grant,
                                      const ::ecommerce::orders::UserID* request,
                                      Deadline deadline) {
  static const ::ecommerce::orders::UserID kNone;
  const auto& user = request != nullptr ? *request : kNone;
  auto* reactor = new HistoryReactor(context, std::move(grant), user, deadline);
  std::lock_guard lock(reactor->mutex_);
  if (request == nullptr) {
    reactor->finish_locked(unparsable_request(user.GetTypeName()));
  } else if (auto invalid = invalid_id_error("UserID.id", reactor->customer_id_,
                                             context.limits.max_id_bytes)) {
    reactor->finish_locked(to_grpc_status(*invalid));
  } else if (auto denied = auth::check_history(reactor->grant_.caller, reactor->customer_id_)) {
    reactor->finish_locked(to_grpc_status(*denied));
  } else if (auto bad_field = invalid_request(user)) {
    reactor->finish_locked(to_grpc_status(*bad_field));
  } else if (reactor->register_locked() && (!reactor->follow_ || reactor->follow_locked())) {
    reactor->fetch_locked();
  }
  return reactor;
}

std::optional<Error> HistoryReactor::invalid_request(const ::ecommerce::orders::UserID& request) {
  if (auto after = invalid_sequence_error("UserID.after_sequence", request.after_sequence())) {
    return after;
  }
  if (auto before = invalid_sequence_error("UserID.before_sequence", request.before_sequence())) {
    return before;
  }
  if (request.follow() && (request.before_sequence() != 0 || request.limit() != 0)) {
    return Error{ErrorCode::kInvalidArgument,
                 "UserID.follow cannot be combined with before_sequence or limit: a followed "
                 "history has no end (use after_sequence to start from a point)"};
  }
  return std::nullopt;
}

HistoryReactor::HistoryReactor(ReactorContext context, StreamGrant grant,
                               const ::ecommerce::orders::UserID& request, Deadline deadline)
    : WritingStream(context, std::move(grant)),
      customer_id_(request.id()),
      deadline_(or_cancelled(deadline)),
      follow_(request.follow()),
      range_(EventRange::of_customer(customer_id_)
                 .with_after(request.after_sequence())
                 .with_oldest_first(request.oldest_first() || request.follow())),
      remaining_(request.limit() == 0 ? std::numeric_limits<std::size_t>::max()
                                      : std::size_t{request.limit()}) {
  if (request.before_sequence() != 0) range_ = range_.with_before(request.before_sequence());
}

bool HistoryReactor::follow_locked() {
  // Before the first read: a commit the read misses is announced to this stream afterwards.
  as_follower_ = ref();
  if (context_.hub.follow(customer_id_, as_follower_)) return true;
  finish_locked(shutting_down());
  return false;
}

void HistoryReactor::fetch_locked() {
  if (fetch_in_flight_ || finish_called_) return;
  // The end; following: every event announced was read (the reads leave no gap below the last
  // sequence read).
  if (exhausted_ && announced_ <= range_.after_sequence) return;
  if (!first_page_ && buffered_.size() >= kPageSize) return;  // one page ahead is enough
  fetch_in_flight_ = true;
  const std::size_t limit = std::min(first_page_ ? kFirstPageSize : kPageSize, remaining_);
  // A followed customer with no event yet is not NOT_FOUND: its first event is awaited.
  post_locked([range = range_.with_limit(limit),
               first_page = first_page_ && !follow_](HistoryReactor& self) {
    self.on_page(self.context_.orders.history_page(range, first_page, self.deadline_), range.limit);
  });
}

void HistoryReactor::on_event(const OrderEvent& event, void* /*tag*/) {
  std::lock_guard lock(mutex_);
  if (finish_called_) return;
  // `event` is the customer's last event of its commit: at or below the last event read, the
  // whole commit was read already (follow mode reads oldest first).
  if (event.sequence <= range_.after_sequence) return;
  announced_ = std::max(announced_, event.sequence);
  fetch_locked();
}

void HistoryReactor::on_page(Result<std::vector<OrderEvent>> page, std::size_t limit) {
  std::lock_guard lock(mutex_);
  fetch_in_flight_ = false;
  if (finish_called_) return;
  if (!page) {
    finish_locked(to_grpc_status(page.error()));
    return;
  }
  auto& events = page.value();
  first_page_ = false;
  remaining_ -= events.size();
  exhausted_ = events.size() < limit || remaining_ == 0;
  if (!events.empty()) {
    const int64_t last = events.back().sequence;
    range_ = range_.oldest_first ? range_.with_after(last) : range_.with_before(last);
  }
  for (auto& event : events) buffered_.push_back(std::move(event));
  write_next_locked();
  fetch_locked();  // following: a commit announced during the read, or the rest of a backlog
}

void HistoryReactor::write_next_locked() {
  if (write_in_flight_ || finish_called_) return;
  if (buffered_.empty()) {
    if (exhausted_ && !fetch_in_flight_ && !follow_) finish_locked(grpc::Status::OK);
    return;
  }
  fill_event(buffered_.front(), &message_);
  buffered_.pop_front();
  write_in_flight_ = true;
  StartWrite(&message_, coalesced_write_options(first_write_, !buffered_.empty()));
  first_write_ = false;
  fetch_locked();
}

void HistoryReactor::on_done() {
  std::shared_ptr<EventSubscriber> as_follower;  // dropped last, after the hub let go
  {
    std::lock_guard lock(mutex_);
    as_follower = std::move(as_follower_);
  }
  if (as_follower) context_.hub.unfollow(customer_id_, this);
}

}  // namespace orderstream::transport
