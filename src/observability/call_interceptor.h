// What every finished RPC reports: each call counted by method and status code, timed, its
// messages in and out and its open streams counted, all in Prometheus, and one log line per call
// (method, peer, customer where the request names one, status, duration, messages in and out).
// It never logs metadata (tokens) or a message's content beyond the customer id.
//
// Two ways in, one record: the order service's calls report themselves through
// transport::CallObserver, because an interceptor on a call costs each of its batches a second
// pass through the completion queue (transport/call_observer.h); a gRPC server interceptor sees
// the other services (health, reflection). The interceptor skips the order service, and every
// call of the `unobserved` services (the benchmark's TransportBench, whose figures are gRPC's own
// ceilings).
//
// Per message it adds one to a per-call atomic and one to a sharded per-method counter; per call
// it takes the histogram's lock once.
// Metric labels only name methods compiled into this binary: a client calling an unknown method
// is counted as service="unknown", so no client can grow the number of series.
#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/sharded_counter.h"
#include "transport/call_observer.h"

namespace orderstream::observability {

class CallInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface,
                                     public transport::CallObserver,
                                     public prometheus::Collectable {
 public:
  // Series per method, for every method of the services this binary has compiled in.
  struct Method {
    std::string service;  // "ecommerce.orders.OrderService"; "unknown" for others
    std::string name;     // "CreateOrder"
    prometheus::Histogram* duration = nullptr;
    // Messages of every call so far, live (a watch stream's count grows while it is open); read
    // by Collect().
    mutable ShardedCounter received;
    mutable ShardedCounter sent;
    prometheus::Gauge* open_streams = nullptr;  // streaming methods only
    // The order service's methods: their handlers report them (CallObserver), so the
    // interceptor leaves them alone.
    bool reported_by_transport = false;
    // By grpc::StatusCode, added on first use.
    mutable std::array<std::atomic<prometheus::Counter*>, 17> calls_by_code{};
  };

  // Registers its families in `registry`, which must outlive it and every call it intercepts.
  // `services` are the full names of the services the server runs; their methods get series
  // when their descriptors are linked into the binary. Calls of the `unobserved` services are
  // neither counted nor logged.
  CallInterceptorFactory(prometheus::Registry& registry, std::span<const std::string> services,
                         std::span<const std::string> unobserved = {});

  // Null (no interceptor, no cost) for the calls the interceptor leaves alone.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  std::unique_ptr<transport::ObservedCall> started(std::string_view method,
                                                   std::string peer) override;

  // orderstream_rpc_messages_{received,sent}_total, which live in sharded counters so that a
  // message costs no shared cache line; serve this next to the registry.
  std::vector<prometheus::MetricFamily> Collect() const override;

  // Counts a finished call of `method` with status `code`.
  void count_call(const Method& method, int code);

 private:
  Method& add_method(const std::string& service, const std::string& name, bool streaming);

  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Gauge>& open_streams_;
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const {
      return std::hash<std::string_view>{}(path);
    }
  };
  // Keyed by gRPC's method path "/service/Method"; immutable after construction, and looked up
  // by string_view so that a call allocates nothing to find its method.
  std::unordered_map<std::string, std::unique_ptr<Method>, PathHash, std::equal_to<>> methods_;
  Method* unknown_ = nullptr;
  std::vector<std::string> unobserved_prefixes_;  // "/service/" of each unobserved service
};

}  // namespace orderstream::observability
