// The reads of the event log in sequence order that the PostgreSQL store and the change feed
// share: every event after a sequence, oldest first, and the highest sequence committed. Both
// run on a connection of the caller's (a pooled one, or the feed's listening session), which must
// have been through prepare_events_queries() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "domain/order.h"
#include "storage/pg_connection.h"

namespace orderstream::storage {

void prepare_events_queries(PgConnection& connection);

// Events with sequence > `after_sequence`, oldest first, at most `limit` (> 0).
std::vector<OrderEvent> read_events_after(PgConnection& connection, int64_t after_sequence,
                                          std::size_t limit);

// The highest sequence committed so far (0 in an empty database).
int64_t read_last_sequence(PgConnection& connection);

}  // namespace orderstream::storage
