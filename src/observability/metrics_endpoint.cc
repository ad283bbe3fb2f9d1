#include "observability/metrics_endpoint.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "common/log.h"
#include "transport/listen_address.h"

namespace orderstream::observability {
namespace {

prometheus::MetricFamily single(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return {std::move(name), std::move(help), type, {std::move(metric)}};
}

// The running totals that live in the hub and the transport, read at each scrape.
class PulledTotals final : public prometheus::Collectable {
 public:
  PulledTotals(const EventHub& hub, const transport::TransportCounters& counters)
      : hub_(hub), counters_(counters) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    using prometheus::MetricType;
    const auto hub = hub_.stats();
    return {
        single("orderstream_events_published_total",
               "Committed order events published to watchers (each created order, each status "
               "change)",
               MetricType::Counter, static_cast<double>(hub.events_published)),
        single("orderstream_event_deliveries_total",
               "Events handed to watch streams, one per stream watching the order",
               MetricType::Counter, static_cast<double>(hub.deliveries)),
        single("orderstream_watch_subscriptions", "Order subscriptions of open watch streams",
               MetricType::Gauge, static_cast<double>(hub_.subscription_count())),
        single("orderstream_history_followers",
               "History streams following a customer (UserID.follow)", MetricType::Gauge,
               static_cast<double>(hub_.follower_count())),
        single("orderstream_orders_imported_total",
               "Orders that bulk imports committed and count as succeeded", MetricType::Counter,
               static_cast<double>(counters_.orders_imported.value())),
        single("orderstream_watch_updates_conflated_total",
               "Unsent watch updates replaced by a newer status of the same order (slow readers)",
               MetricType::Counter, static_cast<double>(counters_.watch.conflated.value())),
        single("orderstream_watch_queued_updates",
               "Watch updates waiting to be written, over all watch streams", MetricType::Gauge,
               static_cast<double>(counters_.watch.pending.value())),
    };
  }

 private:
  const EventHub& hub_;
  const transport::TransportCounters& counters_;
};

}  // namespace

MetricsEndpoint::MetricsEndpoint(const std::string& address,
                                 std::vector<std::shared_ptr<prometheus::Collectable>> sources,
                                 const EventHub& hub, const transport::TransportCounters& counters)
    : sources_(std::move(sources)) {
  sources_.push_back(std::make_shared<PulledTotals>(hub, counters));
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    OS_LOG(kDebug) << "metrics endpoint: " << e.what();
    const auto reason = transport::bind_failure(address);
    throw std::runtime_error("cannot serve metrics on " + address + ": " +
                             reason.value_or("the address is invalid or already in use"));
  }
  const auto ports = exposer_->GetListeningPorts();
  if (ports.empty()) {
    throw std::runtime_error("cannot serve metrics on " + address + ": nothing is listening");
  }
  port_ = ports.front();
  for (const auto& source : sources_) exposer_->RegisterCollectable(source);
  OS_LOG(kInfo) << "serving metrics on " << address.substr(0, address.rfind(':')) << ":" << port_
                << "/metrics";
}

MetricsEndpoint::~MetricsEndpoint() {
  exposer_.reset();  // joins the HTTP threads: no scrape runs past this point
}

}  // namespace orderstream::observability
