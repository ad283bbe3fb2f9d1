// An OrderStore that times each write transaction of the store it wraps and records it in
// Prometheus: orderstream_db_commit_duration_seconds and orderstream_db_commit_batch_orders,
// labelled by operation ("create_orders": a group of CreateOrder calls or a bulk import batch;
// "set_status": one status change). Reads pass through untimed. It wraps any store, so the domain
// and the storage adapters stay free of metrics; the cost is two clock reads per transaction.
#pragma once

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "domain/order_store.h"

namespace orderstream::observability {

class MeteredOrderStore final : public OrderStore {
 public:
  // Registers its families in `registry`, which must outlive it.
  MeteredOrderStore(OrderStore& store, prometheus::Registry& registry);

 private:
  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline& deadline) override;
  StatusChangeOutcome do_compare_and_set_status(std::string_view order_id, OrderStatus expected,
                                                OrderStatus to, int64_t now_ms,
                                                const Deadline& deadline) override;
  std::optional<Order> do_find_order(std::string_view order_id, const Deadline& deadline) override;
  std::vector<OrderEvent> do_customer_events(const EventRange& range,
                                             const Deadline& deadline) override;
  std::vector<OrderEvent> do_events_after(int64_t after_sequence, std::size_t limit,
                                          const Deadline& deadline) override;

  struct Operation {
    prometheus::Histogram* duration;
    prometheus::Histogram* batch;
  };

  OrderStore& store_;
  Operation create_orders_;
  Operation set_status_;
};

}  // namespace orderstream::observability
