// What every finished RPC reports: a gRPC server interceptor that counts each call by method and
// status code, times it, counts its messages in and out and its open streams, all in Prometheus,
// and writes one log line per call (method, peer, customer where the request names one, status,
// duration, messages in and out). It never logs metadata (tokens) or a message's content beyond
// the customer id. It works with the callback API and sees every service the server runs
// (orders, health, reflection) with no change to their reactors.
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

namespace orderstream::observability {

class CallInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface,
                                     public prometheus::Collectable {
 public:
  // Series per method, for every method of the services this binary has compiled in.
  struct Method {
    std::string service;  // "ecommerce.orders.OrderService"; "unknown" for others
    std::string name;     // "CreateOrder"
    // The customer a request names, for the log line (null: the method has none); `request` is
    // what gRPC received for the method, a grpc::ByteBuffer for the order service.
    std::string (*customer_of)(const void* request) = nullptr;
    prometheus::Histogram* duration = nullptr;
    // Messages of every call so far, live (a watch stream's count grows while it is open); read
    // by Collect().
    mutable ShardedCounter received;
    mutable ShardedCounter sent;
    prometheus::Gauge* open_streams = nullptr;  // streaming methods only
    // By grpc::StatusCode, added on first use.
    mutable std::array<std::atomic<prometheus::Counter*>, 17> calls_by_code{};
  };

  // Registers its families in `registry`, which must outlive it and every call it intercepts.
  // `services` are the full names of the services the server runs; their methods get series
  // when their descriptors are linked into the binary.
  CallInterceptorFactory(prometheus::Registry& registry, std::span<const std::string> services);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // orderstream_rpc_messages_{received,sent}_total, which live in sharded counters so that a
  // message costs no shared cache line; serve this next to the registry.
  std::vector<prometheus::MetricFamily> Collect() const override;

  // Counts a finished call of `method` with status `code`.
  void count_call(const Method& method, int code);

 private:
  Method& add_method(const std::string& service, const std::string& name, bool streaming);
  void set_customer_of(std::string_view path, std::string (*customer_of)(const void* request));

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
};

}  // namespace orderstream::observability
