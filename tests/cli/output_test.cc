#include "cli/output.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

namespace orderstream::cli {
namespace {

using ecommerce::orders::BulkProcessResult;
using ecommerce::orders::OrderEvent;
using ecommerce::orders::OrderResponse;
using ecommerce::orders::OrderUpdate;

constexpr int64_t kNov24At10 = 1795514400123;  // 2026-11-24T10:00:00.123Z

google::protobuf::Struct parse_json_object(const std::string& json) {
  google::protobuf::Struct object;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &object);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in " << json;
  return object;
}

TEST(OutputFormatTest, ParsesFlagValues) {
  EXPECT_EQ(parse_output_format("text"), OutputFormat::kText);
  EXPECT_EQ(parse_output_format("json"), OutputFormat::kJson);
  EXPECT_EQ(parse_output_format("yaml"), std::nullopt);
}

TEST(TimestampTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(kNov24At10), "2026-11-24T10:00:00.123Z");
  EXPECT_EQ(format_timestamp(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(format_timestamp(951782400000), "2000-02-29T00:00:00.000Z");
}

TEST(TimestampTest, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimestampTest, ShowsADashForNoTime) { EXPECT_EQ(format_timestamp(0), "-"); }

TEST(TextOutputTest, OrderResponseShowsIdStatusAndCreationTime) {
  OrderResponse response;
  response.set_order_id("ORD-1a2b3c4d5e6f");
  response.set_status("CREATED");
  response.set_created_at(kNov24At10);
  EXPECT_EQ(format_order_response(response, OutputFormat::kText),
            "ORD-1a2b3c4d5e6f  CREATED  2026-11-24T10:00:00.123Z");
}

TEST(TextOutputTest, EventShowsIdTypeSequenceAndTime) {
  OrderEvent event;
  event.set_order_id("ORD-1a2b3c4d5e6f");
  event.set_event_type("SHIPPED");
  event.set_sequence(42);
  event.set_timestamp(kNov24At10);
  EXPECT_EQ(format_order_event(event, OutputFormat::kText),
            "ORD-1a2b3c4d5e6f  SHIPPED  seq=42  2026-11-24T10:00:00.123Z");
}

TEST(TextOutputTest, UpdateShowsIdStatusSequenceAndTime) {
  OrderUpdate update;
  update.set_order_id("ORD-1a2b3c4d5e6f");
  update.set_status("DELIVERED");
  update.set_sequence(43);
  update.set_updated_at(kNov24At10);
  EXPECT_EQ(format_order_update(update, OutputFormat::kText),
            "ORD-1a2b3c4d5e6f  DELIVERED  seq=43  2026-11-24T10:00:00.123Z");
}

TEST(TextOutputTest, IdsWithSpacesOrLineBreaksStayOneColumnOfOneLine) {
  ecommerce::orders::OrderUpdate update;
  update.set_order_id("my order\n2");
  update.set_status("SHIPPED");
  update.set_sequence(3);
  EXPECT_EQ(format_order_update(update, OutputFormat::kText),
            "my\\x20order\\n2  SHIPPED  seq=3  -");
}

TEST(TextOutputTest, UnknownAcknowledgementHasNoTime) {
  OrderUpdate update;
  update.set_order_id("ORD-x");
  update.set_status("UNKNOWN");
  EXPECT_EQ(format_order_update(update, OutputFormat::kText), "ORD-x  UNKNOWN  seq=0  -");
}

TEST(JsonOutputTest, IsOneLineWithProtoFieldNamesAndDefaults) {
  OrderUpdate update;
  update.set_order_id("ORD-x");
  update.set_status("UNKNOWN");
  const std::string json = format_order_update(update, OutputFormat::kJson);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  const auto object = parse_json_object(json);
  EXPECT_EQ(object.fields().at("order_id").string_value(), "ORD-x");
  EXPECT_EQ(object.fields().at("status").string_value(), "UNKNOWN");
  // int64 fields are strings in protobuf's canonical JSON mapping.
  EXPECT_EQ(object.fields().at("sequence").string_value(), "0");
  EXPECT_EQ(object.fields().at("updated_at").string_value(), "0");
}

TEST(JsonOutputTest, EventAndResponseUseTheirProtoFieldNames) {
  OrderEvent event;
  event.set_order_id("A");
  event.set_event_type("CREATED");
  event.set_sequence(7);
  event.set_timestamp(kNov24At10);
  const auto e = parse_json_object(format_order_event(event, OutputFormat::kJson));
  EXPECT_EQ(e.fields().at("event_type").string_value(), "CREATED");
  EXPECT_EQ(e.fields().at("timestamp").string_value(), std::to_string(kNov24At10));

  OrderResponse response;
  response.set_order_id("A");
  const auto r = parse_json_object(format_order_response(response, OutputFormat::kJson));
  EXPECT_EQ(r.fields().at("status").string_value(), "");
  EXPECT_TRUE(r.fields().contains("created_at"));
}

ImportSummary sample_summary() {
  ImportSummary summary;
  summary.server.set_success_count(998);
  summary.server.set_failure_count(1);
  summary.server.add_error_messages("Invalid order: #7: customer_id is empty");
  summary.local_failures = 2;
  summary.local_errors = {"line 17: total is not a number",
                          "line 40: expected 3 fields (order_id,customer_id,total), got 2"};
  return summary;
}

TEST(ImportSummaryTest, TextListsCountsThenLocalThenServerErrors) {
  EXPECT_EQ(format_import_summary(sample_summary(), OutputFormat::kText),
            "success_count: 998\n"
            "failure_count: 3 (2 rejected locally, 1 by the server)\n"
            "line 17: total is not a number\n"
            "line 40: expected 3 fields (order_id,customer_id,total), got 2\n"
            "server: Invalid order: #7: customer_id is empty");
}

TEST(ImportSummaryTest, TextSaysHowManyErrorsAreNotShown) {
  ImportSummary summary = sample_summary();
  summary.local_failures = 25;
  summary.server.set_failure_count(12);
  const std::string text = format_import_summary(summary, OutputFormat::kText);
  EXPECT_NE(text.find("failure_count: 37 (25 rejected locally, 12 by the server)"),
            std::string::npos);
  EXPECT_NE(text.find("\n... and 23 more local errors"), std::string::npos) << text;
  EXPECT_NE(text.find("\n... and 11 more server errors"), std::string::npos) << text;
}

TEST(ImportSummaryTest, JsonMergesLocalFailuresIntoTheResult) {
  const std::string json = format_import_summary(sample_summary(), OutputFormat::kJson);
  BulkProcessResult result;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &result).ok()) << json;
  EXPECT_EQ(result.success_count(), 998);
  EXPECT_EQ(result.failure_count(), 3);
  ASSERT_EQ(result.error_messages_size(), 3);
  EXPECT_EQ(result.error_messages(0), "line 17: total is not a number");
  EXPECT_EQ(result.error_messages(2), "server: Invalid order: #7: customer_id is empty");
}

TEST(TextOutputTest, OrderDetailsShowEveryFieldWithTheShortestTotal) {
  ecommerce::orders::OrderDetails details;
  details.set_order_id("ORD-1");
  details.set_customer_id("alice");
  details.set_total(0.1f);
  details.set_status("SHIPPED");
  details.set_sequence(42);
  details.set_created_at(kNov24At10);
  details.set_updated_at(kNov24At10 + 1000);
  EXPECT_EQ(format_order_details(details, OutputFormat::kText),
            "ORD-1  alice  0.1  SHIPPED  seq=42  created=2026-11-24T10:00:00.123Z  "
            "updated=2026-11-24T10:00:01.123Z");
}

}  // namespace
}  // namespace orderstream::cli
