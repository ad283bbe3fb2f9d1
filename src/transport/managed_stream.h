// What every streaming reactor of the order service shares, written once: one mutex over the
// stream's state, Finish exactly once (finish_locked), registration with the server's stream
// registry (so shutdown can end the stream and the active count drops in OnDone), the caller
// and its place under the stream caps (StreamGrant, given back in OnDone), cancellation (which
// also stops the stream's database work: or_cancelled),
// and executor tasks that hold a reference so they may outlive OnDone safely. It also keeps the
// stream's record for metrics and the call log (transport/call_observer.h): the status when it
// finishes, each message written; derived reactors count the messages they read.
//
// Derived reactors may define, privately with this class as a friend:
//   void on_finish_locked();  // drop buffered data when the stream finishes (mutex held)
//   void on_done();           // release outside resources (e.g. hub subscriptions) in OnDone
//   static grpc::Status shutting_down();  // the status a shutdown ends the stream with
//
// Reactors that write derive from WritingStream, below: one write in flight and its OnWriteDone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <utility>

#include "domain/cancellation.h"
#include "domain/deadline.h"
#include "transport/reactor_context.h"
#include "transport/ref_counted.h"
#include "transport/stream_admission.h"
#include "transport/stream_registry.h"

namespace orderstream::transport {

template <typename Derived, typename GrpcReactor>
class ManagedStream : public GrpcReactor, public RegisteredStream, public RefCounted<Derived> {
 public:
  void OnCancel() override {
    cancellation_.cancel();  // a statement running for the stream stops
    std::lock_guard lock(mutex_);
    finish_locked({grpc::StatusCode::CANCELLED, "Cancelled"});
  }

  void OnDone() override {
    self().on_done();
    grant_.observed.reset();  // the call's record ends
    grant_.ticket.release();
    context_.streams.remove(this);
    this->release();
  }

  void on_server_shutdown() override {
    std::lock_guard lock(mutex_);
    finish_locked(Derived::shutting_down());
  }

 protected:
  ManagedStream(ReactorContext context, StreamGrant grant)
      : context_(context), grant_(std::move(grant)) {}
  ~ManagedStream() = default;

  static grpc::Status shutting_down() {
    return {grpc::StatusCode::UNAVAILABLE, "Server is shutting down"};
  }

  // Joins the server's open streams; during shutdown finishes the stream instead and says false.
  bool register_locked() {
    if (context_.streams.add(this->ref())) return true;
    finish_locked(Derived::shutting_down());
    return false;
  }

  // Runs `task(self)` on the executor with a reference that keeps this reactor alive; during
  // shutdown (the executor refuses work) finishes the stream instead.
  template <typename Task>
  void post_locked(Task task) {
    const bool posted = context_.executor.post(
        [self = this->ref(), task = std::move(task)]() mutable { task(*self); });
    if (!posted) finish_locked(Derived::shutting_down());
  }

  void finish_locked(const grpc::Status& status) {
    if (finish_called_) return;
    finish_called_ = true;
    if (grant_.observed) grant_.observed->finished(status.error_code());
    self().on_finish_locked();
    this->Finish(status);
  }

  // A write that fails means the stream is broken (cancelled, or the peer went away).
  void write_failed_locked() {
    finish_locked({grpc::StatusCode::CANCELLED, "Stream write failed"});
  }

  void on_finish_locked() {}
  void on_done() {}

  // For the stream's record: a message read from, or sent to, the client.
  void note_received() {
    if (grant_.observed) grant_.observed->received();
  }
  void note_sent() {
    if (grant_.observed) grant_.observed->sent();
  }

  // The stream's deadline, also reached when gRPC reports the call cancelled (the client
  // cancelled it or went away), so that the store stops a statement nobody waits for.
  Deadline or_cancelled(const Deadline& deadline) const {
    return deadline.or_cancelled(cancellation_);
  }

  const ReactorContext context_;
  const Cancellation cancellation_ = Cancellation::create();
  StreamGrant grant_;  // the caller, and the stream's place among the open streams
  std::mutex mutex_;
  bool finish_called_ = false;  // guarded by mutex_

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

// A ManagedStream that writes, one write in flight: a failed write finishes the stream, a
// completed one lets the next start. Derived defines, privately with this class as a friend:
//   void write_next_locked();  // starts the next write if one is ready and none is in flight
template <typename Derived, typename GrpcReactor>
class WritingStream : public ManagedStream<Derived, GrpcReactor> {
 public:
  void OnWriteDone(bool ok) override {
    std::lock_guard lock(this->mutex_);
    write_in_flight_ = false;
    if (!ok) {
      this->write_failed_locked();
      return;
    }
    this->note_sent();
    static_cast<Derived&>(*this).write_next_locked();
  }

 protected:
  WritingStream(ReactorContext context, StreamGrant grant)
      : ManagedStream<Derived, GrpcReactor>(context, std::move(grant)) {}
  ~WritingStream() = default;

  bool write_in_flight_ = false;  // guarded by mutex_; set where write_next_locked writes
};

}  // namespace orderstream::transport
