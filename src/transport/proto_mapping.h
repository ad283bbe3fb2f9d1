// Translation between the wire (generated protobuf types, grpc::Status) and the domain. The only
// place that knows both, so reactors stay about flow and the domain stays free of gRPC.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <optional>
#include <string>

#include "domain/error.h"
#include "domain/order.h"
#include "order_service.pb.h"

namespace orderstream::transport {

namespace pb = ::ecommerce::orders;

NewOrder to_new_order(const pb::Order& order);
// The same into `out`, reusing the buffers its strings already hold.
void assign_new_order(const pb::Order& order, NewOrder& out);
void fill_response(const Order& order, pb::OrderResponse* out);
void fill_details(const Order& order, pb::OrderDetails* out);
void fill_event(const OrderEvent& event, pb::OrderEvent* out);
void fill_update(const OrderEvent& event, pb::OrderUpdate* out);
// An update written into `out`, reusing the buffers its strings already hold. No status means
// UNKNOWN (sequence 0): the acknowledgement of a subscription to an order that does not exist yet.
void assign_update(const std::string& order_id, std::optional<OrderStatus> status,
                   int64_t updated_at_ms, int64_t sequence, pb::OrderUpdate& out);

grpc::StatusCode to_status_code(ErrorCode code);
grpc::Status to_grpc_status(const Error& error);

}  // namespace orderstream::transport
