// The Prometheus endpoint of a server process: serves GET /metrics over HTTP on host:port
// (--metrics-listen) with the families registered in the registry, plus the running totals it
// reads from the event hub and the transport at each scrape (events published, deliveries,
// orders imported, conflations, unsent watch updates). Reading them at scrape time keeps the hot
// paths to a counter add each.
//
// Construct it after the server and the hub and destroy it before them: its destructor stops
// the HTTP threads, so no scrape reads either once they are gone.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <memory>
#include <string>
#include <vector>

#include "events/event_hub.h"
#include "transport/transport_counters.h"

namespace orderstream::observability {

class MetricsEndpoint {
 public:
  // Starts serving. Throws std::runtime_error with a user-facing message when `address` cannot be
  // bound (in use, or invalid).
  // `sources` (the registry, the call interceptor's message counts) are served as they are.
  MetricsEndpoint(const std::string& address,
                  std::vector<std::shared_ptr<prometheus::Collectable>> sources,
                  const EventHub& hub, const transport::TransportCounters& counters);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  std::vector<std::shared_ptr<prometheus::Collectable>> sources_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace orderstream::observability
