// The gRPC face of the order service: one method per RPC, each handing the call to a reactor (or,
// for unary calls, to the executor) so no gRPC thread ever waits on the database.
#pragma once

#include <grpcpp/grpcpp.h>

#include "order_service.grpc.pb.h"
#include "transport/reactor_context.h"

namespace orderstream::transport {

class OrderServiceImpl final : public ::ecommerce::orders::OrderService::CallbackService {
 public:
  explicit OrderServiceImpl(ReactorContext context) : context_(context) {}

  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext* call,
                                        const ::ecommerce::orders::Order* request,
                                        ::ecommerce::orders::OrderResponse* response) override;

  grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>* GetOrderHistory(
      grpc::CallbackServerContext* call, const ::ecommerce::orders::UserID* request) override;

  grpc::ServerReadReactor<::ecommerce::orders::Order>* ProcessBulkOrders(
      grpc::CallbackServerContext* call, ::ecommerce::orders::BulkProcessResult* response) override;

  grpc::ServerBidiReactor<::ecommerce::orders::OrderID, ::ecommerce::orders::OrderUpdate>*
  NotifyOrderUpdates(grpc::CallbackServerContext* call) override;

  grpc::ServerUnaryReactor* UpdateOrderStatus(grpc::CallbackServerContext* call,
                                              const ::ecommerce::orders::OrderStatusChange* request,
                                              ::ecommerce::orders::OrderUpdate* response) override;

 private:
  const ReactorContext context_;
};

}  // namespace orderstream::transport
