// The reads of the event log that the PostgreSQL store and the change feed share: every event
// after a sequence, oldest first; a customer's events in a sequence range (history pages,
// backfills, watch resumes); and the highest sequence committed. Each runs on a connection of
// the caller's (a pooled one, or the feed's listening session), which must have been through
// prepare_events_queries() once.
//
// Every read must come in the order of an index, a page at a time, whatever PostgreSQL's
// statistics say. Without statistics (a table never analyzed, or a customer whose history grew
// since the last analyze) the planner estimates a handful of rows per customer and chooses a
// bitmap scan of all the customer's rows, then a sort, for every page: a history of a million
// events then reads a million rows per page of 1,024. prepare_events_queries() turns bitmap
// scans off for the session (enable_bitmapscan), which leaves the index scan in sequence order;
// no statement of this project gains from a bitmap scan (every lookup is by a unique key or a
// range of one index).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/order.h"
#include "domain/order_store.h"
#include "storage/pg_connection.h"

namespace orderstream::storage {

// Names of prepared statements, for EXPLAIN EXECUTE in tests and in an operator's session that
// ran prepare_events_queries().
inline constexpr char kCustomerEventsNewestFirst[] = "customer_events_newest_first";
inline constexpr char kCustomerEventsOldestFirst[] = "customer_events_oldest_first";

void prepare_events_queries(PgConnection& connection);

// Events with sequence > `after_sequence`, oldest first, at most `limit` (> 0).
std::vector<OrderEvent> read_events_after(PgConnection& connection, int64_t after_sequence,
                                          std::size_t limit);

// The customer's events in `range` (range.limit > 0), in its order, by the (customer_id, seq)
// index.
std::vector<OrderEvent> read_customer_events(PgConnection& connection, const EventRange& range);

// An order status or event type as stored in PostgreSQL. Throws a permanent StorageError for a
// text this server does not know: only another program writing the tables can store one.
OrderStatus stored_status(std::string_view text);

// The highest sequence committed so far (0 in an empty database).
int64_t read_last_sequence(PgConnection& connection);

}  // namespace orderstream::storage
