// The project's own thread pool: all blocking work (database calls) runs here so that no gRPC
// reaction ever blocks. Tasks run in FIFO order on a fixed set of threads. Destruction stops
// taking tasks, runs those already queued, and joins the threads (RAII).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orderstream {

class Executor {
 public:
  using Task = std::function<void()>;

  // `name` (at most 15 characters) labels the threads in top -H, perf and debuggers;
  // `priority_boost` raises them that many nice levels (see common/thread_priority.h).
  explicit Executor(std::size_t threads, const char* name = "os-executor", int priority_boost = 0);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`; false (and the task dropped) once shutdown() has begun.
  bool post(Task task);

  // Stops taking tasks, drains the queue and joins the threads. Idempotent.
  void shutdown();

  std::size_t thread_count() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace orderstream
