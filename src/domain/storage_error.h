// The one exception a store throws: an infrastructure failure (disk, lock, connection) or the
// caller's deadline passing (DeadlineExceededError), never a business outcome. `transient` says
// whether retrying later may succeed (gRPC UNAVAILABLE) or not (INTERNAL). `what()` holds the
// detail for the server log only.
#pragma once

#include <stdexcept>
#include <string>

namespace orderstream {

class StorageError : public std::runtime_error {
 public:
  StorageError(const std::string& detail, bool transient)
      : std::runtime_error(detail), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

// A store call stopped because the caller's deadline (domain/deadline.h) passed first: nothing
// it was doing was committed. Transient: a retry with a new deadline may succeed.
class DeadlineExceededError : public StorageError {
 public:
  explicit DeadlineExceededError(const std::string& detail) : StorageError(detail, true) {}
};

}  // namespace orderstream
