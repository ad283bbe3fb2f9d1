#include "transport/stream_admission.h"

namespace orderstream::transport {

StreamAdmission::Ticket& StreamAdmission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    connection_ = std::move(other.connection_);
    customer_ = std::move(other.customer_);
    other.owner_ = nullptr;
  }
  return *this;
}

void StreamAdmission::Ticket::release() {
  if (owner_ == nullptr) return;
  owner_->give_back(connection_, customer_);
  owner_ = nullptr;
}

Result<StreamAdmission::Ticket> StreamAdmission::admit(const std::string& connection,
                                                       const auth::Principal& caller) {
  const bool per_customer = !caller.is_admin();
  std::lock_guard lock(mutex_);
  std::size_t& on_connection = by_connection_[connection];
  if (on_connection >= per_connection_) {
    if (on_connection == 0) by_connection_.erase(connection);
    return Error{ErrorCode::kResourceExhausted,
                 "Too many concurrent streams on this connection (limit " +
                     std::to_string(per_connection_) + "); open another connection or end some"};
  }
  if (per_customer) {
    std::size_t& of_customer = by_customer_[caller.customer_id];
    if (of_customer >= per_customer_) {
      if (on_connection == 0) by_connection_.erase(connection);
      if (of_customer == 0) by_customer_.erase(caller.customer_id);
      return Error{ErrorCode::kResourceExhausted,
                   "Too many concurrent streams for this customer (limit " +
                       std::to_string(per_customer_) + "); end some first"};
    }
    ++of_customer;
  }
  ++on_connection;
  Ticket ticket;
  ticket.owner_ = this;
  ticket.connection_ = connection;
  if (per_customer) ticket.customer_ = caller.customer_id;
  return ticket;
}

std::size_t StreamAdmission::open_on(const std::string& connection) const {
  std::lock_guard lock(mutex_);
  const auto it = by_connection_.find(connection);
  return it == by_connection_.end() ? 0 : it->second;
}

void StreamAdmission::give_back(const std::string& connection, const std::string& customer) {
  std::lock_guard lock(mutex_);
  if (auto it = by_connection_.find(connection); it != by_connection_.end() && --it->second == 0) {
    by_connection_.erase(it);
  }
  if (customer.empty()) return;
  if (auto it = by_customer_.find(customer); it != by_customer_.end() && --it->second == 0) {
    by_customer_.erase(it);
  }
}

}  // namespace orderstream::transport
