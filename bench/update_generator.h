// The fan-out scenario's producer: order updates at a fixed rate. Update j goes to order j % K as
// its step j / K + 1 (CreateOrder -> CREATED, UpdateOrderStatus SHIPPED, then DELIVERED), so the
// updates come in rounds over the K orders and one order's consecutive updates are K/R seconds
// apart. Sends are due at absolute times and made with the callback API, so a slow commit delays
// neither the schedule nor the other orders; only an order's next step waits for its previous one
// to be answered, since the server would refuse SHIPPED before the order exists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/clock.h"
#include "bench/fanout_subscriber.h"
#include "order_service.grpc.pb.h"
#include "transport_bench.grpc.pb.h"

namespace orderstream::bench {

struct GeneratorOutcome {
  int64_t sent = 0;
  int64_t ok_calls = 0;
  int64_t failed_calls = 0;
  std::string first_failure;
  std::vector<int64_t> rpc_latencies_ns;  // send -> answer (the commit) of each update RPC
  Clock::time_point first_send;
  Clock::time_point last_send;
  double max_lag_ms = 0;  // worst lateness of a send against its schedule
  bool all_answered = true;
};

// With `no_database`, every step is published through TransportBench.Publish instead (sequence =
// step), so the same subscribers measure the fan-out without a commit.
GeneratorOutcome generate_updates(ecommerce::orders::OrderService::Stub& stub,
                                  orderstream::bench::TransportBench::Stub* no_database,
                                  FanoutBoard& board, int updates, double rate,
                                  const std::string& customer_id, const Deadline& deadline);

}  // namespace orderstream::bench
