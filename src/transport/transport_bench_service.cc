#include "transport/transport_bench_service.h"

#include <cstdint>
#include <string>

#include "domain/order.h"
#include "domain/order_status.h"
#include "transport/write_coalescing.h"

namespace orderstream::transport {
namespace {

namespace pb = ::ecommerce::orders;

// Reactions run one at a time here (no other thread feeds these reactors), so no lock is needed.
class SyntheticHistory final : public grpc::ServerWriteReactor<pb::OrderEvent> {
 public:
  explicit SyntheticHistory(int64_t count) : remaining_(count), sequence_(count) {
    event_.set_event_type("CREATED");
    event_.set_order_id("ORD-000000000000");
    event_.set_timestamp(1'700'000'000'000);
    write_next();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish({grpc::StatusCode::CANCELLED, "Stream write failed"});
      return;
    }
    write_next();
  }
  void OnDone() override { delete this; }

 private:
  void write_next() {
    if (remaining_ == 0) {
      Finish(grpc::Status::OK);
      return;
    }
    --remaining_;
    event_.set_sequence(sequence_--);
    StartWrite(&event_, coalesced_write_options(first_write_, remaining_ > 0));
    first_write_ = false;
  }

  int64_t remaining_;
  int64_t sequence_;
  bool first_write_ = true;
  pb::OrderEvent event_;
};

class CountingReader final : public grpc::ServerReadReactor<pb::Order> {
 public:
  explicit CountingReader(pb::BulkProcessResult* result) : result_(result) { StartRead(&order_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      result_->set_success_count(count_);
      Finish(grpc::Status::OK);
      return;
    }
    ++count_;
    StartRead(&order_);
  }
  void OnDone() override { delete this; }

 private:
  pb::BulkProcessResult* result_;
  pb::Order order_;
  int32_t count_ = 0;
};

}  // namespace

grpc::ServerWriteReactor<pb::OrderEvent>* TransportBenchService::History(
    grpc::CallbackServerContext* /*call*/, const ::orderstream::bench::HistoryRequest* request) {
  return new SyntheticHistory(request->count() > 0 ? request->count() : 0);
}

grpc::ServerReadReactor<pb::Order>* TransportBenchService::Bulk(
    grpc::CallbackServerContext* /*call*/, pb::BulkProcessResult* response) {
  return new CountingReader(response);
}

grpc::ServerUnaryReactor* TransportBenchService::Unary(grpc::CallbackServerContext* call,
                                                       const pb::Order* request,
                                                       pb::OrderResponse* response) {
  response->set_order_id(request->order_id());
  response->set_status("CREATED");
  auto* reactor = call->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* TransportBenchService::Publish(
    grpc::CallbackServerContext* call, const pb::OrderUpdate* request,
    ::orderstream::bench::PublishResult* /*response*/) {
  auto* reactor = call->DefaultReactor();
  const auto status = parse_order_status(request->status());
  if (!status) {
    reactor->Finish({grpc::StatusCode::INVALID_ARGUMENT, "Unknown status: " + request->status()});
    return reactor;
  }
  OrderEvent event{request->sequence(), request->order_id(), std::string(), *status,
                   request->updated_at()};
  const bool posted = executor_.post([this, reactor, event = std::move(event)] {
    publisher_.publish({&event, 1});
    reactor->Finish(grpc::Status::OK);
  });
  if (!posted) reactor->Finish({grpc::StatusCode::UNAVAILABLE, "Server is shutting down"});
  return reactor;
}

}  // namespace orderstream::transport
