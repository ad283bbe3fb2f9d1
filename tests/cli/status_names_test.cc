#include "cli/status_names.h"

#include <gtest/gtest.h>

namespace orderstream::cli {
namespace {

TEST(StatusNamesTest, UsesTheCanonicalNames) {
  EXPECT_EQ(status_code_name(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(status_code_name(grpc::StatusCode::CANCELLED), "CANCELLED");
  EXPECT_EQ(status_code_name(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(status_code_name(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(status_code_name(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
  EXPECT_EQ(status_code_name(grpc::StatusCode::ALREADY_EXISTS), "ALREADY_EXISTS");
  EXPECT_EQ(status_code_name(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(status_code_name(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(status_code_name(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(status_code_name(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
}

TEST(StatusNamesTest, NamesEveryCodeOfTheSpec) {
  for (int code = 0; code <= 16; ++code) {
    const std::string name = status_code_name(static_cast<grpc::StatusCode>(code));
    EXPECT_EQ(name.find("UNKNOWN_CODE"), std::string::npos) << code;
  }
}

// 20: a code no spec names yet, inside grpc::StatusCode's range of values (-32 to 31, from its
// enumerators -1 to 16); a value outside it would be undefined behaviour in the enum itself.
TEST(StatusNamesTest, NamesAnUnknownCodeByNumber) {
  EXPECT_EQ(status_code_name(static_cast<grpc::StatusCode>(20)), "UNKNOWN_CODE_20");
}

TEST(StatusNamesTest, FormatsAFailedCallForStderr) {
  EXPECT_EQ(format_rpc_error(grpc::Status(grpc::StatusCode::NOT_FOUND, "Order X not found")),
            "error: NOT_FOUND: Order X not found");
}

}  // namespace
}  // namespace orderstream::cli
