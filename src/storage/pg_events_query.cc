#include "storage/pg_events_query.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>

#include "domain/storage_error.h"

namespace orderstream::storage {
namespace {

constexpr const char* kEventsAfter = "events_after";
constexpr const char* kEventsAfterSql =
    "SELECT seq, order_id, customer_id, event_type, ts FROM order_events "
    "WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int8";

// A customer's events in a sequence range, optionally of one order ($4, empty: all), by the
// (customer_id, seq) index in either direction.
constexpr const char* kCustomerEventsNewestFirstSql =
    "SELECT seq, order_id, event_type, ts FROM order_events "
    "WHERE customer_id = $1::text AND seq > $2::int8 AND seq < $3::int8 "
    "AND ($4::text = '' OR order_id = $4::text) ORDER BY seq DESC LIMIT $5::int8";
constexpr const char* kCustomerEventsOldestFirstSql =
    "SELECT seq, order_id, event_type, ts FROM order_events "
    "WHERE customer_id = $1::text AND seq > $2::int8 AND seq < $3::int8 "
    "AND ($4::text = '' OR order_id = $4::text) ORDER BY seq LIMIT $5::int8";

// The counter row every writing transaction updates before it commits: what it holds is
// committed, and every sequence up to it is visible (sequences are commit-ordered).
constexpr const char* kLastSequence = "last_sequence";
constexpr const char* kLastSequenceSql = "SELECT last_seq FROM event_sequence";

std::string limit_text(std::size_t limit) {
  constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<int64_t>::max());
  return std::to_string(std::min(limit, kMaxLimit));
}

}  // namespace

OrderStatus stored_status(std::string_view text) {
  if (auto status = parse_order_status(text)) return *status;
  // Retrying will not fix it.
  throw StorageError("unknown status '" + std::string(text) + "' stored in PostgreSQL", false);
}

void prepare_events_queries(PgConnection& connection) {
  // Why: the header. Plans are made at each execution, under the session's settings.
  connection.exec("SET enable_bitmapscan = off");
  connection.prepare(kEventsAfter, kEventsAfterSql);
  connection.prepare(kCustomerEventsNewestFirst, kCustomerEventsNewestFirstSql);
  connection.prepare(kCustomerEventsOldestFirst, kCustomerEventsOldestFirstSql);
  connection.prepare(kLastSequence, kLastSequenceSql);
}

std::vector<OrderEvent> read_events_after(PgConnection& connection, int64_t after_sequence,
                                          std::size_t limit) {
  const std::string after = std::to_string(after_sequence);
  const std::string limit_param = limit_text(limit);
  const std::string_view params[] = {after, limit_param};
  const PgResult result = connection.exec_prepared(kEventsAfter, params);
  std::vector<OrderEvent> events;
  events.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) {
    events.push_back(OrderEvent{result.int64(row, 0), std::string(result.text(row, 1)),
                                std::string(result.text(row, 2)),
                                stored_status(result.text(row, 3)), result.int64(row, 4)});
  }
  return events;
}

std::vector<OrderEvent> read_customer_events(PgConnection& connection, const EventRange& range) {
  const std::string after = std::to_string(range.after_sequence);
  const std::string before = std::to_string(range.before_sequence);
  const std::string limit_param = limit_text(range.limit);
  const std::string_view params[] = {range.customer_id, after, before, range.order_id, limit_param};
  const PgResult result = connection.exec_prepared(
      range.oldest_first ? kCustomerEventsOldestFirst : kCustomerEventsNewestFirst, params);
  std::vector<OrderEvent> events;
  events.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) {
    events.push_back(OrderEvent{result.int64(row, 0), std::string(result.text(row, 1)),
                                std::string(range.customer_id), stored_status(result.text(row, 2)),
                                result.int64(row, 3)});
  }
  return events;
}

int64_t read_last_sequence(PgConnection& connection) {
  const PgResult result = connection.exec_prepared(kLastSequence, {});
  return result.rows() == 0 ? 0 : result.int64(0, 0);
}

}  // namespace orderstream::storage
