#include "transport/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "common/log.h"
#include "transport/health_service.h"
#include "transport/listen_address.h"

namespace orderstream::transport {
namespace {

constexpr char kServiceName[] = "ecommerce.orders.OrderService";

// gRPC owns the factories it is given; this one lends it a factory the options share.
class SharedInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit SharedInterceptorFactory(
      std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface> factory)
      : factory_(std::move(factory)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return factory_->CreateServerInterceptor(info);
  }

 private:
  std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface> factory_;
};

}  // namespace

OrderServer::OrderServer(ServerOptions options, OrderService& orders, EventHub& hub)
    : options_(std::move(options)),
      hub_(hub),
      executor_(options_.executor_threads, "os-database", options_.thread_priority_boost),
      creates_(orders),
      imports_(options_.import_buffer_orders),
      authenticator_(options_.tokens),
      admission_(options_.limits.streams_per_connection, options_.limits.streams_per_customer),
      service_(ReactorContext{orders, creates_, hub, executor_, streams_, imports_, counters_,
                              options_.limits, options_.call_observer.get()},
               authenticator_, admission_),
      health_(std::make_unique<HealthService>(std::vector<std::string>{kServiceName})) {
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options_.tls) {
    try {
      certificates_ = std::make_unique<CertificateReloader>(*options_.tls);
      credentials = certificates_->credentials();
    } catch (...) {
      executor_.shutdown();
      creates_.shutdown();
      throw;
    }
  }
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which would let a second server silently share the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Watch streams live for hours: ping idle connections so that a client that vanished without
  // closing (host gone, NAT dropped) is detected and its stream freed within a minute, and let
  // clients keep their own connections alive through proxies by pinging as often as every 10 s
  // (gRPC's default refuses pings more often than every 5 minutes with GOAWAY too_many_pings).
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, options_.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, options_.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.AddListeningPort(options_.listen, credentials, &port_);
  if (!options_.interceptors.empty()) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    for (const auto& factory : options_.interceptors) {
      creators.push_back(std::make_unique<SharedInterceptorFactory>(factory));
    }
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  builder.RegisterService(&service_);
  builder.RegisterService(health_.get());
  for (const auto& make_service : options_.extra_services) {
    extra_services_.push_back(make_service(hub, executor_));
    builder.RegisterService(extra_services_.back().get());
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    executor_.shutdown();
    creates_.shutdown();
    const auto reason = bind_failure(options_.listen);
    throw std::runtime_error("cannot listen on " + options_.listen + ": " +
                             reason.value_or("gRPC could not bind it (see the lines above)"));
  }
  health_->set_serving(true);
  OS_LOG(kInfo) << "serving " << kServiceName << " on " << target()
                << (!options_.tls                          ? " (plaintext)"
                    : options_.tls->client_ca_file.empty() ? " (TLS)"
                                                           : " (mutual TLS)")
                << (options_.tokens ? ", " + std::to_string(options_.tokens->size()) + " tokens"
                                    : ", no authentication");
}

void OrderServer::set_storage_available(bool available) {
  OS_LOG(kInfo) << "health: " << (available ? "SERVING" : "NOT_SERVING (storage unreachable)");
  health_->set_serving(available);
}

OrderServer::~OrderServer() { shutdown(std::chrono::milliseconds(0)); }

std::optional<CertificateReloader::Outcome> OrderServer::reload_certificates(std::string* why) {
  if (!certificates_) return std::nullopt;
  return certificates_->reload(why);
}

std::string OrderServer::target() const {
  const auto colon = options_.listen.rfind(':');
  return options_.listen.substr(0, colon) + ":" + std::to_string(port_);
}

void OrderServer::shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  OS_LOG(kInfo) << "shutting down: " << streams_.active() << " open streams";
  health_->shutdown();  // health watches hear NOT_SERVING, then end
  hub_.close();
  streams_.shutdown_all();
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  executor_.shutdown();
  creates_.shutdown();
  OS_LOG(kInfo) << "shut down";
}

}  // namespace orderstream::transport
