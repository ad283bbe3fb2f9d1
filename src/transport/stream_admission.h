// Caps on concurrent streams: per connection (a client's channel, told apart by its peer
// address) and per customer (all the streams of one customer token, whatever the connection).
// A stream over a cap is refused with RESOURCE_EXHAUSTED before it holds anything; unary calls
// are not counted. Administrators are capped per connection only.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/principal.h"
#include "domain/error.h"
#include "transport/call_observer.h"

namespace orderstream::transport {

class StreamAdmission {
 public:
  // A place among the open streams, given back when destroyed (or released).
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept { *this = std::move(other); }
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { release(); }
    void release();

   private:
    friend class StreamAdmission;
    StreamAdmission* owner_ = nullptr;
    std::string connection_;
    std::string customer_;  // empty: not counted per customer
  };

  StreamAdmission(std::size_t per_connection, std::size_t per_customer)
      : per_connection_(per_connection), per_customer_(per_customer) {}

  // A ticket, or RESOURCE_EXHAUSTED naming the cap that was hit.
  Result<Ticket> admit(const std::string& connection, const auth::Principal& caller);

  std::size_t open_on(const std::string& connection) const;

 private:
  void give_back(const std::string& connection, const std::string& customer);

  const std::size_t per_connection_;
  const std::size_t per_customer_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> by_connection_;
  std::unordered_map<std::string, std::size_t> by_customer_;
};

// What a handler hands the reactor of an admitted stream: who called, its place among the open
// streams, and its record for metrics and the call log (null: not observed), held until the
// stream is done.
struct StreamGrant {
  auth::Principal caller;
  StreamAdmission::Ticket ticket;
  std::unique_ptr<ObservedCall> observed;
};

}  // namespace orderstream::transport
