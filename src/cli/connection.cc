#include "cli/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>

#include <string>
#include <utility>
#include <vector>

namespace orderstream::cli {
namespace {

std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const ClientOptions& options) {
  if (!options.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.ca_pem;  // empty: the system's roots
  ssl.pem_cert_chain = options.cert_pem;
  ssl.pem_private_key = options.key_pem;
  return grpc::SslCredentials(ssl);
}

// Adds the bearer token to the metadata of every call of the channel.
class BearerToken final : public grpc::experimental::Interceptor {
 public:
  explicit BearerToken(std::string header) : header_(std::move(header)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string header_;
};

class BearerTokenFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenFactory(const std::string& token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerToken(header_);  // gRPC owns and deletes interceptors
  }

 private:
  const std::string header_;
};

}  // namespace

std::shared_ptr<grpc::Channel> make_channel(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.max_message_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!options.token.empty()) {
    interceptors.push_back(std::make_unique<BearerTokenFactory>(options.token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      options.target, channel_credentials(options), arguments, std::move(interceptors));
}

std::unique_ptr<ecommerce::orders::OrderService::Stub> make_stub(const ClientOptions& options) {
  return ecommerce::orders::OrderService::NewStub(make_channel(options));
}

void apply_deadline(grpc::ClientContext& context, const ClientOptions& options,
                    std::optional<std::chrono::milliseconds> fallback) {
  const auto deadline = options.deadline ? options.deadline : fallback;
  if (deadline) context.set_deadline(std::chrono::system_clock::now() + *deadline);
}

}  // namespace orderstream::cli
