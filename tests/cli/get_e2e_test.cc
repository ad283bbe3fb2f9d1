// `orderstream get` against the real server on each store: one line per id in the order given,
// the failures on stderr without hiding the other ids, and exit code 1 when any id failed.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_test.h"

namespace orderstream::cli {
namespace {

using orderstream::testing::CliServerTest;
using orderstream::testing::CommandResult;
using orderstream::testing::describe;
using orderstream::testing::lines_of;

// GetOrder reads the order from the store: each test runs on every store.
class CliGetTest : public CliServerTest {};

INSTANTIATE_TEST_SUITE_P(Stores, CliGetTest,
                         ::testing::ValuesIn(orderstream::testing::available_test_stores()),
                         orderstream::testing::store_kind_name);

TEST_P(CliGetTest, PrintsEachOrderInTheOrderGiven) {
  ok({"create", "--id", "G-1", "--customer", "alice", "--total", "12.5"});
  ok({"create", "--id", "G-2", "--customer", "bob", "--total", "0.1"});
  ok({"set-status", "G-2", "shipped"});

  const auto result = run({"get", "G-2", "G-1"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.err, "");
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  const std::string time = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z";
  // The float 0.1 prints as the shortest text that reads back as it, not 0.100000001.
  EXPECT_TRUE(std::regex_match(
      lines[0],
      std::regex("G-2  bob  0\\.1  SHIPPED  seq=[0-9]+  created=" + time + "  updated=" + time)))
      << lines[0];
  EXPECT_TRUE(std::regex_match(
      lines[1],
      std::regex("G-1  alice  12\\.5  CREATED  seq=[0-9]+  created=" + time + "  updated=" + time)))
      << lines[1];
}

TEST_P(CliGetTest, JsonIsOneOrderDetailsObjectPerLine) {
  ok({"create", "--id", "G-1", "--customer", "alice", "--total", "3"});
  ok({"set-status", "G-1", "CANCELLED"});
  const auto result = run({"get", "G-1", "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 1u) << result.out;
  google::protobuf::Struct object;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &object).ok()) << lines[0];
  const auto& fields = object.fields();
  EXPECT_EQ(fields.at("order_id").string_value(), "G-1");
  EXPECT_EQ(fields.at("customer_id").string_value(), "alice");
  EXPECT_EQ(fields.at("total").number_value(), 3.0);
  EXPECT_EQ(fields.at("status").string_value(), "CANCELLED");
  // int64 fields are strings in protobuf's JSON mapping.
  EXPECT_GT(std::stoll(fields.at("sequence").string_value()), 0);
  EXPECT_LE(std::stoll(fields.at("created_at").string_value()),
            std::stoll(fields.at("updated_at").string_value()));
}

TEST_P(CliGetTest, AFailedIdIsReportedAndTheOthersStillPrinted) {
  ok({"create", "--id", "G-1", "--customer", "alice", "--total", "3"});
  ok({"create", "--id", "G-3", "--customer", "alice", "--total", "4"});
  const auto result = run({"get", "G-1", "MISSING", "G-3"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_EQ(lines[0].rfind("G-1  ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("G-3  ", 0), 0u) << lines[1];
  EXPECT_EQ(result.err, "error: NOT_FOUND: Order MISSING not found\n");
}

TEST_P(CliGetTest, AnEmptyIdIsInvalidArgument) {
  const auto result = run({"get", ""});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_EQ(result.err, "error: INVALID_ARGUMENT: OrderID.id is empty\n");
}

TEST(CliGetUsageTest, NoIdIsAUsageError) {
  const auto result = orderstream::testing::cli({"get"});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_FALSE(result.err.empty());
}

}  // namespace
}  // namespace orderstream::cli
