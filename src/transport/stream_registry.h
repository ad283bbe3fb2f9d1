// The streams a server has open. It counts them (the figure tests and operators watch to see
// that cancelled streams free everything) and, at shutdown, ends each with a status so that
// grpc::Server::Shutdown does not wait on long-lived watch streams.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace orderstream::transport {

class RegisteredStream {
 public:
  virtual ~RegisteredStream() = default;
  // The server is shutting down: finish with UNAVAILABLE unless already finished.
  virtual void on_server_shutdown() = 0;
};

class StreamRegistry {
 public:
  // False once shutdown has begun: the caller finishes its stream as UNAVAILABLE.
  bool add(const std::shared_ptr<RegisteredStream>& stream);
  void remove(const RegisteredStream* stream);
  std::size_t active() const;
  // Refuses new streams and tells every open one to finish.
  void shutdown_all();

 private:
  mutable std::mutex mutex_;
  bool shutting_down_ = false;
  std::unordered_map<const RegisteredStream*, std::shared_ptr<RegisteredStream>> streams_;
};

}  // namespace orderstream::transport
