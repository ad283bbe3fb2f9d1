#include "cli/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace orderstream::cli {

std::unique_ptr<ecommerce::orders::OrderService::Stub> make_stub(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.max_message_bytes);
  auto channel =
      grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), arguments);
  return ecommerce::orders::OrderService::NewStub(channel);
}

void apply_deadline(grpc::ClientContext& context, const ClientOptions& options,
                    std::optional<std::chrono::milliseconds> fallback) {
  const auto deadline = options.deadline ? options.deadline : fallback;
  if (deadline) context.set_deadline(std::chrono::system_clock::now() + *deadline);
}

}  // namespace orderstream::cli
