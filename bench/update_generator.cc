#include "bench/update_generator.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace orderstream::bench {
namespace {

constexpr double kCallSeconds = 30;
constexpr float kOrderTotal = 42.5F;

// What the callbacks share with the generating thread; owned by shared_ptr so a late answer
// finds it alive even after the generator gave up waiting.
struct Answers {
  explicit Answers(int orders) : answered_step(static_cast<std::size_t>(orders), 0) {}

  void record(int order, int step, bool ok, const grpc::Status& status, int64_t latency_ns) {
    std::lock_guard lock(mutex);
    // A failed step still counts as answered so the order's next step is not held forever; the
    // next step will fail on the server and be counted too.
    answered_step[order] = step;
    --outstanding;
    if (ok) {
      ++ok_calls;
      latencies_ns.push_back(latency_ns);
    } else {
      ++failed_calls;
      if (first_failure.empty()) {
        first_failure = "code " + std::to_string(static_cast<int>(status.error_code())) + ": " +
                        status.error_message();
      }
    }
    changed.notify_all();
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> answered_step;
  int64_t outstanding = 0;
  int64_t ok_calls = 0;
  int64_t failed_calls = 0;
  std::string first_failure;
  std::vector<int64_t> latencies_ns;
};

template <typename Response>
struct Call {
  grpc::ClientContext context;
  ecommerce::orders::Order order;
  ecommerce::orders::OrderStatusChange change;
  ecommerce::orders::OrderUpdate update;
  Response response;
  Clock::time_point sent;
};

const char* status_of_step(int step) {
  return step == 1 ? "CREATED" : step == 2 ? "SHIPPED" : "DELIVERED";
}

}  // namespace

GeneratorOutcome generate_updates(ecommerce::orders::OrderService::Stub& stub,
                                  orderstream::bench::TransportBench::Stub* no_database,
                                  FanoutBoard& board, int updates, double rate,
                                  const std::string& customer_id, const Deadline& deadline) {
  GeneratorOutcome out;
  const int orders = board.orders();
  auto answers = std::make_shared<Answers>(orders);
  const RateSchedule schedule(rate, Clock::now());
  const auto call_deadline = [&] { return deadline.system_time_capped(kCallSeconds); };
  for (int j = 0; j < updates; ++j) {
    const int order = j % orders;
    const int step = j / orders + 1;
    schedule.wait_for(j, deadline.at());
    if (deadline.expired()) break;
    if (step > 1) {
      std::unique_lock lock(answers->mutex);
      answers->changed.wait_until(lock, deadline.at(),
                                  [&] { return answers->answered_step[order] >= step - 1; });
      if (deadline.expired()) break;
    }
    const Clock::time_point now = Clock::now();
    // Lateness at the actual send, so a wait for the previous step's answer counts too.
    out.max_lag_ms = std::max(out.max_lag_ms, ms_between(schedule.due(j), now));
    board.record_send(order, step, now);
    if (out.sent == 0) out.first_send = now;
    out.last_send = now;
    ++out.sent;
    {
      std::lock_guard lock(answers->mutex);
      ++answers->outstanding;
    }
    const auto answered = [answers, order, step](const Clock::time_point sent,
                                                 const grpc::Status& status) {
      answers->record(order, step, status.ok(), status, (Clock::now() - sent).count());
    };
    if (no_database != nullptr) {
      auto call = std::make_shared<Call<orderstream::bench::PublishResult>>();
      call->update.set_order_id(board.order_id(order));
      call->update.set_status(status_of_step(step));
      call->update.set_updated_at(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
      call->update.set_sequence(step);
      call->context.set_deadline(call_deadline());
      call->sent = now;
      no_database->async()->Publish(
          &call->context, &call->update, &call->response,
          [answered, call](grpc::Status status) { answered(call->sent, status); });
    } else if (step == 1) {
      auto call = std::make_shared<Call<ecommerce::orders::OrderResponse>>();
      call->order.set_order_id(board.order_id(order));
      call->order.set_customer_id(customer_id);
      call->order.set_total(kOrderTotal);
      call->context.set_deadline(call_deadline());
      call->sent = now;
      stub.async()->CreateOrder(
          &call->context, &call->order, &call->response,
          [answered, call](grpc::Status status) { answered(call->sent, status); });
    } else {
      auto call = std::make_shared<Call<ecommerce::orders::OrderUpdate>>();
      call->change.set_order_id(board.order_id(order));
      call->change.set_status(status_of_step(step));
      call->context.set_deadline(call_deadline());
      call->sent = now;
      stub.async()->UpdateOrderStatus(
          &call->context, &call->change, &call->response,
          [answered, call](grpc::Status status) { answered(call->sent, status); });
    }
  }
  std::unique_lock lock(answers->mutex);
  out.all_answered = answers->changed.wait_until(lock, deadline.capped(kCallSeconds + 5),
                                                 [&] { return answers->outstanding == 0; });
  out.ok_calls = answers->ok_calls;
  out.failed_calls = answers->failed_calls;
  out.first_failure = answers->first_failure;
  out.rpc_latencies_ns = answers->latencies_ns;
  return out;
}

}  // namespace orderstream::bench
