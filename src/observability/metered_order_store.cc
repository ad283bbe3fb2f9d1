#include "observability/metered_order_store.h"

#include <chrono>

namespace orderstream::observability {
namespace {

// From a fsync-free commit (about 100 us) to a 65,536-order bulk batch on a slow disk (seconds).
const prometheus::Histogram::BucketBoundaries kCommitSeconds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
// Powers of four from one order to the largest bulk batch (--import-buffer-orders' default).
const prometheus::Histogram::BucketBoundaries kBatchOrders = {1,    4,    16,    64,   256,
                                                              1024, 4096, 16384, 65536};

class Timer {
 public:
  explicit Timer(prometheus::Histogram& histogram) : histogram_(histogram) {}
  // Recorded on the way out, also when the store throws: a failing commit took time too.
  ~Timer() {
    histogram_.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  prometheus::Histogram& histogram_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

MeteredOrderStore::MeteredOrderStore(OrderStore& store, prometheus::Registry& registry)
    : store_(store) {
  auto& duration = prometheus::BuildHistogram()
                       .Name("orderstream_db_commit_duration_seconds")
                       .Help(
                           "Duration of a database write transaction, from its start to its "
                           "durable commit")
                       .Register(registry);
  auto& batch = prometheus::BuildHistogram()
                    .Name("orderstream_db_commit_batch_orders")
                    .Help("Orders written by one database write transaction")
                    .Register(registry);
  create_orders_ = {&duration.Add({{"operation", "create_orders"}}, kCommitSeconds),
                    &batch.Add({{"operation", "create_orders"}}, kBatchOrders)};
  set_status_ = {&duration.Add({{"operation", "set_status"}}, kCommitSeconds),
                 &batch.Add({{"operation", "set_status"}}, kBatchOrders)};
}

std::vector<CreateOutcome> MeteredOrderStore::do_create_orders(std::vector<NewOrder> orders,
                                                               int64_t now_ms,
                                                               const Deadline& deadline) {
  create_orders_.batch->Observe(static_cast<double>(orders.size()));
  Timer timer(*create_orders_.duration);
  return store_.create_orders(std::move(orders), now_ms, deadline);
}

StatusChangeOutcome MeteredOrderStore::do_compare_and_set_status(std::string_view order_id,
                                                                 OrderStatus expected,
                                                                 OrderStatus to, int64_t now_ms,
                                                                 const Deadline& deadline) {
  set_status_.batch->Observe(1);
  Timer timer(*set_status_.duration);
  return store_.compare_and_set_status(order_id, expected, to, now_ms, deadline);
}

std::optional<Order> MeteredOrderStore::do_find_order(std::string_view order_id,
                                                      const Deadline& deadline) {
  return store_.find_order(order_id, deadline);
}

std::vector<OrderEvent> MeteredOrderStore::do_customer_events(const EventRange& range,
                                                              const Deadline& deadline) {
  return store_.customer_events(range, deadline);
}

std::vector<OrderEvent> MeteredOrderStore::do_events_after(int64_t after_sequence,
                                                           std::size_t limit,
                                                           const Deadline& deadline) {
  return store_.events_after(after_sequence, limit, deadline);
}

}  // namespace orderstream::observability
