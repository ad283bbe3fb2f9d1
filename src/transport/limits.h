// The server's limits on what one caller may hold or do, each a flag of orderstream-server with
// the default below (docs/SECURITY.md, limits). Each is answered with a status naming the limit
// (RESOURCE_EXHAUSTED, or INVALID_ARGUMENT for an id too long) and what to do; none is reached
// by the benchmarks' standard set.
#pragma once

#include <cstddef>
#include <cstdint>

#include "domain/order_validation.h"

namespace orderstream::transport {

struct Limits {
  // Longest order or customer id a request may carry, in bytes (at most kMaxIdBytes); longer:
  // INVALID_ARGUMENT naming the field, before any database work.
  std::size_t max_id_bytes = kMaxIdBytes;
  // Distinct orders one watch stream may subscribe to.
  std::size_t subscriptions_per_stream = 100'000;
  // Subscription requests (OrderID messages) one watch stream may send: a burst of this many,
  // then `watch_requests_per_second`. Each costs a database read, so this bounds the reads one
  // stream can cause.
  double watch_request_burst = 100'000;
  double watch_requests_per_second = 1'000;
  // Concurrent streams (history, import, watch) on one connection, and of one customer token.
  std::size_t streams_per_connection = 10'000;
  std::size_t streams_per_customer = 1'000;
  // Orders one ProcessBulkOrders stream may send; split larger imports.
  int64_t bulk_orders_per_stream = 10'000'000;
};

}  // namespace orderstream::transport
