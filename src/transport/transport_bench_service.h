// orderstream.bench.TransportBench: the order service's message shapes with no database behind
// them, so that a benchmark measures in the same run what gRPC alone carries on the machine. Its
// reactors follow the real ones' flow (one write in flight, the same write coalescing, one read
// in flight) and produce or drop messages in memory. Publish feeds the real event hub, so that
// the real watch streams carry synthetic updates without a commit. Since any client could then
// publish arbitrary updates to watchers, it lives in a library of its own
// (orderstream_transport_bench) that only the benchmark server, orderstream-bench-server, links
// and serves with --bench-transport; the production orderstream-server cannot serve it.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/executor.h"
#include "domain/event_publisher.h"
#include "transport_bench.grpc.pb.h"

namespace orderstream::transport {

class TransportBenchService final : public ::orderstream::bench::TransportBench::CallbackService {
 public:
  TransportBenchService(EventPublisher& publisher, Executor& executor)
      : publisher_(publisher), executor_(executor) {}

  grpc::ServerWriteReactor<::ecommerce::orders::OrderEvent>* History(
      grpc::CallbackServerContext* call,
      const ::orderstream::bench::HistoryRequest* request) override;

  grpc::ServerReadReactor<::ecommerce::orders::Order>* Bulk(
      grpc::CallbackServerContext* call, ::ecommerce::orders::BulkProcessResult* response) override;

  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* call,
                                  const ::ecommerce::orders::Order* request,
                                  ::ecommerce::orders::OrderResponse* response) override;

  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* call,
                                    const ::ecommerce::orders::OrderUpdate* request,
                                    ::orderstream::bench::PublishResult* response) override;

 private:
  EventPublisher& publisher_;
  Executor& executor_;
};

}  // namespace orderstream::transport
