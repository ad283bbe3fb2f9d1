#include "cli/import_reader.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <istream>
#include <string>
#include <system_error>
#include <vector>

namespace orderstream::cli {
namespace {

using ecommerce::orders::Order;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kCsvFieldCount = 3;

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const std::size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return fields;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Reads the next line; strips a leading UTF-8 byte order mark from the first one, which
// spreadsheet exports add and which would otherwise corrupt the first column name.
bool read_line(std::istream& in, std::string& line, int64_t& line_number) {
  if (!std::getline(in, line)) return false;
  ++line_number;
  if (line_number == 1 && std::string_view(line).starts_with(kUtf8Bom)) {
    line.erase(0, kUtf8Bom.size());
  }
  return true;
}

class LineReader : public ImportReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  ReadResult next(Order& order) final {
    while (read_line(in_, line_, line_number_)) {
      if (trim(line_).empty()) continue;
      order.Clear();
      if (auto error = parse(line_, order)) {
        return {ReadResult::Kind::kMalformed, line_number_, std::move(*error)};
      }
      return {ReadResult::Kind::kOrder, line_number_, {}};
    }
    if (in_.bad()) return {ReadResult::Kind::kFailed, line_number_, "read error"};
    return {ReadResult::Kind::kEnd, line_number_, {}};
  }

  int64_t line_number() const { return line_number_; }

  // Skips blank lines and returns the first other one; false at the end of the input.
  bool first_content_line(std::string& line) {
    while (read_line(in_, line, line_number_)) {
      if (!trim(line).empty()) return true;
    }
    return false;
  }

 protected:
  virtual std::optional<std::string> parse(std::string_view line, Order& order) = 0;

 private:
  std::istream& in_;
  std::string line_;
  int64_t line_number_ = 0;
};

class CsvReader final : public LineReader {
 public:
  using LineReader::LineReader;
  void set_columns(CsvColumns columns) { columns_ = columns; }

 private:
  std::optional<std::string> parse(std::string_view line, Order& order) override {
    return parse_csv_record(line, columns_, order);
  }
  CsvColumns columns_;
};

class JsonlReader final : public LineReader {
 public:
  using LineReader::LineReader;

 private:
  std::optional<std::string> parse(std::string_view line, Order& order) override {
    return parse_jsonl_record(line, order);
  }
};

}  // namespace

std::optional<ImportFormat> parse_import_format(std::string_view name) {
  const std::string n = lower(name);
  if (n == "csv") return ImportFormat::kCsv;
  if (n == "jsonl" || n == "ndjson") return ImportFormat::kJsonl;
  return std::nullopt;
}

std::optional<ImportFormat> import_format_from_path(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  return parse_import_format(name.substr(dot + 1));
}

std::optional<std::string> parse_csv_header(std::string_view line, CsvColumns& columns) {
  const auto fields = split_fields(line);
  std::optional<std::size_t> order_id, customer_id, total;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = lower(fields[i]);
    std::optional<std::size_t>* slot = name == "order_id"      ? &order_id
                                       : name == "customer_id" ? &customer_id
                                       : name == "total"       ? &total
                                                               : nullptr;
    if (slot == nullptr || slot->has_value()) {
      return "header must name the columns order_id,customer_id,total (got \"" +
             std::string(trim(line)) + "\")";
    }
    *slot = i;
  }
  if (!order_id || !customer_id || !total) {
    return "header must name the columns order_id,customer_id,total (got \"" +
           std::string(trim(line)) + "\")";
  }
  columns = CsvColumns{*order_id, *customer_id, *total};
  return std::nullopt;
}

std::optional<std::string> parse_csv_record(std::string_view line, const CsvColumns& columns,
                                            Order& order) {
  if (line.find('"') != std::string_view::npos) return "quoted fields are not supported";
  const auto fields = split_fields(line);
  if (fields.size() != kCsvFieldCount) {
    return "expected 3 fields (order_id,customer_id,total), got " + std::to_string(fields.size());
  }
  const std::string_view total_text = fields[columns.total];
  if (total_text.empty()) return "total is empty";
  float total = 0;
  const char* const end = total_text.data() + total_text.size();
  const auto [stop, ec] = std::from_chars(total_text.data(), end, total);
  if (ec == std::errc::result_out_of_range) return "total is out of range";
  if (ec != std::errc() || stop != end) return "total is not a number";
  // Domain rules (positive total, non-empty customer) stay with the server, which owns them.
  order.set_order_id(std::string(fields[columns.order_id]));
  order.set_customer_id(std::string(fields[columns.customer_id]));
  order.set_total(total);
  return std::nullopt;
}

std::optional<std::string> parse_jsonl_record(std::string_view line, Order& order) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  order.Clear();
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &order, options);
  if (!status.ok()) {
    // The parser's message may quote the input over several lines; errors are one line each.
    const std::string message(status.message());
    return "invalid JSON order: " + message.substr(0, message.find('\n'));
  }
  return std::nullopt;
}

std::unique_ptr<ImportReader> make_import_reader(std::istream& in, ImportFormat format,
                                                 std::string& error) {
  if (format == ImportFormat::kJsonl) return std::make_unique<JsonlReader>(in);
  auto reader = std::make_unique<CsvReader>(in);
  std::string header;
  if (!reader->first_content_line(header)) {
    error = in.bad() ? "read error" : "missing header line order_id,customer_id,total";
    return nullptr;
  }
  CsvColumns columns;
  if (auto header_error = parse_csv_header(header, columns)) {
    error = "line " + std::to_string(reader->line_number()) + ": " + *header_error;
    return nullptr;
  }
  reader->set_columns(columns);
  return reader;
}

}  // namespace orderstream::cli
