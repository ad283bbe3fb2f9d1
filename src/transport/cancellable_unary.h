// The reactor of a unary call whose work runs on the executor or the CreateOrder batcher: it
// cancels the call's domain Cancellation when gRPC reports the call cancelled (the client
// cancelled it or went away; OnCancel), so that the store stops the statement it is running for
// the call rather than finishing work nobody waits for. gRPC owns it: it deletes itself in
// OnDone, after Finish.
#pragma once

#include <grpcpp/grpcpp.h>

#include "domain/cancellation.h"
#include "domain/deadline.h"
#include "transport/call_deadline.h"

namespace orderstream::transport {

class CancellableUnary final : public grpc::ServerUnaryReactor {
 public:
  // Returned to gRPC by the method handler, which then owns it.
  static CancellableUnary* start() { return new CancellableUnary(); }

  // The call's deadline, also reached when the call is cancelled.
  Deadline deadline_of(const grpc::ServerContextBase& call) const {
    return transport::deadline_of(call).or_cancelled(cancellation_);
  }

  void OnCancel() override { cancellation_.cancel(); }
  void OnDone() override { delete this; }

 private:
  CancellableUnary() = default;
  ~CancellableUnary() override = default;

  const Cancellation cancellation_ = Cancellation::create();
};

}  // namespace orderstream::transport
