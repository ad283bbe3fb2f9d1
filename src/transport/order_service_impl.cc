#include "transport/order_service_impl.h"

#include <string>
#include <utility>

#include "transport/bulk_reactor.h"
#include "transport/history_reactor.h"
#include "transport/proto_mapping.h"
#include "transport/watch_reactor.h"

namespace orderstream::transport {
namespace {

namespace pb = ::ecommerce::orders;

// Runs `work` on the executor and finishes the unary call with its status. The request and
// response stay valid until Finish, so the task may use them.
template <typename Work>
grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* call, Executor& executor,
                                    Work work) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  if (!executor.post([reactor, work = std::move(work)]() mutable { reactor->Finish(work()); })) {
    reactor->Finish({grpc::StatusCode::UNAVAILABLE, "Server is shutting down"});
  }
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* OrderServiceImpl::CreateOrder(grpc::CallbackServerContext* call,
                                                        const pb::Order* request,
                                                        pb::OrderResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  context_.creates.submit(to_new_order(*request), [reactor, response](Result<Order> order) {
    if (!order) {
      reactor->Finish(to_grpc_status(order.error()));
      return;
    }
    fill_response(order.value(), response);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* OrderServiceImpl::UpdateOrderStatus(grpc::CallbackServerContext* call,
                                                              const pb::OrderStatusChange* request,
                                                              pb::OrderUpdate* response) {
  return run_unary(call, context_.executor, [this, request, response]() -> grpc::Status {
    auto order = context_.orders.update_status(request->order_id(), request->status());
    if (!order) return to_grpc_status(order.error());
    fill_update(latest_event_of(order.value()), response);
    return grpc::Status::OK;
  });
}

grpc::ServerWriteReactor<pb::OrderEvent>* OrderServiceImpl::GetOrderHistory(
    grpc::CallbackServerContext* /*call*/, const pb::UserID* request) {
  return HistoryReactor::start(context_, request->id());
}

grpc::ServerReadReactor<pb::Order>* OrderServiceImpl::ProcessBulkOrders(
    grpc::CallbackServerContext* /*call*/, pb::BulkProcessResult* response) {
  return BulkReactor::start(context_, response);
}

grpc::ServerBidiReactor<pb::OrderID, pb::OrderUpdate>* OrderServiceImpl::NotifyOrderUpdates(
    grpc::CallbackServerContext* /*call*/) {
  return WatchReactor::start(context_);
}

}  // namespace orderstream::transport
