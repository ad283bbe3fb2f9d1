// The wiring of one server process's gRPC side: listening socket, message size limits, health
// and reflection services, the executor that runs database work, the order service, and an
// orderly shutdown. Independent of where its OrderService and EventHub come from, so tests run it
// in-process on a kernel-chosen port and the binary runs it from flags.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/token_table.h"
#include "common/executor.h"
#include "domain/create_batcher.h"
#include "domain/order_service.h"
#include "events/event_hub.h"
#include "transport/call_authenticator.h"
#include "transport/call_observer.h"
#include "transport/certificate_reloader.h"
#include "transport/import_budget.h"
#include "transport/limits.h"
#include "transport/order_service_impl.h"
#include "transport/stream_admission.h"
#include "transport/stream_registry.h"
#include "transport/transport_counters.h"

namespace orderstream::transport {

class HealthService;  // transport/health_service.h

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 lets the kernel choose
  std::optional<ServerTls> tls;            // empty: plaintext
  // Bearer tokens and their roles; null: no authentication, every caller is an administrator.
  std::shared_ptr<const auth::TokenTable> tokens;
  Limits limits;
  int max_message_bytes = 4 * 1024 * 1024;  // larger messages fail with RESOURCE_EXHAUSTED
  std::size_t executor_threads = 4;
  // Orders all running bulk imports may batch together (see ImportBudget).
  std::size_t import_buffer_orders = ImportBudget::kDefaultOrders;
  // Nice levels by which the database threads run ahead of gRPC's (common/thread_priority.h).
  int thread_priority_boost = 0;
  // A connection idle this long is pinged; no answer within the timeout closes it and cancels its
  // streams, which frees the streams of a peer that vanished without closing. gRPC also sets the
  // timeout as the socket's TCP_USER_TIMEOUT, under which Linux resets a connection whose client
  // has left the server's data unread (a zero receive window) for that long, however alive it
  // is: 20 s (gRPC's own default) lets a stalled client recover, and a dead peer is still found
  // within a minute (docs/RELIABILITY.md).
  int keepalive_time_ms = 30'000;
  int keepalive_timeout_ms = 20'000;
  // Run on every call of the services other than the order service, in this order (metrics,
  // the per-call log line); shared so that options stay copyable and the caller may keep a
  // handle on them.
  std::vector<std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // Told of each call of the order service, which reports its own metrics and log line instead
  // of going through an interceptor (transport/call_observer.h); null: none.
  std::shared_ptr<CallObserver> call_observer;
  // Services served beside the order service, each made once the server's executor exists. The
  // production orderstream-server adds none; the benchmark server adds TransportBench
  // (src/server/extra_services.h).
  using ServiceFactory =
      std::function<std::unique_ptr<grpc::Service>(EventHub& hub, Executor& executor)>;
  std::vector<ServiceFactory> extra_services;
};

class OrderServer {
 public:
  // Binds and starts serving. Throws std::runtime_error with a user-facing message naming the
  // cause (errno's text) when the address cannot be bound, or naming the TLS file that is
  // unusable.
  OrderServer(ServerOptions options, OrderService& orders, EventHub& hub);
  ~OrderServer();  // shuts down if shutdown() was not called
  OrderServer(const OrderServer&) = delete;
  OrderServer& operator=(const OrderServer&) = delete;

  int port() const { return port_; }
  std::string target() const;  // "host:port" with the bound port
  std::size_t active_streams() const { return streams_.active(); }
  std::size_t active_imports() const { return imports_.active(); }
  const TransportCounters& counters() const { return counters_; }
  std::size_t full_imports() const { return imports_.full(); }  // see ImportBudget::full

  // Health of every service (the server's "" and the order service): SERVING while the storage
  // can be reached, NOT_SERVING while it cannot, so that a load balancer sends calls to another
  // replica meanwhile. Thread-safe; ignored after shutdown().
  void set_storage_available(bool available);

  // Reads the TLS files again now (orderstream-server does on SIGHUP): a changed, usable pair is
  // used from the next handshake on. nullopt for a plaintext server.
  std::optional<CertificateReloader::Outcome> reload_certificates(std::string* why = nullptr);

  // Health NOT_SERVING (health watches end once they have sent it), open streams finished with
  // UNAVAILABLE, then gRPC shutdown waiting at most `grace` for calls in flight; then the
  // executor drains. Idempotent.
  void shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  ServerOptions options_;
  EventHub& hub_;
  Executor executor_;
  CreateBatcher creates_;
  StreamRegistry streams_;
  ImportBudget imports_;
  TransportCounters counters_;
  CallAuthenticator authenticator_;
  StreamAdmission admission_;
  OrderServiceImpl service_;
  std::unique_ptr<HealthService> health_;                       // outlives server_
  std::vector<std::unique_ptr<grpc::Service>> extra_services_;  // outlive server_
  std::unique_ptr<CertificateReloader> certificates_;           // null: plaintext; outlives server_
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace orderstream::transport
