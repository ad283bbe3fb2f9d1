#include "domain/create_batcher.h"

#include <utility>

#include "common/thread_name.h"
#include "domain/order_id.h"
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
  Request request{std::move(order), false, 0, std::move(done), deadline};
  if (request.order.id.empty()) {
    request.order.id = generate_order_id();
    request.id_was_drawn = true;
    request.draws = 1;
  }
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
  // A call whose deadline has passed is answered now: committing it would be wasted work.
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
  Deadline deadline = group.front().deadline;
  for (const auto& request : group) {
    orders.push_back(request.order);
    deadline = Deadline::latest(deadline, request.deadline);
  }
  auto outcomes = orders_.create_orders(std::move(orders), deadline);
  if (!outcomes) {
    for (auto& request : group) request.done(outcomes.error());
    return;
  }
  std::vector<Request> redraws;
  for (std::size_t i = 0; i < group.size(); ++i) {
    Request& request = group[i];
    auto result = OrderService::resolve_create(request.order, request.id_was_drawn,
                                               std::move(outcomes.value()[i]));
    if (result) {
      request.done(std::move(*result));
    } else if (request.draws < kMaxIdDraws) {
      request.order.id = generate_order_id();
      ++request.draws;
      redraws.push_back(std::move(request));
    } else {
      request.done(Error{ErrorCode::kUnavailable, "Could not assign a free order id; retry"});
    }
  }
  if (redraws.empty()) return;
  std::lock_guard lock(mutex_);
  for (auto& request : redraws) queue_.push_back(std::move(request));
}

}  // namespace orderstream
