// Closed-loop unary load, for CreateOrder and TransportBench.Unary (both Order -> OrderResponse):
// C call slots, each with one call outstanding at all times through the callback API, each
// starting its next call from the completion of the previous one until the time is up. No thread
// per call and no queue between completion and the next call, so on a small machine the client
// spends its CPU on calls, not on hand-offs.
#pragma once

#include <grpcpp/client_context.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/clock.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

// Starts one call; `done` must be called once, when it completes (the callback API's contract).
using StartUnaryCall = std::function<void(
    grpc::ClientContext* context, const ecommerce::orders::Order* request,
    ecommerce::orders::OrderResponse* response, std::function<void(grpc::Status)> done)>;
// Fills call `index` (0-based within its slot) of slot `slot`.
using FillUnaryOrder =
    std::function<void(int slot, int64_t index, ecommerce::orders::Order& order)>;

struct UnaryLoadOutcome {
  int64_t ok_calls = 0;
  int64_t failed_calls = 0;
  std::map<int, int64_t> failures_by_code;
  std::string first_failure;
  std::vector<int64_t> latencies_ns;  // of successful calls
  double seconds = 0;                 // first call start -> last completion
  bool all_completed = true;          // false: some call never completed within the limit
};

// The orders of a unary run: customer "bench-unary-<slot>", total 12.5, and with `client_ids`
// the id "<id_prefix><slot>-<index>" (unique per run when the prefix holds the run id), else no
// id so that the server draws one. One maker for CreateOrder and TransportBench.Unary, so the
// ceiling is measured with messages of the same shape.
FillUnaryOrder unary_order_filler(std::string id_prefix, bool client_ids);

UnaryLoadOutcome run_unary_load(int in_flight, double seconds, const StartUnaryCall& start,
                                const FillUnaryOrder& fill, const Deadline& deadline);

}  // namespace orderstream::bench
