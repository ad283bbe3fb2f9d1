#include "cli/import_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace orderstream::cli {
namespace {

using ecommerce::orders::Order;
using Kind = ReadResult::Kind;

// Every outcome of reading `input` to the end, rendered as one string each for easy comparison.
std::vector<std::string> read_all(const std::string& input, ImportFormat format) {
  std::istringstream in(input);
  std::string error;
  auto reader = make_import_reader(in, format, error);
  if (!reader) return {"open failed: " + error};
  std::vector<std::string> out;
  Order order;
  for (;;) {
    const ReadResult result = reader->next(order);
    switch (result.kind) {
      case Kind::kOrder:
        out.push_back(std::to_string(result.line) + ": " + order.order_id() + "|" +
                      order.customer_id() + "|" + std::to_string(order.total()));
        break;
      case Kind::kMalformed:
        out.push_back("line " + std::to_string(result.line) + ": " + result.error);
        break;
      case Kind::kEnd:
        return out;
      case Kind::kFailed:
        out.push_back("failed: " + result.error);
        return out;
    }
  }
}

std::optional<std::string> csv(std::string_view line, Order& order) {
  return parse_csv_record(line, CsvColumns{}, order);
}

TEST(ImportFormatTest, ComesFromTheExtension) {
  EXPECT_EQ(import_format_from_path("orders.csv"), ImportFormat::kCsv);
  EXPECT_EQ(import_format_from_path("/data/x.y/orders.CSV"), ImportFormat::kCsv);
  EXPECT_EQ(import_format_from_path("orders.jsonl"), ImportFormat::kJsonl);
  EXPECT_EQ(import_format_from_path("orders.ndjson"), ImportFormat::kJsonl);
  EXPECT_EQ(import_format_from_path("orders.json"), std::nullopt);
  EXPECT_EQ(import_format_from_path("orders"), std::nullopt);
  EXPECT_EQ(import_format_from_path("/data/x.csv/orders"), std::nullopt);
  EXPECT_EQ(import_format_from_path(".csv"), std::nullopt);
}

TEST(ImportFormatTest, ParsesFlagValues) {
  EXPECT_EQ(parse_import_format("csv"), ImportFormat::kCsv);
  EXPECT_EQ(parse_import_format("jsonl"), ImportFormat::kJsonl);
  EXPECT_EQ(parse_import_format("ndjson"), ImportFormat::kJsonl);
  EXPECT_EQ(parse_import_format("xml"), std::nullopt);
}

TEST(CsvHeaderTest, AcceptsTheColumnsInAnyOrder) {
  CsvColumns columns;
  ASSERT_EQ(parse_csv_header("order_id,customer_id,total", columns), std::nullopt);
  EXPECT_EQ(columns.order_id, 0u);
  EXPECT_EQ(columns.customer_id, 1u);
  EXPECT_EQ(columns.total, 2u);
  ASSERT_EQ(parse_csv_header(" total , Order_Id,customer_id\r", columns), std::nullopt);
  EXPECT_EQ(columns.total, 0u);
  EXPECT_EQ(columns.order_id, 1u);
  EXPECT_EQ(columns.customer_id, 2u);
}

TEST(CsvHeaderTest, RefusesMissingUnknownOrRepeatedColumns) {
  CsvColumns columns;
  EXPECT_NE(parse_csv_header("order_id,customer_id", columns), std::nullopt);
  EXPECT_NE(parse_csv_header("order_id,customer_id,total,note", columns), std::nullopt);
  EXPECT_NE(parse_csv_header("order_id,customer_id,customer_id", columns), std::nullopt);
  EXPECT_NE(parse_csv_header("ORD-1,alice,12.5", columns), std::nullopt);
}

TEST(CsvRecordTest, ParsesAPlainRecord) {
  Order order;
  ASSERT_EQ(csv("ORD-1,alice,12.5", order), std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-1");
  EXPECT_EQ(order.customer_id(), "alice");
  EXPECT_FLOAT_EQ(order.total(), 12.5f);
}

TEST(CsvRecordTest, TrimsSpacesAndCarriageReturns) {
  Order order;
  ASSERT_EQ(csv(" ORD-1 , alice ,  1e2 \r", order), std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-1");
  EXPECT_EQ(order.customer_id(), "alice");
  EXPECT_FLOAT_EQ(order.total(), 100.0f);
}

TEST(CsvRecordTest, KeepsAnEmptyOrderIdSoTheServerAssignsOne) {
  Order order;
  ASSERT_EQ(csv(",alice,3", order), std::nullopt);
  EXPECT_EQ(order.order_id(), "");
}

TEST(CsvRecordTest, LeavesDomainRulesToTheServer) {
  Order order;
  EXPECT_EQ(csv("ORD-1,,3", order), std::nullopt);        // empty customer
  EXPECT_EQ(csv("ORD-1,alice,-3", order), std::nullopt);  // negative total
  EXPECT_EQ(csv("ORD-1,alice,0", order), std::nullopt);
}

TEST(CsvRecordTest, RefusesAWrongNumberOfFields) {
  Order order;
  EXPECT_EQ(csv("ORD-1,alice", order), "expected 3 fields (order_id,customer_id,total), got 2");
  EXPECT_EQ(csv("ORD-1,alice,12.5,extra", order),
            "expected 3 fields (order_id,customer_id,total), got 4");
  EXPECT_EQ(csv("ORD-1,alice,12.5,", order),
            "expected 3 fields (order_id,customer_id,total), got 4");
}

TEST(CsvRecordTest, RefusesATotalThatIsNotANumber) {
  Order order;
  EXPECT_EQ(csv("ORD-1,alice,twelve", order), "total is not a number");
  EXPECT_EQ(csv("ORD-1,alice,12.5abc", order), "total is not a number");
  EXPECT_EQ(csv("ORD-1,alice,12 5", order), "total is not a number");
  EXPECT_EQ(csv("ORD-1,alice,0x10", order), "total is not a number");
  EXPECT_EQ(csv("ORD-1,alice,", order), "total is empty");
  EXPECT_EQ(csv("ORD-1,alice,1e99", order), "total is out of range");
}

TEST(CsvRecordTest, ReadsQuotedFieldsAsSpreadsheetsExportThem) {
  Order order;
  ASSERT_EQ(csv("\"ORD-1\",\"Smith, J \"\"Jr\"\"\",\"12.5\"", order), std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-1");
  EXPECT_EQ(order.customer_id(), "Smith, J \"Jr\"");
  EXPECT_FLOAT_EQ(order.total(), 12.5f);
  ASSERT_EQ(csv("\" ORD 2 \",\"\",3", order), std::nullopt);  // quoted: kept as it is
  EXPECT_EQ(order.order_id(), " ORD 2 ");
  EXPECT_EQ(order.customer_id(), "");
}

TEST(CsvRecordTest, RefusesStrayQuotes) {
  Order order;
  EXPECT_EQ(csv("ORD-1,Smith \"J\",12.5", order)->rfind("a quote inside unquoted field 2", 0), 0u);
  EXPECT_EQ(csv("\"ORD-1\"x,alice,12.5", order), "text after the closing quote of field 1");
  EXPECT_EQ(csv("\"ORD-1,alice,12.5", order), "unterminated quoted field");
}

TEST(CsvReaderTest, AQuotedFieldMaySpanLinesAndTheRecordTakesItsFirstLineNumber) {
  EXPECT_EQ(read_all("order_id,customer_id,total\n"
                     "\"ORD\n1\",alice,1\n"
                     "ORD-2,bob,2\n",
                     ImportFormat::kCsv),
            (std::vector<std::string>{"2: ORD\n1|alice|1.000000", "4: ORD-2|bob|2.000000"}));
  EXPECT_EQ(
      read_all("order_id,customer_id,total\nORD-1,\"alice,1\nORD-2,bob,2\n", ImportFormat::kCsv),
      (std::vector<std::string>{"line 2: unterminated quoted field (lines 2-3 skipped)"}));
}

TEST(CsvReaderTest, AFieldThatIsNotUtf8IsALineErrorAndTheRestIsRead) {
  EXPECT_EQ(read_all("order_id,customer_id,total\nV0,alice,1\nV1,caf\xe9,2\nV2,bob,3\n",
                     ImportFormat::kCsv),
            (std::vector<std::string>{
                "2: V0|alice|1.000000",
                "line 3: customer_id is not valid UTF-8 (save the file with UTF-8 encoding)",
                "4: V2|bob|3.000000"}));
}

TEST(CsvHeaderTest, AcceptsQuotedColumnNames) {
  CsvColumns columns;
  ASSERT_EQ(parse_csv_header("\"order_id\",\"customer_id\",\"total\"", columns), std::nullopt);
}

TEST(CsvRecordTest, UsesTheHeaderColumnOrder) {
  Order order;
  ASSERT_EQ(parse_csv_record("7.5,ORD-9,bob", CsvColumns{1, 2, 0}, order), std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-9");
  EXPECT_EQ(order.customer_id(), "bob");
  EXPECT_FLOAT_EQ(order.total(), 7.5f);
}

TEST(CsvReaderTest, ReportsMalformedLinesByFileLineNumberAndGoesOn) {
  const std::string input =
      "order_id,customer_id,total\n"
      "ORD-1,alice,10\n"
      "\n"
      "ORD-2,bob,ten\n"
      "ORD-3,carol\r\n"
      "ORD-4,dave,4.5\r\n";
  EXPECT_EQ(
      read_all(input, ImportFormat::kCsv),
      (std::vector<std::string>{"2: ORD-1|alice|10.000000", "line 4: total is not a number",
                                "line 5: expected 3 fields (order_id,customer_id,total), got 2",
                                "6: ORD-4|dave|4.500000"}));
}

TEST(CsvReaderTest, ReadsALastLineWithoutNewline) {
  EXPECT_EQ(read_all("order_id,customer_id,total\nORD-1,alice,1", ImportFormat::kCsv),
            (std::vector<std::string>{"2: ORD-1|alice|1.000000"}));
}

TEST(CsvReaderTest, SkipsAByteOrderMarkAndLeadingBlankLines) {
  EXPECT_EQ(read_all("\xEF\xBB\xBForder_id,customer_id,total\nORD-1,alice,1\n", ImportFormat::kCsv),
            (std::vector<std::string>{"2: ORD-1|alice|1.000000"}));
  EXPECT_EQ(read_all("\n\norder_id,customer_id,total\nORD-1,alice,1\n", ImportFormat::kCsv),
            (std::vector<std::string>{"4: ORD-1|alice|1.000000"}));
}

TEST(CsvReaderTest, HeaderOnlyMeansNoRecords) {
  EXPECT_TRUE(read_all("order_id,customer_id,total\n", ImportFormat::kCsv).empty());
}

TEST(CsvReaderTest, RefusesInputWithoutHeader) {
  EXPECT_EQ(
      read_all("", ImportFormat::kCsv),
      (std::vector<std::string>{"open failed: missing header line order_id,customer_id,total"}));
  const auto result = read_all("ORD-1,alice,12\n", ImportFormat::kCsv);
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].rfind("open failed: line 1: header must name the columns", 0), 0u)
      << result[0];
}

TEST(JsonlRecordTest, ParsesAnOrderObject) {
  Order order;
  ASSERT_EQ(parse_jsonl_record(R"({"order_id":"ORD-1","customer_id":"alice","total":12.5})", order),
            std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-1");
  EXPECT_EQ(order.customer_id(), "alice");
  EXPECT_FLOAT_EQ(order.total(), 12.5f);
}

TEST(JsonlRecordTest, AcceptsCamelCaseNamesAndIgnoresUnknownFields) {
  Order order;
  ASSERT_EQ(
      parse_jsonl_record(R"({"orderId":"ORD-2","customerId":"bob","total":"3","note":1})", order),
      std::nullopt);
  EXPECT_EQ(order.order_id(), "ORD-2");
  EXPECT_EQ(order.customer_id(), "bob");
  EXPECT_FLOAT_EQ(order.total(), 3.0f);
}

TEST(JsonlRecordTest, StartsEachRecordFromEmpty) {
  Order order;
  order.set_order_id("left over");
  ASSERT_EQ(parse_jsonl_record(R"({"customer_id":"bob","total":1})", order), std::nullopt);
  EXPECT_EQ(order.order_id(), "");
}

TEST(JsonlRecordTest, RefusesInvalidJsonAndWrongTypes) {
  Order order;
  EXPECT_NE(parse_jsonl_record(R"({"order_id":"ORD-1",)", order), std::nullopt);
  EXPECT_NE(parse_jsonl_record(R"({"customer_id":"bob","total":"ten"})", order), std::nullopt);
  EXPECT_NE(parse_jsonl_record(R"([1,2,3])", order), std::nullopt);
  EXPECT_NE(parse_jsonl_record("ORD-1,alice,12", order), std::nullopt);
  const auto error = parse_jsonl_record("{oops}", order);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->rfind("invalid JSON order: ", 0), 0u) << *error;
}

TEST(JsonlReaderTest, AnIdThatIsNotUtf8IsALineError) {
  const auto result = read_all(R"({"order_id":"A","customer_id":"caf)"
                               "\xe9"
                               R"(","total":1})"
                               "\n"
                               R"({"order_id":"B","customer_id":"bob","total":2})",
                               ImportFormat::kJsonl);
  ASSERT_EQ(result.size(), 2u);
  EXPECT_EQ(result[0].rfind("line 1: ", 0), 0u) << result[0];
  EXPECT_EQ(result[1], "2: B|bob|2.000000");
}

TEST(JsonlReaderTest, ReportsMalformedLinesByLineNumberAndSkipsBlankLines) {
  const std::string input = R"({"order_id":"A","customer_id":"alice","total":1})"
                            "\n\n"
                            R"({"order_id":"B","customer_id":"bob","total":"x"})"
                            "\n"
                            R"({"order_id":"C","customer_id":"carol","total":3})"
                            "\r\n";
  const auto result = read_all(input, ImportFormat::kJsonl);
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0], "1: A|alice|1.000000");
  EXPECT_EQ(result[1].rfind("line 3: invalid JSON order: ", 0), 0u) << result[1];
  EXPECT_EQ(result[2], "4: C|carol|3.000000");
}

}  // namespace
}  // namespace orderstream::cli
