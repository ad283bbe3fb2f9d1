#include "faults/fault_client.h"

#include <algorithm>
#include <thread>

namespace orderstream::testing {

std::chrono::system_clock::time_point after(std::chrono::milliseconds delay) {
  return std::chrono::system_clock::now() + delay;
}

pb::Order numbered_order(const std::string& prefix, const std::string& customer, int64_t index) {
  pb::Order order;
  order.set_order_id(prefix + "-" + std::to_string(index));
  order.set_customer_id(customer);
  order.set_total(static_cast<float>(index % 1000 + 1));
  return order;
}

ImportResult import_numbered(pb::OrderService::Stub& stub, const std::string& prefix,
                             const std::string& customer, int64_t count,
                             std::chrono::milliseconds deadline) {
  ImportResult result;
  grpc::ClientContext context;
  context.set_deadline(after(deadline));
  auto writer = stub.ProcessBulkOrders(&context, &result.answer);
  pb::Order order;
  for (int64_t i = 0; i < count; ++i) {
    order = numbered_order(prefix, customer, i);
    if (!writer->Write(order)) break;
    ++result.sent;
  }
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

grpc::Status create_order(pb::OrderService::Stub& stub, const std::string& id,
                          const std::string& customer) {
  grpc::ClientContext context;
  context.set_deadline(after(std::chrono::seconds(30)));
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(1);
  pb::OrderResponse response;
  return stub.CreateOrder(&context, order, &response);
}

grpc::Status change_status(pb::OrderService::Stub& stub, const std::string& id,
                           const std::string& status) {
  grpc::ClientContext context;
  context.set_deadline(after(std::chrono::seconds(30)));
  pb::OrderStatusChange change;
  change.set_order_id(id);
  change.set_status(status);
  pb::OrderUpdate update;
  return stub.UpdateOrderStatus(&context, change, &update);
}

grpc::Status get_order(pb::OrderService::Stub& stub, const std::string& id,
                       pb::OrderDetails* details) {
  grpc::ClientContext context;
  context.set_deadline(after(std::chrono::seconds(30)));
  pb::OrderID request;
  request.set_id(id);
  return stub.GetOrder(&context, request, details);
}

bool is_storage_refusal(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         status.error_code() == grpc::StatusCode::UNAVAILABLE;
}

History read_history(pb::OrderService::Stub& stub, const std::string& customer) {
  History history;
  grpc::ClientContext context;
  context.set_deadline(after(std::chrono::seconds(120)));
  pb::UserID user;
  user.set_id(customer);
  auto reader = stub.GetOrderHistory(&context, user);
  pb::OrderEvent event;
  while (reader->Read(&event)) history.events.push_back(event);
  history.status = reader->Finish();
  return history;
}

std::map<std::string, std::vector<std::string>> events_by_order(const History& history) {
  std::map<std::string, std::vector<std::string>> by_order;
  // Newest first on the wire; oldest first here.
  for (auto it = history.events.rbegin(); it != history.events.rend(); ++it) {
    by_order[it->order_id()].push_back(it->event_type());
  }
  return by_order;
}

}  // namespace orderstream::testing
