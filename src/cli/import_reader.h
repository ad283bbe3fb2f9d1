// Reads the orders of a bulk import one record at a time, so that a file of any size streams to
// the server in constant memory. Two formats: CSV (RFC 4180, as spreadsheets export it: fields in
// double quotes may hold commas, doubled quotes and line breaks) with a header naming the columns
// order_id, customer_id and total in any order, and JSON Lines with one Order object per line. A
// malformed record, including one whose id is not UTF-8, is reported with the 1-based number of
// its first line (as an editor shows it) and skipped; only a missing header or a failing stream
// stops the reader. Blank lines are ignored. The parsing of one line is exposed as pure functions
// for the unit tests.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "order_service.pb.h"

namespace orderstream::cli {

enum class ImportFormat { kCsv, kJsonl };

// "csv", "jsonl" or "ndjson".
std::optional<ImportFormat> parse_import_format(std::string_view name);
// From the file extension (.csv, .jsonl, .ndjson; case-insensitive); nullopt if unknown.
std::optional<ImportFormat> import_format_from_path(std::string_view path);

// Where each column sits in a CSV record.
struct CsvColumns {
  std::size_t order_id = 0;
  std::size_t customer_id = 1;
  std::size_t total = 2;
};

// Each parser returns nullopt on success, or what is wrong with the record (without line number).
// A CSV record may span lines (a quoted field with line breaks).
std::optional<std::string> parse_csv_header(std::string_view line, CsvColumns& columns);
std::optional<std::string> parse_csv_record(std::string_view line, const CsvColumns& columns,
                                            ecommerce::orders::Order& order);
std::optional<std::string> parse_jsonl_record(std::string_view line,
                                              ecommerce::orders::Order& order);

struct ReadResult {
  enum class Kind {
    kOrder,      // `order` holds the next record
    kMalformed,  // the record on `line` was skipped; `error` says why
    kEnd,        // no more records
    kFailed,     // the input could not be read; `error` says why
  };
  Kind kind = Kind::kEnd;
  int64_t line = 0;
  std::string error;
};

class ImportReader {
 public:
  virtual ~ImportReader() = default;
  // Generator-style: call until kEnd or kFailed.
  virtual ReadResult next(ecommerce::orders::Order& order) = 0;
};

// Reads from `in`, which must outlive the reader. For CSV the header is read here, so a file
// that is not an order CSV is refused before anything is sent: returns null and sets `error`.
std::unique_ptr<ImportReader> make_import_reader(std::istream& in, ImportFormat format,
                                                 std::string& error);

}  // namespace orderstream::cli
