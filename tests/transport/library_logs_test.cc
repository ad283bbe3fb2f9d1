// gRPC's and protobuf's own log lines go through the project's logger, at most a few a minute.
#include "transport/library_logs.h"

#include <grpc/grpc.h>
#include <grpc/support/log.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "order_service.pb.h"
#include "transport/request_parsing.h"

namespace orderstream::transport {
namespace {

int count_lines_matching(const std::string& text, const std::regex& pattern) {
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);) count += std::regex_search(line, pattern);
  return count;
}

grpc::ByteBuffer not_utf8_order() {
  // Field 2 (customer_id), length-delimited, "caf\xe9": proto3 refuses the string.
  const std::string bytes = std::string(
      "\x12\x04"
      "caf\xe9",
      6);
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(LibraryLogsTest, ProtobufLinesAreInTheProjectFormatAndRateLimited) {
  route_library_logs();
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 500; ++i) {
    grpc::ByteBuffer bytes = not_utf8_order();
    ecommerce::orders::Order order;
    ASSERT_FALSE(parse_request(bytes, order));
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  const int utf8_lines = count_lines_matching(log, std::regex("UTF-8"));
  EXPECT_GT(utf8_lines, 0) << log;
  EXPECT_LE(utf8_lines, 20) << log;
  const int ours = count_lines_matching(
      log, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR protobuf: .*UTF-8)"));
  EXPECT_EQ(ours, utf8_lines) << log;
}

TEST(LibraryLogsTest, GrpcLinesAreInTheProjectFormat) {
  route_library_logs();
  grpc_init();  // sets gRPC's log verbosity, which filters lines before they reach the handler
  ::testing::internal::CaptureStderr();
  gpr_log(GPR_ERROR, "orderstream test line %d", 42);
  const std::string log = ::testing::internal::GetCapturedStderr();
  grpc_shutdown();
  EXPECT_EQ(count_lines_matching(
                log, std::regex(R"(^\d{4}-\d\d-\d\dT\S+ ERROR grpc: orderstream test line 42 \()")),
            1)
      << log;
}

}  // namespace
}  // namespace orderstream::transport
