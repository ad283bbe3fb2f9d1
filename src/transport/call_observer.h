// What the order service's calls report for metrics and the per-call log line: their handlers
// and reactors report it themselves, through this port, which the binary implements with its
// metrics (observability/call_interceptor.h). A gRPC server interceptor would see the calls
// without a line in the handlers, but with any interceptor on a call gRPC passes every batch of
// that call through the completion queue a second time, once the interceptors have run. That
// cost a history stream about a third of its server CPU, and a CreateOrder call about 5%
// (docs/bench/HISTORY.md). The services without a handler of ours (health, reflection) keep the
// interceptor.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace orderstream::transport {

// One call as the metrics and the call log see it. The reactor holds it until OnDone;
// destroying it ends the call's record, and a call never finished counts as CANCELLED.
// received() and sent() may race with each other (a bidirectional stream reads while it
// writes); set_customer() and finished() are called once, under the reactor's lock or before
// the reactor is shared.
class ObservedCall {
 public:
  virtual ~ObservedCall() = default;
  virtual void received() = 0;                          // a message arrived from the client
  virtual void sent() = 0;                              // a message went to the client
  virtual void set_customer(std::string customer) = 0;  // the customer the request names
  virtual void finished(int grpc_code) = 0;             // the call's status is being sent
};

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // A call of `method` (gRPC's path, "/ecommerce.orders.OrderService/GetOrderHistory") from
  // `peer` has started. Thread-safe.
  virtual std::unique_ptr<ObservedCall> started(std::string_view method, std::string peer) = 0;
};

}  // namespace orderstream::transport
