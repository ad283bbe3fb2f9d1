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

// The counter row every writing transaction updates before it commits: what it holds is
// committed, and every sequence up to it is visible (sequences are commit-ordered).
constexpr const char* kLastSequence = "last_sequence";
constexpr const char* kLastSequenceSql = "SELECT last_seq FROM event_sequence";

}  // namespace

void prepare_events_queries(PgConnection& connection) {
  connection.prepare(kEventsAfter, kEventsAfterSql);
  connection.prepare(kLastSequence, kLastSequenceSql);
}

std::vector<OrderEvent> read_events_after(PgConnection& connection, int64_t after_sequence,
                                          std::size_t limit) {
  constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<int64_t>::max());
  const std::string after = std::to_string(after_sequence);
  const std::string limit_param = std::to_string(std::min(limit, kMaxLimit));
  const std::string_view params[] = {after, limit_param};
  const PgResult result = connection.exec_prepared(kEventsAfter, params);
  std::vector<OrderEvent> events;
  events.reserve(static_cast<std::size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) {
    const auto type = parse_order_status(result.text(row, 3));
    if (!type) {
      // Only another program writing the tables can get here; retrying will not fix it.
      throw StorageError(
          "unknown event type '" + std::string(result.text(row, 3)) + "' stored in PostgreSQL",
          false);
    }
    events.push_back(OrderEvent{result.int64(row, 0), std::string(result.text(row, 1)),
                                std::string(result.text(row, 2)), *type, result.int64(row, 4)});
  }
  return events;
}

int64_t read_last_sequence(PgConnection& connection) {
  const PgResult result = connection.exec_prepared(kLastSequence, {});
  return result.rows() == 0 ? 0 : result.int64(0, 0);
}

}  // namespace orderstream::storage
