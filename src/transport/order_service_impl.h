// The gRPC face of the order service: one method per RPC, each handing the call to a reactor (or,
// for unary calls, to the executor) so no gRPC thread ever waits on the database.
//
// Every method takes its request as bytes and parses it itself (transport/request_parsing.h), so
// a request that does not parse is answered INVALID_ARGUMENT: gRPC's typed callback methods would
// answer UNIMPLEMENTED, or take a stream message that fails to parse for the stream's end.
// Responses stay typed. The methods are registered with the same gRPC handler classes the
// generated CallbackService uses, with grpc::ByteBuffer as the request type.
//
// Every call is authenticated first (CallAuthenticator) and checked against the caller's role
// (auth/access_rules.h); every stream must also be admitted under the stream caps
// (StreamAdmission). Every call, refused or not, reports itself for metrics and the call log
// (transport/call_observer.h).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "order_service.grpc.pb.h"
#include "transport/call_authenticator.h"
#include "transport/call_observer.h"
#include "transport/reactor_context.h"
#include "transport/stream_admission.h"

namespace orderstream::transport {

class OrderServiceImpl final : public ::ecommerce::orders::OrderService::Service {
 public:
  OrderServiceImpl(ReactorContext context, const CallAuthenticator& authenticator,
                   StreamAdmission& admission);

  // The generated Service declares a synchronous virtual of each name; the constructor replaces
  // their handlers with these (MarkMethodCallback), so hiding the synchronous ones is the intent.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext* call,
                                        const grpc::ByteBuffer* request,
                                        ::ecommerce::orders::OrderResponse* response);

  grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>* GetOrderHistory(
      grpc::CallbackServerContext* call, const grpc::ByteBuffer* request);

  grpc::ServerReadReactor<grpc::ByteBuffer>* ProcessBulkOrders(
      grpc::CallbackServerContext* call, ::ecommerce::orders::BulkProcessResult* response);

  grpc::ServerBidiReactor<grpc::ByteBuffer, ::ecommerce::orders::OrderUpdate>* NotifyOrderUpdates(
      grpc::CallbackServerContext* call);

  grpc::ServerUnaryReactor* UpdateOrderStatus(grpc::CallbackServerContext* call,
                                              const grpc::ByteBuffer* request,
                                              ::ecommerce::orders::OrderUpdate* response);

  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* call,
                                     const grpc::ByteBuffer* request,
                                     ::ecommerce::orders::OrderDetails* response);
#pragma GCC diagnostic pop

 private:
  // The call's record for metrics and the call log; null when nothing observes the calls.
  std::unique_ptr<ObservedCall> observe(std::string_view method, std::string peer) const;
  // The same for a unary call, whose one request has arrived.
  std::unique_ptr<ObservedCall> observe_unary(std::string_view method,
                                              const grpc::CallbackServerContext& call) const;

  // Starts the stream's record for metrics and the call log (`request_customer` set: the call's
  // one request arrived with it and names this customer), then returns `start(grant)` for a
  // caller let in: who calls, a place among the open streams, the record; or refuses the stream
  // with the status that says why.
  template <typename GrpcReactor, typename Start>
  GrpcReactor* admit_stream(grpc::CallbackServerContext* call, std::string_view method,
                            std::optional<std::string_view> request_customer, Start start);

  const ReactorContext context_;
  const CallAuthenticator& authenticator_;
  StreamAdmission& admission_;
};

}  // namespace orderstream::transport
