// Cancels a call when the user presses Ctrl-C. A signal handler may do almost nothing, so the
// SIGINT handler only writes a byte to a self-pipe; a watcher thread wakes up, records the
// interrupt and calls ClientContext::TryCancel, after which the blocked Read or Write returns and
// Finish reports CANCELLED. The handler is one-shot (SA_RESETHAND): if the call does not wind
// down, a second Ctrl-C kills the process as usual. At most one instance may exist at a time.
// A command that reconnects points it at each new call's context in turn (attach), and waits out
// its backoff in wait_for, which Ctrl-C cuts short.
#pragma once

#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cli/self_pipe.h"

namespace orderstream::cli {

class CancelOnInterrupt {
 public:
  // `context` must outlive this object, or be replaced (attach) before it ends.
  explicit CancelOnInterrupt(grpc::ClientContext& context) : CancelOnInterrupt() {
    attach(&context);
  }
  CancelOnInterrupt();
  ~CancelOnInterrupt();  // restores the previous SIGINT disposition
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  bool interrupted() const { return interrupted_.load(); }

  // The call that Ctrl-C cancels from now on (nullptr: none); cancelled at once if Ctrl-C came.
  void attach(grpc::ClientContext* context);
  // Sleeps `duration`; false (at once) if Ctrl-C came before or during the wait.
  bool wait_for(std::chrono::milliseconds duration);

 private:
  void watch();

  std::mutex mutex_;
  std::condition_variable woken_;
  grpc::ClientContext* context_ = nullptr;  // guarded by mutex_
  SelfPipe pipe_;
  std::atomic<bool> interrupted_{false};
  struct sigaction previous_ {};
  std::thread watcher_;
};

}  // namespace orderstream::cli
