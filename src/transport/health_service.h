// grpc.health.v1.Health, served by the process itself in place of gRPC's default service, so
// that a Watch ends at shutdown. gRPC's service only sends NOT_SERVING and keeps the stream open
// until the server's grace period runs out, so any client watching health (gRPC's client-side
// health checking keeps a Watch on every connection) held every shutdown for its whole grace.
// Here, at shutdown, a Watch gets NOT_SERVING, then UNAVAILABLE "Server is shutting down", as
// the order service's streams do. Check and Watch otherwise answer as gRPC's service does: the
// known services are the server's ("") and the ones named at construction; Check of another is
// NOT_FOUND, Watch of another reports SERVICE_UNKNOWN and stays open.
#pragma once

#include <grpcpp/grpcpp.h>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"

namespace orderstream::transport {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  // Every known service starts NOT_SERVING until set_serving(true).
  explicit HealthService(const std::vector<std::string>& services);
  ~HealthService() override;

  // Every known service SERVING or NOT_SERVING; watchers hear of a change. Ignored after
  // shutdown().
  void set_serving(bool serving);
  // NOT_SERVING for good, and every Watch ends once it has sent that. Idempotent.
  void shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class WatchReactor;
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  ServingStatus status_of_locked(const std::string& service) const;

  std::mutex mutex_;
  const std::set<std::string> services_;
  bool serving_ = false;             // guarded by mutex_
  bool shut_down_ = false;           // guarded by mutex_
  std::set<WatchReactor*> watches_;  // guarded by mutex_; each removes itself in OnDone
};

}  // namespace orderstream::transport
