// A client channel on a connection of its own. gRPC lets channels with equal arguments to one
// target share a connection; a test that spreads streams over connections, or counts what one
// connection holds, needs a channel that shares nothing.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

namespace orderstream::testing {

// Plaintext; each call returns a channel that no other channel shares a connection with.
inline std::shared_ptr<grpc::Channel> new_channel(const std::string& target) {
  static std::atomic<int> next{0};
  grpc::ChannelArguments args;
  // A distinct argument keeps the channel's connection apart.
  args.SetInt("orderstream.test.channel", next++);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace orderstream::testing
