// Cancels a call when the user presses Ctrl-C. A signal handler may do almost nothing, so the
// SIGINT handler only writes a byte to a self-pipe; a watcher thread wakes up, records the
// interrupt and calls ClientContext::TryCancel, after which the blocked Read or Write returns and
// Finish reports CANCELLED. The handler is one-shot (SA_RESETHAND): if the call does not wind
// down, a second Ctrl-C kills the process as usual. At most one instance may exist at a time.
#pragma once

#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "cli/self_pipe.h"

namespace orderstream::cli {

class CancelOnInterrupt {
 public:
  // `context` must outlive this object.
  explicit CancelOnInterrupt(grpc::ClientContext& context);
  ~CancelOnInterrupt();  // restores the previous SIGINT disposition
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  bool interrupted() const { return interrupted_.load(); }

 private:
  void watch();

  grpc::ClientContext& context_;
  SelfPipe pipe_;
  std::atomic<bool> interrupted_{false};
  struct sigaction previous_ {};
  std::thread watcher_;
};

}  // namespace orderstream::cli
