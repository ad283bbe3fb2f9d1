// Fan-out subscribers: NotifyOrderUpdates streams driven by callback reactors, so ten thousand of
// them need no thread each. A subscriber subscribes to a range of the board's orders and checks
// what the contract promises per order: one acknowledgement first (UNKNOWN, sequence 0, for an
// order that does not exist yet), then strictly increasing sequences with the status only moving
// forward. It keeps the last status per order and records each delivery's latency against the
// send time of the RPC that caused it. The board is what subscribers and the update generator
// share; the fleet owns the subscribers and never frees one that gRPC may still call.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/clock.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

// Status of an order as a step: 0 UNKNOWN (not created), 1 CREATED, 2 SHIPPED, 3 DELIVERED.
inline constexpr int kStepsPerOrder = 3;
std::optional<int> step_of_status(std::string_view status);

class FanoutBoard {
 public:
  enum class Counter { kAcked, kComplete, kDone };

  // Orders are `id_prefix` + index; final_steps[i] is the last step the generator will send for
  // order i (0: none).
  FanoutBoard(std::string id_prefix, std::vector<int> final_steps);

  int orders() const { return static_cast<int>(final_steps_.size()); }
  std::string order_id(int order) const;
  std::optional<int> order_index(std::string_view id) const;
  int final_step(int order) const { return final_steps_[order]; }

  // When the RPC causing `step` of `order` was sent; 0 until then.
  void record_send(int order, int step, Clock::time_point when);
  int64_t send_ns(int order, int step) const;

  // Subscriber milestones, counted once per subscriber.
  void count(Counter counter);
  int value(Counter counter) const;
  // Waits until `counter` reaches `target`, a subscriber stream failed, or `until`.
  bool wait_for(Counter counter, int target, Clock::time_point until);

  // A stream that ended on its own, or a contract violation; the first few messages are kept.
  void report_failure(std::string message);
  int failures() const;
  std::vector<std::string> failure_messages() const;

 private:
  std::string id_prefix_;
  std::vector<int> final_steps_;
  std::unique_ptr<std::atomic<int64_t>[]> send_ns_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int acked_ = 0;
  int complete_ = 0;
  int done_ = 0;
  int failures_ = 0;
  std::vector<std::string> failure_messages_;
};

class FanoutSubscriber
    : public grpc::ClientBidiReactor<ecommerce::orders::OrderID, ecommerce::orders::OrderUpdate> {
 public:
  // Subscribes to orders [first_order, first_order + order_count) of `board`.
  FanoutSubscriber(std::shared_ptr<FanoutBoard> board, int first_order, int order_count,
                   int expected_deliveries);

  void start(ecommerce::orders::OrderService::Stub& stub, const Deadline& deadline);
  void cancel();

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  // Read after OnDone only.
  int64_t delivered() const { return delivered_; }
  int64_t violations() const { return violations_; }
  int64_t unmatched() const { return unmatched_; }
  std::vector<int64_t>& latencies_ns() { return latencies_ns_; }
  // The same deliveries timed from the update's updated_at (the server's stamp, taken just
  // before its commit, in whole ms) on the system clock: commit-to-receipt, overstated by under
  // 1 ms of truncation plus the commit itself.
  std::vector<int64_t>& stamp_latencies_ns() { return stamp_latencies_ns_; }
  std::optional<Clock::time_point> last_receipt() const { return last_receipt_; }

 private:
  void write_next_subscription();
  void handle(const ecommerce::orders::OrderUpdate& update, Clock::time_point now,
              std::chrono::system_clock::time_point wall_now);
  void violation(const std::string& message);

  std::shared_ptr<FanoutBoard> board_;
  int first_order_;
  int order_count_;
  grpc::ClientContext context_;
  ecommerce::orders::OrderID request_;
  ecommerce::orders::OrderUpdate update_;
  std::atomic<bool> cancel_requested_{false};
  int written_ = 0;
  // Per subscribed order: acknowledged yet, last sequence, last step.
  std::vector<uint8_t> acked_;
  std::vector<int64_t> last_sequence_;
  std::vector<uint8_t> last_step_;
  int acks_ = 0;
  int orders_final_ = 0;
  int orders_with_updates_ = 0;
  int64_t delivered_ = 0;
  int64_t violations_ = 0;
  int64_t unmatched_ = 0;
  std::vector<int64_t> latencies_ns_;
  std::vector<int64_t> stamp_latencies_ns_;
  std::optional<Clock::time_point> last_receipt_;
};

// Owns the subscribers. Closing cancels them all and waits for every OnDone; a subscriber gRPC
// has not finished by then is leaked on purpose, since freeing it could let gRPC call into freed
// memory. Closed by the destructor at the latest.
class SubscriberFleet {
 public:
  explicit SubscriberFleet(std::shared_ptr<FanoutBoard> board) : board_(std::move(board)) {}
  ~SubscriberFleet() { close(kCloseSeconds); }
  SubscriberFleet(const SubscriberFleet&) = delete;
  SubscriberFleet& operator=(const SubscriberFleet&) = delete;

  FanoutSubscriber& add(int first_order, int order_count, int expected_deliveries);
  std::vector<std::unique_ptr<FanoutSubscriber>>& members() { return members_; }
  // True if every stream finished within `seconds`.
  bool close(double seconds);

  static constexpr double kCloseSeconds = 30;

 private:
  std::shared_ptr<FanoutBoard> board_;
  std::vector<std::unique_ptr<FanoutSubscriber>> members_;
  bool closed_ = false;
};

}  // namespace orderstream::bench
