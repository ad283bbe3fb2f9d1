#include "transport/health_service.h"

#include <optional>
#include <utility>

namespace orderstream::transport {

namespace health = ::grpc::health::v1;

// One Watch: the status it last sent, and the one the service wants it to send. One write in
// flight; a change that comes meanwhile replaces the wanted status, so a slow reader hears the
// latest status, not every flip. Its state is guarded by the service's mutex, which set_serving
// and shutdown already hold when they reach it. gRPC owns it: it deletes itself in OnDone.
class HealthService::WatchReactor final
    : public grpc::ServerWriteReactor<health::HealthCheckResponse> {
 public:
  WatchReactor(HealthService& service, std::string name)
      : service_(service), name_(std::move(name)) {}

  const std::string& service() const { return name_; }

  // The service's mutex is held.
  void want_locked(ServingStatus status) {
    wanted_ = status;
    next_locked();
  }
  // The service's mutex is held: after the status wanted now, the stream ends.
  void end_locked() {
    ending_ = true;
    next_locked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(service_.mutex_);
    writing_ = false;
    if (!ok) {
      finish_locked({grpc::StatusCode::CANCELLED, "Stream write failed"});
      return;
    }
    next_locked();
  }

  void OnCancel() override {
    std::lock_guard lock(service_.mutex_);
    finish_locked({grpc::StatusCode::CANCELLED, "Cancelled"});
  }

  void OnDone() override {
    {
      std::lock_guard lock(service_.mutex_);
      service_.watches_.erase(this);
    }
    delete this;
  }

 private:
  void next_locked() {
    if (writing_ || finished_) return;
    if (sent_ != wanted_) {
      sent_ = wanted_;
      response_.set_status(wanted_);
      writing_ = true;
      StartWrite(&response_);
      return;
    }
    if (ending_) finish_locked({grpc::StatusCode::UNAVAILABLE, "Server is shutting down"});
  }

  void finish_locked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  HealthService& service_;
  const std::string name_;                                       // the service watched
  health::HealthCheckResponse response_;                         // the message in flight
  ServingStatus wanted_ = health::HealthCheckResponse::UNKNOWN;  // set by want_locked first
  std::optional<ServingStatus> sent_;                            // none before the first write
  bool writing_ = false;
  bool ending_ = false;
  bool finished_ = false;
};

HealthService::HealthService(const std::vector<std::string>& services)
    : services_([&] {
        std::set<std::string> known(services.begin(), services.end());
        known.insert("");  // the server as a whole
        return known;
      }()) {}

HealthService::~HealthService() = default;

HealthService::ServingStatus HealthService::status_of_locked(const std::string& service) const {
  if (!services_.contains(service)) return health::HealthCheckResponse::SERVICE_UNKNOWN;
  return serving_ && !shut_down_ ? health::HealthCheckResponse::SERVING
                                 : health::HealthCheckResponse::NOT_SERVING;
}

void HealthService::set_serving(bool serving) {
  std::lock_guard lock(mutex_);
  if (shut_down_ || serving_ == serving) return;
  serving_ = serving;
  for (WatchReactor* watch : watches_) watch->want_locked(status_of_locked(watch->service()));
}

void HealthService::shutdown() {
  std::lock_guard lock(mutex_);
  if (shut_down_) return;
  shut_down_ = true;
  for (WatchReactor* watch : watches_) {
    watch->want_locked(status_of_locked(watch->service()));
    watch->end_locked();
  }
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const health::HealthCheckRequest* request,
                                               health::HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServingStatus status;
  {
    std::lock_guard lock(mutex_);
    status = status_of_locked(request->service());
  }
  if (status == health::HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish({grpc::StatusCode::NOT_FOUND, "unknown service"});
    return reactor;
  }
  response->set_status(status);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<health::HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext* /*context*/, const health::HealthCheckRequest* request) {
  std::lock_guard lock(mutex_);
  // gRPC owns the reactor from here on; it deletes itself in OnDone.
  auto* watch = new WatchReactor(*this, request->service());
  watches_.insert(watch);
  watch->want_locked(status_of_locked(request->service()));  // sends the status now
  if (shut_down_) watch->end_locked();                       // and then ends, as in shutdown()
  return watch;
}

}  // namespace orderstream::transport
