// What the order service's reactors count for operators, beyond what each call's interceptor
// sees: orders committed by bulk imports, and the watch streams' conflations and unsent updates.
// The server owns one; metrics read it when scraped. Every add is to a sharded counter, so
// reporting takes no lock and shares no cache line between threads.
#pragma once

#include "common/sharded_counter.h"
#include "transport/update_queue.h"

namespace orderstream::transport {

struct TransportCounters {
  ShardedCounter orders_imported;  // orders a bulk import reported as succeeded, once committed
  UpdateQueue::Counters watch;     // over every watch stream
};

}  // namespace orderstream::transport
