#include "cli/import_reader.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <istream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/text.h"

namespace orderstream::cli {
namespace {

using ecommerce::orders::Order;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kCsvFieldCount = 3;
// A quoted field may span lines; past this size an open quote is taken for a missing one.
constexpr std::size_t kMaxCsvRecordBytes = 64 << 20;

// The fields of one CSV record (RFC 4180): fields separated by commas; a field in double quotes
// may hold commas, line breaks and doubled quotes (""), and is kept as it is; an unquoted field
// is trimmed of surrounding spaces. kOpen: the record ends inside a quoted field, so its next
// line belongs to it.
enum class CsvSplit { kComplete, kOpen, kMalformed };

CsvSplit split_csv(std::string_view record, std::vector<std::string>& fields, std::string& error) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    while (i < record.size() && (record[i] == ' ' || record[i] == '\t')) ++i;
    std::string field;
    if (i < record.size() && record[i] == '"') {
      ++i;
      for (;;) {
        if (i >= record.size()) return CsvSplit::kOpen;
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += record[i++];
      }
      while (i < record.size() && record[i] != ',') {
        if (std::string_view(" \t\r\n").find(record[i]) == std::string_view::npos) {
          error = "text after the closing quote of field " + std::to_string(fields.size() + 1);
          return CsvSplit::kMalformed;
        }
        ++i;
      }
    } else {
      const std::size_t comma = std::min(record.find(',', i), record.size());
      const std::string_view raw = record.substr(i, comma - i);
      if (raw.find('"') != std::string_view::npos) {
        error = "a quote inside unquoted field " + std::to_string(fields.size() + 1) +
                " (quote the whole field and double the quote: \"a \"\"b\"\" c\")";
        return CsvSplit::kMalformed;
      }
      field = std::string(trim(raw));
      i = comma;
    }
    fields.push_back(std::move(field));
    if (i >= record.size()) return CsvSplit::kComplete;
    ++i;  // the comma
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The servers refuses a string field that is not UTF-8 (proto3), and would refuse the whole
// stream with it: such a record is a local error, reported by line like any other.
std::optional<std::string> check_utf8(const Order& order) {
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string&>{"order_id", order.order_id()},
        {"customer_id", order.customer_id()}}) {
    if (!is_utf8(value)) {
      return std::string(name) + " is not valid UTF-8 (save the file with UTF-8 encoding)";
    }
  }
  return std::nullopt;
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
      const int64_t first_line = line_number_;
      if (auto error = complete_record(line_)) {
        return {ReadResult::Kind::kMalformed, first_line, std::move(*error)};
      }
      order.Clear();
      auto error = parse(line_, order);
      if (!error) error = check_utf8(order);
      if (error) return {ReadResult::Kind::kMalformed, first_line, std::move(*error)};
      return {ReadResult::Kind::kOrder, first_line, {}};
    }
    if (in_.bad()) return {ReadResult::Kind::kFailed, line_number_, "read error"};
    return {ReadResult::Kind::kEnd, line_number_, {}};
  }

  int64_t line_number() const { return line_number_; }

  // Skips blank lines and returns the first other record; false at the end of the input.
  bool first_content_line(std::string& line) {
    while (read_line(in_, line, line_number_)) {
      if (trim(line).empty()) continue;
      complete_record(line);  // a header that never closes its quote fails as a header
      return true;
    }
    return false;
  }

 protected:
  // Extends `record` with the lines that belong to it (a CSV quoted field over several lines);
  // an error if it never ends.
  virtual std::optional<std::string> complete_record(std::string& /*record*/) {
    return std::nullopt;
  }
  virtual std::optional<std::string> parse(std::string_view line, Order& order) = 0;

  // Appends the next line to `record` after a newline; false at the end of the input.
  bool append_next_line(std::string& record) {
    std::string more;
    if (!read_line(in_, more, line_number_)) return false;
    record += '\n';
    record += more;
    return true;
  }

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
  std::optional<std::string> complete_record(std::string& record) override {
    const int64_t first_line = line_number();
    std::string error;
    while (split_csv(record, fields_, error) == CsvSplit::kOpen) {
      if (record.size() > kMaxCsvRecordBytes || !append_next_line(record)) {
        return "unterminated quoted field (lines " + std::to_string(first_line) + "-" +
               std::to_string(line_number()) + " skipped)";
      }
    }
    return std::nullopt;
  }
  std::optional<std::string> parse(std::string_view line, Order& order) override {
    return parse_csv_record(line, columns_, order);
  }
  CsvColumns columns_;
  std::vector<std::string> fields_;
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
  std::vector<std::string> fields;
  std::string error;
  if (split_csv(line, fields, error) != CsvSplit::kComplete) {
    return "header must name the columns order_id,customer_id,total (got \"" +
           std::string(trim(line)) + "\")";
  }
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
  thread_local std::vector<std::string> fields;
  std::string error;
  switch (split_csv(line, fields, error)) {
    case CsvSplit::kComplete:
      break;
    case CsvSplit::kOpen:
      return "unterminated quoted field";
    case CsvSplit::kMalformed:
      return error;
  }
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
  order.set_order_id(std::move(fields[columns.order_id]));
  order.set_customer_id(std::move(fields[columns.customer_id]));
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
