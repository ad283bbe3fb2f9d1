#include "common/executor.h"

#include <utility>

#include "common/log.h"
#include "common/thread_name.h"
#include "common/thread_priority.h"

namespace orderstream {

Executor::Executor(std::size_t threads, const char* name, int priority_boost) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, priority_boost] {
      raise_this_thread_priority(priority_boost);
      run();
    });
    name_thread(threads_.back(), name);
  }
}

Executor::~Executor() { shutdown(); }

bool Executor::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void Executor::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void Executor::run() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      // A task that throws is a bug; keep the pool alive and say so.
      OS_LOG(kError) << "executor task threw: " << e.what();
    }
  }
}

}  // namespace orderstream
