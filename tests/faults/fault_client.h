// What the fault tests do to a server process as a client: unary calls, imports, histories and
// health, each a plain blocking call on its own channel or a shared one, with deadlines so that a
// hung server fails a test instead of hanging it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/eventually.h"
#include "support/own_channel.h"

namespace orderstream::testing {

namespace pb = ::ecommerce::orders;

std::chrono::system_clock::time_point after(std::chrono::milliseconds delay);

// Order `index` of a generated import: id "<prefix>-<index>", customer `customer`, total index+1.
pb::Order numbered_order(const std::string& prefix, const std::string& customer, int64_t index);

struct ImportResult {
  grpc::Status status;
  pb::BulkProcessResult answer;
  int64_t sent = 0;  // orders the stream accepted before it ended
};
// Streams `count` numbered orders; stops early if the stream breaks.
ImportResult import_numbered(pb::OrderService::Stub& stub, const std::string& prefix,
                             const std::string& customer, int64_t count,
                             std::chrono::milliseconds deadline = std::chrono::seconds(120));

// CreateOrder of order `id` for `customer` with total 1.
grpc::Status create_order(pb::OrderService::Stub& stub, const std::string& id,
                          const std::string& customer);
// UpdateOrderStatus of order `id` to `status`.
grpc::Status change_status(pb::OrderService::Stub& stub, const std::string& id,
                           const std::string& status);
// GetOrder of order `id`.
grpc::Status get_order(pb::OrderService::Stub& stub, const std::string& id,
                       pb::OrderDetails* details);
// How a store that cannot write answers a write: RESOURCE_EXHAUSTED or UNAVAILABLE.
bool is_storage_refusal(const grpc::Status& status);

// Every event of a customer's history (newest first), or the status that ended the stream.
struct History {
  grpc::Status status;
  std::vector<pb::OrderEvent> events;
};
History read_history(pb::OrderService::Stub& stub, const std::string& customer);

// Order id -> event types seen in a history, in the order they happened.
std::map<std::string, std::vector<std::string>> events_by_order(const History& history);

}  // namespace orderstream::testing
