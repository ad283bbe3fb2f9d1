#include "cli/output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>

#include "cli/text.h"

namespace orderstream::cli {
namespace {

constexpr std::string_view kSeparator = "  ";

std::string sequence_column(int64_t sequence) { return "seq=" + std::to_string(sequence); }

std::string join_columns(std::initializer_list<std::string_view> columns) {
  std::string line;
  for (const std::string_view column : columns) {
    if (!line.empty()) line += kSeparator;
    line += column;
  }
  return line;
}

int32_t saturate_int32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

std::string server_error(const std::string& message) { return "server: " + message; }

}  // namespace

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "text") return OutputFormat::kText;
  if (name == "json") return OutputFormat::kJson;
  return std::nullopt;
}

std::string format_timestamp(int64_t ms_since_epoch) {
  if (ms_since_epoch == 0) return "-";
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(ms_since_epoch)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[64];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::string to_json_line(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  options.add_whitespace = false;
  std::string json;
  // Printing a generated message to JSON cannot fail short of memory exhaustion.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string format_order_response(const ecommerce::orders::OrderResponse& response,
                                  OutputFormat format) {
  if (format == OutputFormat::kJson) return to_json_line(response);
  return join_columns({escape_text(response.order_id()), response.status(),
                       format_timestamp(response.created_at())});
}

std::string format_order_event(const ecommerce::orders::OrderEvent& event, OutputFormat format) {
  if (format == OutputFormat::kJson) return to_json_line(event);
  return join_columns({escape_text(event.order_id()), event.event_type(),
                       sequence_column(event.sequence()), format_timestamp(event.timestamp())});
}

std::string format_order_update(const ecommerce::orders::OrderUpdate& update, OutputFormat format) {
  if (format == OutputFormat::kJson) return to_json_line(update);
  return join_columns({escape_text(update.order_id()), update.status(),
                       sequence_column(update.sequence()), format_timestamp(update.updated_at())});
}

std::string format_order_details(const ecommerce::orders::OrderDetails& details,
                                 OutputFormat format) {
  if (format == OutputFormat::kJson) return to_json_line(details);
  char total[32];
  const auto written = std::to_chars(total, total + sizeof total, details.total());
  return join_columns({escape_text(details.order_id()), escape_text(details.customer_id()),
                       std::string_view(total, written.ptr - total), details.status(),
                       sequence_column(details.sequence()),
                       "created=" + format_timestamp(details.created_at()),
                       "updated=" + format_timestamp(details.updated_at())});
}

std::string format_import_summary(const ImportSummary& summary, OutputFormat format) {
  const auto& server = summary.server;
  const int64_t failures = summary.local_failures + server.failure_count();
  if (format == OutputFormat::kJson) {
    ecommerce::orders::BulkProcessResult merged;
    merged.set_success_count(server.success_count());
    merged.set_failure_count(saturate_int32(failures));
    for (const auto& error : summary.local_errors) merged.add_error_messages(error);
    for (const auto& error : server.error_messages())
      merged.add_error_messages(server_error(error));
    return to_json_line(merged);
  }
  std::string text = "success_count: " + std::to_string(server.success_count()) + "\n" +
                     "failure_count: " + std::to_string(failures) + " (" +
                     std::to_string(summary.local_failures) + " rejected locally, " +
                     std::to_string(server.failure_count()) + " by the server)";
  for (const auto& error : summary.local_errors) text += "\n" + escape_text(error, false);
  const int64_t unshown_local = summary.local_failures - std::ssize(summary.local_errors);
  if (unshown_local > 0) {
    text += "\n... and " + std::to_string(unshown_local) + " more local errors";
  }
  for (const auto& error : server.error_messages()) {
    text += "\n" + server_error(escape_text(error, false));
  }
  const int64_t unshown_server = int64_t{server.failure_count()} - server.error_messages_size();
  if (unshown_server > 0) {
    text += "\n... and " + std::to_string(unshown_server) + " more server errors";
  }
  return text;
}

}  // namespace orderstream::cli
