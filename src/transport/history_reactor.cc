#include "transport/history_reactor.h"

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
                                      const grpc::ByteBuffer& request, Deadline deadline) {
  ::ecommerce::orders::UserID user;
  const bool parsed = parse_request(request, user);
  auto* reactor =
      new HistoryReactor(context, std::move(grant), std::move(*user.mutable_id()), deadline);
  std::lock_guard lock(reactor->mutex_);
  if (!parsed) {
    reactor->finish_locked(unparsable_request(user.GetTypeName()));
  } else if (auto invalid = invalid_id_error("UserID.id", reactor->customer_id_,
                                             context.limits.max_id_bytes)) {
    reactor->finish_locked(to_grpc_status(*invalid));
  } else if (auto denied = auth::check_history(reactor->grant_.caller, reactor->customer_id_)) {
    reactor->finish_locked(to_grpc_status(*denied));
  } else if (reactor->register_locked()) {
    reactor->fetch_locked();
  }
  return reactor;
}

HistoryReactor::HistoryReactor(ReactorContext context, StreamGrant grant, std::string customer_id,
                               Deadline deadline)
    : ManagedStream(context, std::move(grant)),
      customer_id_(std::move(customer_id)),
      deadline_(deadline),
      next_before_sequence_(std::numeric_limits<int64_t>::max()) {}

void HistoryReactor::fetch_locked() {
  if (fetch_in_flight_ || exhausted_ || finish_called_) return;
  if (!first_page_ && buffered_.size() >= kPageSize) return;  // one page ahead is enough
  fetch_in_flight_ = true;
  const std::size_t limit = first_page_ ? kFirstPageSize : kPageSize;
  post_locked([before = next_before_sequence_, limit](HistoryReactor& self) {
    self.on_page(
        self.context_.orders.history_page(self.customer_id_, before, limit, self.deadline_), limit);
  });
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
  if (first_page_ && events.empty()) {
    finish_locked({grpc::StatusCode::NOT_FOUND, "User " + customer_id_ + " not found"});
    return;
  }
  first_page_ = false;
  exhausted_ = events.size() < limit;
  if (!events.empty()) next_before_sequence_ = events.back().sequence;
  for (auto& event : events) buffered_.push_back(std::move(event));
  write_next_locked();
}

void HistoryReactor::write_next_locked() {
  if (write_in_flight_ || finish_called_) return;
  if (buffered_.empty()) {
    if (exhausted_ && !fetch_in_flight_) finish_locked(grpc::Status::OK);
    return;
  }
  fill_event(buffered_.front(), &message_);
  buffered_.pop_front();
  write_in_flight_ = true;
  StartWrite(&message_, coalesced_write_options(first_write_, !buffered_.empty()));
  first_write_ = false;
  fetch_locked();
}

void HistoryReactor::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  write_in_flight_ = false;
  if (!ok) {
    write_failed_locked();
    return;
  }
  write_next_locked();
}

}  // namespace orderstream::transport
