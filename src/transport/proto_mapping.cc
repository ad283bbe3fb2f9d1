#include "transport/proto_mapping.h"

#include <string>
#include <string_view>

namespace orderstream::transport {

NewOrder to_new_order(const pb::Order& order) {
  NewOrder out;
  assign_new_order(order, out);
  return out;
}

void assign_new_order(const pb::Order& order, NewOrder& out) {
  out.id.assign(order.order_id());
  out.customer_id.assign(order.customer_id());
  out.total = order.total();
}

void fill_response(const Order& order, pb::OrderResponse* out) {
  out->set_order_id(order.id);
  out->set_status(std::string(to_string(order.status)));
  out->set_created_at(order.created_at_ms);
}

void fill_details(const Order& order, pb::OrderDetails* out) {
  out->set_order_id(order.id);
  out->set_customer_id(order.customer_id);
  out->set_total(order.total);
  out->set_status(std::string(to_string(order.status)));
  out->set_created_at(order.created_at_ms);
  out->set_updated_at(order.updated_at_ms);
  out->set_sequence(order.sequence);
}

void fill_event(const OrderEvent& event, pb::OrderEvent* out) {
  out->set_event_type(std::string(to_string(event.type)));
  out->set_order_id(event.order_id);
  out->set_timestamp(event.timestamp_ms);
  out->set_sequence(event.sequence);
}

void fill_update(const OrderEvent& event, pb::OrderUpdate* out) {
  assign_update(event.order_id, event.type, event.timestamp_ms, event.sequence, *out);
}

void assign_update(const std::string& order_id, std::optional<OrderStatus> status,
                   int64_t updated_at_ms, int64_t sequence, pb::OrderUpdate& out) {
  out.mutable_order_id()->assign(order_id);
  const std::string_view name = status ? to_string(*status) : "UNKNOWN";
  out.mutable_status()->assign(name.data(), name.size());
  out.set_updated_at(updated_at_ms);
  out.set_sequence(sequence);
}

grpc::StatusCode to_status_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case ErrorCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorCode::kResourceExhausted:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case ErrorCode::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case ErrorCode::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case ErrorCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case ErrorCode::kDeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case ErrorCode::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status to_grpc_status(const Error& error) {
  return grpc::Status(to_status_code(error.code), error.message);
}

}  // namespace orderstream::transport
