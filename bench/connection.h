// Channels for benchmarks. Each channel gets its own TCP connection: gRPC would otherwise share
// one subchannel between channels created with equal arguments, and "one channel per stream"
// would silently become one connection for all. Connections are made before any clock starts,
// so no figure includes connection set-up.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/clock.h"

namespace orderstream::bench {

// Connects `count` channels to `target`; throws std::runtime_error if one is not connected by
// the deadline.
std::vector<std::shared_ptr<grpc::Channel>> connect_channels(const std::string& target, int count,
                                                             const Deadline& deadline);

std::shared_ptr<grpc::Channel> connect_channel(const std::string& target, const Deadline& deadline);

// A stub of `Service` on each of `count` channels from connect_channels (a stub keeps its
// channel, and so its connection, alive).
template <typename Service>
std::vector<std::unique_ptr<typename Service::Stub>> connect_stubs(const std::string& target,
                                                                   int count,
                                                                   const Deadline& deadline) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (const auto& channel : connect_channels(target, count, deadline)) {
    stubs.push_back(Service::NewStub(channel));
  }
  return stubs;
}

}  // namespace orderstream::bench
