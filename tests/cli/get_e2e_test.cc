// `orderstream get` against the real server: one line per id in the order given, the failures on
// stderr without hiding the other ids, and exit code 1 when any id failed.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace orderstream::cli {
namespace {

using orderstream::testing::CommandResult;
using orderstream::testing::ServerProcess;

constexpr int kCommandTimeoutMs = 30000;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string describe(const CommandResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\nstdout:\n" + result.out + "stderr:\n" +
         result.err;
}

class CliGetTest : public ::testing::Test {
 protected:
  CommandResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {ORDERSTREAM_CLI_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--target");
    argv.push_back(server_.target());
    return orderstream::testing::run_command(argv, "", kCommandTimeoutMs);
  }
  void ok(std::vector<std::string> args) {
    const auto result = run(std::move(args));
    ASSERT_EQ(result.exit_code, 0) << describe(result);
  }

  ServerProcess server_;
};

TEST_F(CliGetTest, PrintsEachOrderInTheOrderGiven) {
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

TEST_F(CliGetTest, JsonIsOneOrderDetailsObjectPerLine) {
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

TEST_F(CliGetTest, AFailedIdIsReportedAndTheOthersStillPrinted) {
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

TEST_F(CliGetTest, AnEmptyIdIsInvalidArgument) {
  const auto result = run({"get", ""});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_EQ(result.err, "error: INVALID_ARGUMENT: OrderID.id is empty\n");
}

TEST(CliGetUsageTest, NoIdIsAUsageError) {
  const auto result =
      orderstream::testing::run_command({ORDERSTREAM_CLI_BIN, "get"}, "", kCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_FALSE(result.err.empty());
}

}  // namespace
}  // namespace orderstream::cli
