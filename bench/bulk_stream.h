// Client-streaming bulk uploads, as ProcessBulkOrders and TransportBench.Bulk both take them. The
// writer policy is the project's import command's: the buffer hint on every write except the
// first, every kFlushEvery-th and the last, so gRPC coalesces small messages into few frames yet
// never holds one back at the end. The runner splits N orders over C streams (one connection
// each, opened beforehand), releases them together and times first write -> final response;
// the response is what says the orders are durable.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/clock.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

inline constexpr int64_t kFlushEvery = 256;

using OrderWriter = grpc::ClientWriter<ecommerce::orders::Order>;
// Starts the call of stream `stream`.
using OpenBulkStream = std::function<std::unique_ptr<OrderWriter>(
    int stream, grpc::ClientContext* context, ecommerce::orders::BulkProcessResult* result)>;
// Fills order `index` (0-based within its stream) of stream `stream`.
using FillOrder = std::function<void(int stream, int64_t index, ecommerce::orders::Order& order)>;

struct BulkStreamOutcome {
  grpc::Status status;
  ecommerce::orders::BulkProcessResult result;
  int64_t planned = 0;
  int64_t written = 0;
  Clock::time_point first_write;
  Clock::time_point response;

  double seconds() const { return seconds_between(first_write, response); }
};

struct BulkRunOutcome {
  std::vector<BulkStreamOutcome> streams;
  Clock::time_point first_write;
  Clock::time_point last_response;
  int64_t success_count = 0;
  int64_t failure_count = 0;

  double seconds() const { return seconds_between(first_write, last_response); }
  // Every problem: failed calls, short writes, server-side failures (its first messages).
  std::vector<std::string> problems() const;
};

// The synthetic orders of a bulk run: ids "<tag><run id>-<stream>-<index>", unique per run;
// customers "bench-customer-<n>" spread round-robin over `customers`; totals 10 to 99. Filling
// reuses one id buffer per stream, so the hot loop does not allocate.
class BulkOrderMaker {
 public:
  BulkOrderMaker(const std::string& tag, const std::string& run_id, int streams, int customers);
  void fill(int stream, int64_t index, ecommerce::orders::Order& order);
  FillOrder filler() {
    return [this](int stream, int64_t index, ecommerce::orders::Order& order) {
      fill(stream, index, order);
    };
  }

 private:
  int streams_;
  std::vector<std::string> prefixes_;
  std::vector<std::string> customers_;
  std::vector<std::string> id_buffers_;
};

// Writes `total_orders` over `streams` concurrent streams, the remainder going to the first ones.
BulkRunOutcome run_bulk_streams(int streams, int64_t total_orders, const OpenBulkStream& open,
                                const FillOrder& fill, const Deadline& deadline);

}  // namespace orderstream::bench
