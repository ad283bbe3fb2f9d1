// A streaming call answered with a status and nothing else, before any reactor of the service
// exists: what a handler returns for a caller it does not let in (unauthenticated, not allowed,
// over a limit). gRPC owns it like any reactor; it deletes itself once done.
#pragma once

#include <grpcpp/grpcpp.h>

#include <utility>

namespace orderstream::transport {

template <typename GrpcReactor>
class RejectedStream final : public GrpcReactor {
 public:
  static GrpcReactor* start(grpc::Status status) { return new RejectedStream(std::move(status)); }

  void OnDone() override { delete this; }

 private:
  // gRPC holds a Finish called before the reactor is bound to its call until the binding.
  explicit RejectedStream(grpc::Status status) { this->Finish(std::move(status)); }
};

}  // namespace orderstream::transport
