#include "domain/create_batcher.h"

#include <utility>
#include <vector>

#include "common/thread_name.h"
#include "domain/order_validation.h"

namespace orderstream {
CreateBatcher::CreateBatcher(OrderService& orders) : orders_(orders), writer_([this] { run(); }) {
  name_thread(writer_, "os-create-batch");
}

CreateBatcher::~CreateBatcher() { shutdown(); }

void CreateBatcher::submit(NewOrder order, Done done, Deadline deadline) {
  if (auto invalid = invalid_order_error(order)) {
    done(std::move(*invalid));
    return;
  }
  Request request{std::move(order), std::move(done), deadline};
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(request));
      wake_.notify_one();
      return;
    }
  }
  request.done(Error{ErrorCode::kUnavailable, "Server is shutting down"});
}

void CreateBatcher::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void CreateBatcher::run() {
  std::vector<Request> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was answered
      if (queue_.size() <= kMaxBatch) {
        group.swap(queue_);
      } else {
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + kMaxBatch));
        queue_.erase(queue_.begin(), queue_.begin() + kMaxBatch);
      }
    }
    commit(group);
    group.clear();
  }
}

void CreateBatcher::commit(std::vector<Request>& group) {
  // A call whose deadline has passed (or that was cancelled) is answered now: committing it would
  // be wasted work.
  const auto now = Deadline::Clock::now();
  std::erase_if(group, [&](Request& request) {
    if (!request.deadline.expired(now)) return false;
    request.done(Error{ErrorCode::kDeadlineExceeded,
                       "The call's deadline passed while it waited for its commit"});
    return true;
  });
  if (group.empty()) return;
  std::vector<NewOrder> orders;
  orders.reserve(group.size());
  std::vector<Deadline> deadlines;
  deadlines.reserve(group.size());
  for (auto& request : group) {
    deadlines.push_back(request.deadline);
    orders.push_back(std::move(request.order));
  }
  // The group runs as long as one of its callers still waits: until the latest deadline, and
  // cancelled only once every caller cancelled.
  auto answers = orders_.create_validated(std::move(orders), Deadline::latest(deadlines));
  for (std::size_t i = 0; i < group.size(); ++i) group[i].done(std::move(answers[i]));
}

}  // namespace orderstream
