#include "storage/pg_connection_pool.h"

#include <algorithm>
#include <utility>

#include "common/log.h"

namespace orderstream::storage {

PgConnectionPool::PgConnectionPool(std::string url, int64_t statement_timeout_ms, std::size_t size,
                                   Setup setup)
    : url_(std::move(url)), statement_timeout_ms_(statement_timeout_ms), setup_(std::move(setup)) {
  size = std::max<std::size_t>(size, 1);
  slots_.resize(size);
  free_.reserve(size);
  // Handed out from the back: slot 0 first, so that a lightly used pool keeps few connections.
  for (std::size_t i = size; i-- > 0;) free_.push_back(i);
}

PgConnectionPool::~PgConnectionPool() = default;

PgConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(slot_);
}

PgConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      slot_(other.slot_),
      connection_(other.connection_) {}

PgConnectionPool::Lease PgConnectionPool::acquire(const Deadline& deadline) {
  std::size_t slot = 0;
  {
    std::unique_lock lock(mutex_);
    const auto has_free = [this] { return !free_.empty(); };
    if (!deadline.is_set() && !deadline.cancellable()) {
      available_.wait(lock, has_free);
    } else {
      // A cancellation wakes nobody, so a cancellable wait looks at it between slices.
      while (!has_free()) {
        if (deadline.expired()) {
          throw DeadlineExceededError(
              "the caller's deadline passed (or it cancelled) while waiting for a connection");
        }
        auto until = Deadline::Clock::now() + Deadline::kCancelCheckInterval;
        if (!deadline.cancellable()) {
          until = deadline.when();
        } else if (deadline.is_set()) {
          until = std::min(until, deadline.when());
        }
        available_.wait_until(lock, until);
      }
    }
    slot = free_.back();
    free_.pop_back();
  }
  std::unique_ptr<PgConnection>& connection = slots_[slot];
  if (connection != nullptr && !connection->usable()) {
    OS_LOG(kInfo) << "PostgreSQL connection lost; reconnecting";
    connection.reset();
  }
  if (connection == nullptr) {
    try {
      auto fresh = std::make_unique<PgConnection>(url_, statement_timeout_ms_);
      setup_(*fresh);
      connection = std::move(fresh);
    } catch (...) {
      release(slot);
      throw;
    }
  }
  connection->set_deadline(deadline);
  return Lease(*this, slot, *connection);
}

void PgConnectionPool::release(std::size_t slot) {
  // A connection that a failure left unusable is closed now rather than kept for the next lease.
  std::unique_ptr<PgConnection>& connection = slots_[slot];
  if (connection != nullptr && connection->lost()) connection.reset();
  if (connection != nullptr) connection->set_deadline(Deadline());
  {
    std::lock_guard lock(mutex_);
    free_.push_back(slot);
  }
  available_.notify_one();
}

}  // namespace orderstream::storage
