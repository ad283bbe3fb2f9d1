// How the CLI prints what the server returns. `text` is one line per record, columns separated
// by two spaces (id, status, sequence, time), for people and for awk; `json` is one JSON object
// per line in protobuf's canonical JSON mapping with the proto field names and every field
// present, for jq and other programs. Times are UTC ISO 8601 with milliseconds. Every function
// returns the record without a trailing newline; the caller writes and flushes it. In text, ids
// and error messages are escaped (cli/text.h): an id with a space or a line break stays one
// column of one line.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "order_service.pb.h"

namespace orderstream::cli {

enum class OutputFormat { kText, kJson };

// "text" or "json".
std::optional<OutputFormat> parse_output_format(std::string_view name);

// "2026-11-24T10:00:00.123Z"; "-" for 0, which the server sends when there is no time (the
// UNKNOWN acknowledgement of a watch on a missing order).
std::string format_timestamp(int64_t ms_since_epoch);

// One line of canonical JSON (proto field names, default values printed).
std::string to_json_line(const google::protobuf::Message& message);

// "ORD-1a2b3c4d5e6f  CREATED  2026-11-24T10:00:00.123Z"
std::string format_order_response(const ecommerce::orders::OrderResponse& response,
                                  OutputFormat format);
// "ORD-1a2b3c4d5e6f  SHIPPED  seq=42  2026-11-24T10:00:00.123Z"
std::string format_order_event(const ecommerce::orders::OrderEvent& event, OutputFormat format);
std::string format_order_update(const ecommerce::orders::OrderUpdate& update, OutputFormat format);
// "ORD-1a2b3c4d5e6f  alice  12.5  SHIPPED  seq=42  created=2026-11-24T10:00:00.123Z
// updated=2026-11-24T10:05:00.000Z" (one line); the total is the shortest text that reads back
// as the same float.
std::string format_order_details(const ecommerce::orders::OrderDetails& details,
                                 OutputFormat format);

// The outcome of an import: the server's answer plus the records the CLI could not parse and
// therefore never sent.
struct ImportSummary {
  ecommerce::orders::BulkProcessResult server;
  int64_t local_failures = 0;
  std::vector<std::string> local_errors;  // the first few, "line 17: total is not a number"
};
inline constexpr std::size_t kMaxLocalErrors = 10;

// text: "success_count: N", "failure_count: N (L rejected locally, S by the server)", then one
// line per error (local ones first, server ones prefixed "server: ").
// json: a BulkProcessResult whose failure_count and error_messages include the local failures.
std::string format_import_summary(const ImportSummary& summary, OutputFormat format);

}  // namespace orderstream::cli
