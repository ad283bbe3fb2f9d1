// What every reactor needs from the server that created it. All of it outlives every reactor:
// the server shuts gRPC down and drains the executor before any of these go away.
#pragma once

#include "common/executor.h"
#include "domain/create_batcher.h"
#include "domain/order_service.h"
#include "events/event_hub.h"
#include "transport/call_observer.h"
#include "transport/import_budget.h"
#include "transport/limits.h"
#include "transport/stream_registry.h"
#include "transport/transport_counters.h"

namespace orderstream::transport {

struct ReactorContext {
  OrderService& orders;
  CreateBatcher& creates;  // group commit for CreateOrder
  EventHub& hub;
  Executor& executor;  // runs every blocking call (database work), never a gRPC thread
  StreamRegistry& streams;
  ImportBudget& imports;        // memory shared by the bulk imports running now
  TransportCounters& counters;  // read by metrics
  const Limits& limits;
  CallObserver* observer = nullptr;  // metrics and the call log of its calls; null: none
};

}  // namespace orderstream::transport
