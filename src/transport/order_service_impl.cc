#include "transport/order_service_impl.h"

#include <string>
#include <utility>

#include "auth/access_rules.h"
#include "domain/order_validation.h"
#include "transport/bulk_reactor.h"
#include "transport/call_deadline.h"
#include "transport/cancellable_unary.h"
#include "transport/history_reactor.h"
#include "transport/proto_mapping.h"
#include "transport/rejected_stream.h"
#include "transport/request_parsing.h"
#include "transport/watch_reactor.h"

namespace orderstream::transport {
namespace {

namespace pb = ::ecommerce::orders;
using grpc::ByteBuffer;
using grpc::CallbackServerContext;

// Method indices in proto/order_service.proto's service, the order the generated code uses.
enum MethodIndex : int {
  kCreateOrder = 0,
  kGetOrderHistory = 1,
  kProcessBulkOrders = 2,
  kNotifyOrderUpdates = 3,
  kUpdateOrderStatus = 4,
  kGetOrder = 5,
};

// Runs `work(deadline)` on the executor and answers the call with its status. The deadline is
// the call's, also reached when the call is cancelled. The request and response stay valid until
// the answer, so the task may use them.
template <typename Work>
grpc::ServerUnaryReactor* run_unary(CancellableUnary* reactor, const CallbackServerContext& call,
                                    Executor& executor, Work work) {
  if (!executor.post(
          [reactor, work = std::move(work), deadline = reactor->deadline_of(call)]() mutable {
            reactor->finish(work(deadline));
          })) {
    reactor->finish({grpc::StatusCode::UNAVAILABLE, "Server is shutting down"});
  }
  return reactor;
}

// gRPC's path of a method of the service, "/ecommerce.orders.OrderService/<name>", which names
// the call in metrics and the call log.
std::string method_path(std::string_view name) {
  return "/" + std::string(pb::OrderService::service_full_name()) + "/" + std::string(name);
}

grpc::ServerUnaryReactor* answer(CancellableUnary* reactor, const grpc::Status& status) {
  reactor->finish(status);
  return reactor;
}

}  // namespace

std::unique_ptr<ObservedCall> OrderServiceImpl::observe(std::string_view method,
                                                        std::string peer) const {
  if (context_.observer == nullptr) return nullptr;
  return context_.observer->started(method, std::move(peer));
}

std::unique_ptr<ObservedCall> OrderServiceImpl::observe_unary(
    std::string_view method, const CallbackServerContext& call) const {
  if (context_.observer == nullptr) return nullptr;
  auto observed = context_.observer->started(method, call.peer());
  observed->received();  // a unary handler runs once its request has arrived
  return observed;
}

template <typename GrpcReactor, typename Start>
GrpcReactor* OrderServiceImpl::admit_stream(grpc::CallbackServerContext* call,
                                            std::string_view method,
                                            std::optional<std::string_view> request_customer,
                                            Start start) {
  std::string peer = call->peer();
  std::unique_ptr<ObservedCall> observed = observe(method, peer);
  if (observed && request_customer) {
    observed->received();
    observed->set_customer(std::string(*request_customer));
  }
  auto caller = authenticator_.authenticate(*call);
  if (!caller) {
    return RejectedStream<GrpcReactor>::start(to_grpc_status(caller.error()), std::move(observed));
  }
  auto ticket = admission_.admit(peer, caller.value());
  if (!ticket) {
    return RejectedStream<GrpcReactor>::start(to_grpc_status(ticket.error()), std::move(observed));
  }
  return start(
      StreamGrant{std::move(caller.value()), std::move(ticket.value()), std::move(observed)});
}

OrderServiceImpl::OrderServiceImpl(ReactorContext context, const CallAuthenticator& authenticator,
                                   StreamAdmission& admission)
    : context_(context), authenticator_(authenticator), admission_(admission) {
  using grpc::internal::CallbackBidiHandler;
  using grpc::internal::CallbackClientStreamingHandler;
  using grpc::internal::CallbackServerStreamingHandler;
  using grpc::internal::CallbackUnaryHandler;
  // Replaces the generated synchronous handlers; grpc::Service owns the handlers.
  MarkMethodCallback(
      kCreateOrder,
      new CallbackUnaryHandler<ByteBuffer, pb::OrderResponse>(
          [this](CallbackServerContext* call, const ByteBuffer* request,
                 pb::OrderResponse* response) { return CreateOrder(call, request, response); }));
  MarkMethodCallback(kGetOrderHistory,
                     new CallbackServerStreamingHandler<ByteBuffer, pb::OrderEvent>(
                         [this](CallbackServerContext* call, const ByteBuffer* request) {
                           return GetOrderHistory(call, request);
                         }));
  MarkMethodCallback(kProcessBulkOrders,
                     new CallbackClientStreamingHandler<ByteBuffer, pb::BulkProcessResult>(
                         [this](CallbackServerContext* call, pb::BulkProcessResult* response) {
                           return ProcessBulkOrders(call, response);
                         }));
  MarkMethodCallback(kNotifyOrderUpdates,
                     new CallbackBidiHandler<ByteBuffer, pb::OrderUpdate>(
                         [this](CallbackServerContext* call) { return NotifyOrderUpdates(call); }));
  MarkMethodCallback(kUpdateOrderStatus,
                     new CallbackUnaryHandler<ByteBuffer, pb::OrderUpdate>(
                         [this](CallbackServerContext* call, const ByteBuffer* request,
                                pb::OrderUpdate* response) {
                           return UpdateOrderStatus(call, request, response);
                         }));
  MarkMethodCallback(kGetOrder, new CallbackUnaryHandler<ByteBuffer, pb::OrderDetails>(
                                    [this](CallbackServerContext* call, const ByteBuffer* request,
                                           pb::OrderDetails* response) {
                                      return GetOrder(call, request, response);
                                    }));
}

grpc::ServerUnaryReactor* OrderServiceImpl::CreateOrder(grpc::CallbackServerContext* call,
                                                        const ByteBuffer* request,
                                                        pb::OrderResponse* response) {
  static const std::string kPath = method_path("CreateOrder");
  auto observed = observe_unary(kPath, *call);
  pb::Order order;
  const bool parsed = parse_request(*request, order);
  if (observed && parsed) observed->set_customer(order.customer_id());
  CancellableUnary* reactor = CancellableUnary::start(std::move(observed));
  auto caller = authenticator_.authenticate(*call);
  if (!caller) return answer(reactor, to_grpc_status(caller.error()));
  if (!parsed) return answer(reactor, unparsable_request(order.GetTypeName()));
  NewOrder new_order = to_new_order(order);
  // An invalid order is INVALID_ARGUMENT whoever asks; the batcher validates it again.
  if (auto invalid = invalid_order_error(new_order, context_.limits.max_id_bytes)) {
    return answer(reactor, to_grpc_status(*invalid));
  }
  if (auto denied = auth::check_create(caller.value(), new_order)) {
    return answer(reactor, to_grpc_status(*denied));
  }
  context_.creates.submit(
      std::move(new_order),
      [reactor, response](Result<Order> created) {
        if (!created) {
          reactor->finish(to_grpc_status(created.error()));
          return;
        }
        fill_response(created.value(), response);
        reactor->finish(grpc::Status::OK);
      },
      reactor->deadline_of(*call));
  return reactor;
}

grpc::ServerUnaryReactor* OrderServiceImpl::UpdateOrderStatus(grpc::CallbackServerContext* call,
                                                              const ByteBuffer* request,
                                                              pb::OrderUpdate* response) {
  static const std::string kPath = method_path("UpdateOrderStatus");
  CancellableUnary* reactor = CancellableUnary::start(observe_unary(kPath, *call));
  auto caller = authenticator_.authenticate(*call);
  if (!caller) return answer(reactor, to_grpc_status(caller.error()));
  if (auto denied = auth::check_status_change(caller.value())) {
    return answer(reactor, to_grpc_status(*denied));
  }
  pb::OrderStatusChange change;
  if (!parse_request(*request, change)) {
    return answer(reactor, unparsable_request(change.GetTypeName()));
  }
  if (auto invalid =
          invalid_id_error("order_id", change.order_id(), context_.limits.max_id_bytes)) {
    return answer(reactor, to_grpc_status(*invalid));
  }
  return run_unary(
      reactor, *call, context_.executor,
      [this, change = std::move(change), response](const Deadline& deadline) -> grpc::Status {
        auto order = context_.orders.update_status(change.order_id(), change.status(), deadline);
        if (!order) return to_grpc_status(order.error());
        fill_update(latest_event_of(order.value()), response);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* OrderServiceImpl::GetOrder(grpc::CallbackServerContext* call,
                                                     const ByteBuffer* request,
                                                     pb::OrderDetails* response) {
  static const std::string kPath = method_path("GetOrder");
  CancellableUnary* reactor = CancellableUnary::start(observe_unary(kPath, *call));
  auto caller = authenticator_.authenticate(*call);
  if (!caller) return answer(reactor, to_grpc_status(caller.error()));
  pb::OrderID id;
  if (!parse_request(*request, id)) return answer(reactor, unparsable_request(id.GetTypeName()));
  // Checked here, on the gRPC thread: an id no order can have needs no database call.
  if (auto invalid = invalid_id_error("OrderID.id", id.id(), context_.limits.max_id_bytes)) {
    return answer(reactor, to_grpc_status(*invalid));
  }
  return run_unary(reactor, *call, context_.executor,
                   [this, caller = std::move(caller.value()), id = std::move(id),
                    response](const Deadline& deadline) -> grpc::Status {
                     auto order = context_.orders.find_order(id.id(), deadline);
                     if (!order) return to_grpc_status(order.error());
                     // Before NOT_FOUND: a customer gets the same answer for a missing order as
                     // for another customer's, which reveals nothing about which ids exist.
                     if (auto denied = auth::check_order(caller, order.value())) {
                       return to_grpc_status(*denied);
                     }
                     if (!order.value()) {
                       return {grpc::StatusCode::NOT_FOUND, "Order " + id.id() + " not found"};
                     }
                     fill_details(*order.value(), response);
                     return grpc::Status::OK;
                   });
}

grpc::ServerWriteReactor<pb::OrderEvent>* OrderServiceImpl::GetOrderHistory(
    grpc::CallbackServerContext* call, const ByteBuffer* request) {
  static const std::string kPath = method_path("GetOrderHistory");
  pb::UserID user;
  const bool parsed = parse_request(*request, user);
  // Whose history it is, and so whether the caller may read it, is checked by the reactor.
  return admit_stream<grpc::ServerWriteReactor<pb::OrderEvent>>(
      call, kPath, parsed ? user.id() : "", [&](StreamGrant grant) {
        return HistoryReactor::start(context_, std::move(grant), parsed ? &user : nullptr,
                                     deadline_of(*call));
      });
}

grpc::ServerReadReactor<ByteBuffer>* OrderServiceImpl::ProcessBulkOrders(
    grpc::CallbackServerContext* call, pb::BulkProcessResult* response) {
  static const std::string kPath = method_path("ProcessBulkOrders");
  return admit_stream<grpc::ServerReadReactor<ByteBuffer>>(
      call, kPath, std::nullopt, [&](StreamGrant grant) {
        return BulkReactor::start(context_, std::move(grant), response, deadline_of(*call));
      });
}

grpc::ServerBidiReactor<ByteBuffer, pb::OrderUpdate>* OrderServiceImpl::NotifyOrderUpdates(
    grpc::CallbackServerContext* call) {
  static const std::string kPath = method_path("NotifyOrderUpdates");
  return admit_stream<grpc::ServerBidiReactor<ByteBuffer, pb::OrderUpdate>>(
      call, kPath, std::nullopt,
      [&](StreamGrant grant) { return WatchReactor::start(context_, std::move(grant)); });
}

}  // namespace orderstream::transport
