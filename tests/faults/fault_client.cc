#include "faults/fault_client.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace orderstream::testing {

std::shared_ptr<grpc::Channel> new_channel(const std::string& target) {
  static std::atomic<int> next{0};
  grpc::ChannelArguments args;
  // Channels with equal arguments share one connection; a distinct argument keeps it apart.
  args.SetInt("orderstream.test.channel", next++);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

std::chrono::system_clock::time_point after(std::chrono::milliseconds delay) {
  return std::chrono::system_clock::now() + delay;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
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
