// The reactor of every unary call of the order service. It cancels the call's domain
// Cancellation when gRPC reports the call cancelled (the client cancelled it or went away;
// OnCancel), so that the store stops the statement it is running for the call rather than
// finishing work nobody waits for. It holds the call's record for metrics and the call log
// (transport/call_observer.h) and reports the answer to it in finish(). gRPC owns it: it deletes
// itself in OnDone, after Finish.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <utility>

#include "domain/cancellation.h"
#include "domain/deadline.h"
#include "transport/call_deadline.h"
#include "transport/call_observer.h"

namespace orderstream::transport {

class CancellableUnary final : public grpc::ServerUnaryReactor {
 public:
  // Returned to gRPC by the method handler, which then owns it. `observed` (may be null) is the
  // call's record.
  static CancellableUnary* start(std::unique_ptr<ObservedCall> observed) {
    return new CancellableUnary(std::move(observed));
  }

  // The call's deadline, also reached when the call is cancelled.
  Deadline deadline_of(const grpc::ServerContextBase& call) const {
    return transport::deadline_of(call).or_cancelled(cancellation_);
  }

  // Answers the call, once: the response (set by the caller beforehand) goes out only with OK.
  void finish(const grpc::Status& status) {
    if (observed_) {
      if (status.ok()) observed_->sent();
      observed_->finished(status.error_code());
    }
    Finish(status);
  }

  void OnCancel() override { cancellation_.cancel(); }
  void OnDone() override { delete this; }

 private:
  explicit CancellableUnary(std::unique_ptr<ObservedCall> observed)
      : observed_(std::move(observed)) {}
  ~CancellableUnary() override = default;

  // finish() reports the answer; Finish alone would leave the record without it.
  using grpc::ServerUnaryReactor::Finish;

  const Cancellation cancellation_ = Cancellation::create();
  const std::unique_ptr<ObservedCall> observed_;
};

}  // namespace orderstream::transport
