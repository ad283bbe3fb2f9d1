// Server-streaming history reads, as GetOrderHistory and TransportBench.History both answer them:
// C concurrent streams (one connection each, opened beforehand), released together, each counted
// and checked as it is read. The count is bounded: a stream that sends more than expected is
// cancelled and reported, so a wrong server cannot keep the benchmark reading forever.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/clock.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

using EventReader = grpc::ClientReader<ecommerce::orders::OrderEvent>;
using OpenHistoryStream =
    std::function<std::unique_ptr<EventReader>(int stream, grpc::ClientContext* context)>;

struct HistoryStreamOutcome {
  grpc::Status status;
  int64_t events = 0;
  std::optional<double> first_event_ms;  // call start -> first event
  Clock::time_point started;
  Clock::time_point ended;
  std::string problem;  // order violated or too many events; empty if none

  double seconds() const { return seconds_between(started, ended); }
};

struct HistoryRunOutcome {
  std::vector<HistoryStreamOutcome> streams;
  Clock::time_point started;
  Clock::time_point ended;

  double seconds() const { return seconds_between(started, ended); }
  // Every stream problem, a failed call or a count other than `expected`.
  std::vector<std::string> problems(int64_t expected) const;
};

// Reads `streams` streams concurrently, each expected to hold `expected_events`; with
// `check_order`, sequences must strictly decrease (newest first).
HistoryRunOutcome run_history_streams(int streams, int64_t expected_events,
                                      const OpenHistoryStream& open, bool check_order,
                                      const Deadline& deadline);

}  // namespace orderstream::bench
