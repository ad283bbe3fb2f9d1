#include "bench/unary_load.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace orderstream::bench {
namespace {

// A single call may take at most this long, so a stuck call ends the loop of its slot.
constexpr double kCallSeconds = 30;

// Owned by shared_ptr and captured by every callback: should a call outlive the wait below, its
// completion still finds live state.
class UnaryLoad : public std::enable_shared_from_this<UnaryLoad> {
 public:
  UnaryLoad(int in_flight, double seconds, StartUnaryCall start, FillUnaryOrder fill,
            const Deadline& deadline)
      : slots_(static_cast<std::size_t>(in_flight)),
        start_(std::move(start)),
        fill_(std::move(fill)),
        deadline_(deadline),
        active_(in_flight) {
    begin_ = Clock::now();
    end_ = std::min(begin_ + to_duration(seconds), deadline.at());
  }

  void launch() {
    for (int s = 0; s < static_cast<int>(slots_.size()); ++s) issue(s);
  }

  bool wait() {
    std::unique_lock lock(mutex_);
    const auto until = end_ + to_duration(kCallSeconds + 5);
    return finished_.wait_until(lock, until, [&] { return active_ == 0; });
  }

  UnaryLoadOutcome outcome(bool all_completed) {
    UnaryLoadOutcome out;
    out.all_completed = all_completed;
    std::lock_guard lock(mutex_);
    Clock::time_point last = begin_;
    for (auto& slot : slots_) {
      out.ok_calls += slot.ok_calls;
      out.failed_calls += slot.failed_calls;
      for (const auto& [code, count] : slot.failures_by_code) out.failures_by_code[code] += count;
      if (out.first_failure.empty()) out.first_failure = slot.first_failure;
      last = std::max(last, slot.last_completion);
    }
    if (all_completed) {  // otherwise a straggler may still write into the slots
      for (auto& slot : slots_) {
        out.latencies_ns.insert(out.latencies_ns.end(), slot.latencies_ns.begin(),
                                slot.latencies_ns.end());
      }
    }
    out.seconds = seconds_between(begin_, last);
    return out;
  }

 private:
  struct Call {
    grpc::ClientContext context;
    ecommerce::orders::Order request;
    ecommerce::orders::OrderResponse response;
    Clock::time_point sent;
  };

  // Touched only by the slot's own chain of calls, one at a time, so it needs no lock.
  struct Slot {
    int64_t issued = 0;
    int64_t ok_calls = 0;
    int64_t failed_calls = 0;
    std::map<int, int64_t> failures_by_code;
    std::string first_failure;
    std::vector<int64_t> latencies_ns;
    Clock::time_point last_completion;
  };

  void issue(int slot_index) {
    Slot& slot = slots_[slot_index];
    // The call's state lives in the completion callback, which gRPC destroys after running it.
    auto call = std::make_shared<Call>();
    fill_(slot_index, slot.issued++, call->request);
    call->context.set_deadline(deadline_.system_time_capped(kCallSeconds));
    call->sent = Clock::now();
    start_(&call->context, &call->request, &call->response,
           [self = shared_from_this(), slot_index, call](grpc::Status status) {
             self->completed(slot_index, *call, status);
           });
  }

  void completed(int slot_index, const Call& call, const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    Slot& slot = slots_[slot_index];
    slot.last_completion = now;
    if (status.ok()) {
      ++slot.ok_calls;
      slot.latencies_ns.push_back((now - call.sent).count());
    } else {
      ++slot.failed_calls;
      ++slot.failures_by_code[static_cast<int>(status.error_code())];
      if (slot.first_failure.empty()) {
        slot.first_failure = "code " + std::to_string(static_cast<int>(status.error_code())) +
                             ": " + status.error_message();
      }
    }
    if (now < end_ && !deadline_.expired()) {
      issue(slot_index);  // everything above is written before the next call can complete
      return;
    }
    std::lock_guard lock(mutex_);
    if (--active_ == 0) finished_.notify_all();
  }

  std::vector<Slot> slots_;
  StartUnaryCall start_;
  FillUnaryOrder fill_;
  Deadline deadline_;
  Clock::time_point begin_;
  Clock::time_point end_;
  std::mutex mutex_;
  std::condition_variable finished_;
  int active_;
};

}  // namespace

UnaryLoadOutcome run_unary_load(int in_flight, double seconds, const StartUnaryCall& start,
                                const FillUnaryOrder& fill, const Deadline& deadline) {
  auto load = std::make_shared<UnaryLoad>(in_flight, seconds, start, fill, deadline);
  load->launch();
  const bool all_completed = load->wait();
  return load->outcome(all_completed);
}

FillUnaryOrder unary_order_filler(std::string id_prefix, bool client_ids) {
  return [prefix = std::move(id_prefix), client_ids](int slot, int64_t index,
                                                     ecommerce::orders::Order& order) {
    if (client_ids) order.set_order_id(prefix + std::to_string(slot) + "-" + std::to_string(index));
    order.set_customer_id("bench-unary-" + std::to_string(slot));
    order.set_total(12.5F);
  };
}

}  // namespace orderstream::bench
