#include "transport/stream_registry.h"

#include <vector>

#include "common/log.h"

namespace orderstream::transport {

bool StreamRegistry::add(const std::shared_ptr<RegisteredStream>& stream) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return false;
  streams_.emplace(stream.get(), stream);
  OS_LOG(kDebug) << "stream opened: " << streams_.size() << " open streams";
  return true;
}

void StreamRegistry::remove(const RegisteredStream* stream) {
  std::shared_ptr<RegisteredStream> last;  // released outside the lock: it may delete the reactor
  std::lock_guard lock(mutex_);
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  last = std::move(it->second);
  streams_.erase(it);
  // The figure tests and operators watch to see that a dead peer's stream was freed.
  OS_LOG(kDebug) << "stream closed: " << streams_.size() << " open streams";
}

std::size_t StreamRegistry::active() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

void StreamRegistry::shutdown_all() {
  std::vector<std::shared_ptr<RegisteredStream>> open;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (const auto& [key, stream] : streams_) open.push_back(stream);
  }
  for (const auto& stream : open) stream->on_server_shutdown();
}

}  // namespace orderstream::transport
