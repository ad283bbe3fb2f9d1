#include "bench/connection.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <atomic>
#include <stdexcept>

namespace orderstream::bench {
namespace {

// How long a single connection attempt may take before the benchmark gives up on the target.
constexpr double kConnectSeconds = 10;

std::atomic<int> next_channel_id{0};

std::shared_ptr<grpc::Channel> new_channel(const std::string& target) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Distinct arguments too, so no global pool could ever merge two benchmark channels.
  arguments.SetInt("orderstream.bench.channel_id", next_channel_id.fetch_add(1));
  arguments.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
}

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> connect_channels(const std::string& target, int count,
                                                             const Deadline& deadline) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  channels.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) channels.push_back(new_channel(target));
  // Ask all to connect first, then wait: the handshakes overlap.
  for (const auto& channel : channels) channel->GetState(/*try_to_connect=*/true);
  const auto until = std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         deadline.capped(kConnectSeconds) - Clock::now());
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(until)) {
      throw std::runtime_error("cannot connect to " + target + " (is the server running?)");
    }
  }
  return channels;
}

std::shared_ptr<grpc::Channel> connect_channel(const std::string& target,
                                               const Deadline& deadline) {
  return connect_channels(target, 1, deadline).front();
}

}  // namespace orderstream::bench
