// Group commit for single creates: concurrent CreateOrder calls queue here, and one writer thread
// commits whatever has queued in one transaction (up to kMaxBatch), then answers each. While a
// commit (and its fsync) runs, the next group forms, so the cost of a commit is shared by every
// call that arrived during the previous one, and each call is still answered only once committed.
// What each call answers is OrderService::create_validated's rule, the one every create follows.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/deadline.h"
#include "domain/error.h"
#include "domain/order.h"
#include "domain/order_service.h"

namespace orderstream {

class CreateBatcher {
 public:
  using Done = std::function<void(Result<Order>)>;
  static constexpr std::size_t kMaxBatch = 1024;

  explicit CreateBatcher(OrderService& orders);
  ~CreateBatcher();
  CreateBatcher(const CreateBatcher&) = delete;
  CreateBatcher& operator=(const CreateBatcher&) = delete;

  // Answers `done` exactly once: at once on the caller's thread for an invalid order or after
  // shutdown began, otherwise on the writer thread once the order's group is committed. `done`
  // must not block. A group's statements are bounded by the latest deadline among its calls and
  // stopped only once every one of them was cancelled; a call whose deadline passed (or that was
  // cancelled) while it queued is answered kDeadlineExceeded, not committed.
  void submit(NewOrder order, Done done, Deadline deadline = {});

  // Commits what is queued, answers it, and stops the writer thread. Idempotent.
  void shutdown();

 private:
  struct Request {
    NewOrder order;
    Done done;
    Deadline deadline;
  };

  void run();
  void commit(std::vector<Request>& group);

  OrderService& orders_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Request> queue_;
  bool stopping_ = false;
  std::thread writer_;  // last: starts once everything it uses exists
};

}  // namespace orderstream
