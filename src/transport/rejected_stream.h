// A streaming call answered with a status and nothing else, before any reactor of the service
// exists: what a handler returns for a caller it does not let in (unauthenticated, not allowed,
// over a limit). gRPC owns it like any reactor; it deletes itself once done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <utility>

#include "transport/call_observer.h"

namespace orderstream::transport {

template <typename GrpcReactor>
class RejectedStream final : public GrpcReactor {
 public:
  // `observed` (may be null) is the call's record for metrics and the call log.
  static GrpcReactor* start(grpc::Status status, std::unique_ptr<ObservedCall> observed) {
    return new RejectedStream(std::move(status), std::move(observed));
  }

  void OnDone() override { delete this; }

 private:
  // gRPC holds a Finish called before the reactor is bound to its call until the binding.
  RejectedStream(grpc::Status status, std::unique_ptr<ObservedCall> observed)
      : observed_(std::move(observed)) {
    if (observed_) observed_->finished(status.error_code());
    this->Finish(std::move(status));
  }

  const std::unique_ptr<ObservedCall> observed_;
};

}  // namespace orderstream::transport
