// The pure rules of docs/SECURITY.md without a server: which listen addresses count as loopback
// and what a server reachable from elsewhere needs, the tokens file, and what each role may do.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "auth/access_rules.h"
#include "auth/exposure.h"
#include "auth/principal.h"
#include "auth/token_hash.h"
#include "auth/token_table.h"

namespace orderstream::auth {
namespace {

TEST(ExposureTest, LoopbackAddressesAreLoopback) {
  for (const char* listen : {"127.0.0.1:50051", "127.0.0.1:0", "127.1.2.3:9", "localhost:50051",
                             "[::1]:50051", "unix:/tmp/orderstream.sock"}) {
    EXPECT_TRUE(is_loopback_listen(listen)) << listen;
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", ":50051", "10.0.0.5:50051",
                             "[fe80::1]:50051", "orders.example.com:443", "128.0.0.1:1"}) {
    EXPECT_FALSE(is_loopback_listen(listen)) << listen;
  }
}

TEST(ExposureTest, AServerReachableFromElsewhereNeedsTlsAndCallerAuthentication) {
  EXPECT_FALSE(exposure_refusal({.listen = "127.0.0.1:50051"}));
  const auto plaintext = exposure_refusal({.listen = "0.0.0.0:50051"});
  ASSERT_TRUE(plaintext);
  EXPECT_NE(plaintext->find("plaintext"), std::string::npos) << *plaintext;
  EXPECT_NE(plaintext->find("--insecure"), std::string::npos) << *plaintext;
  const auto open = exposure_refusal({.listen = "0.0.0.0:50051", .tls = true});
  ASSERT_TRUE(open);
  EXPECT_NE(open->find("--tokens"), std::string::npos) << *open;
  EXPECT_FALSE(
      exposure_refusal({.listen = "0.0.0.0:50051", .tls = true, .authenticates_callers = true}));
  EXPECT_FALSE(exposure_refusal({.listen = "0.0.0.0:50051", .insecure = true}));
}

TEST(TokenHashTest, IsTheHexSha256OfTheToken) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PrincipalTest, ParsesTheTwoRoles) {
  EXPECT_TRUE(parse_role("admin")->is_admin());
  const auto alice = parse_role("customer:alice");
  ASSERT_TRUE(alice);
  EXPECT_FALSE(alice->is_admin());
  EXPECT_EQ(alice->customer_id, "alice");
  EXPECT_EQ(alice->role_name(), "customer:alice");
  for (const char* bad : {"", "Admin", "customer:", "customer", "user:alice", "root"}) {
    EXPECT_FALSE(parse_role(bad)) << bad;
  }
  EXPECT_FALSE(parse_role("customer:" + std::string(129, 'x')));
}

TEST(TokenTableTest, FindsTheRoleOfAKnownTokenOnly) {
  const TokenTable table = TokenTable::parse(
      "# orderstream tokens\n"
      "\n" +
      sha256_hex("admin-secret") + " admin\n  " + sha256_hex("alice-secret") +
      "\tcustomer:alice  \r\n");
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.find("admin-secret")->is_admin());
  EXPECT_EQ(table.find("alice-secret")->customer_id, "alice");
  EXPECT_FALSE(table.find("wrong"));
  EXPECT_FALSE(table.find(""));
  EXPECT_FALSE(table.find(sha256_hex("admin-secret"))) << "the digest is not a token";
}

TEST(TokenTableTest, AcceptsUppercaseDigests) {
  std::string digest = sha256_hex("t");
  for (char& c : digest) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(TokenTable::parse(digest + " admin\n").find("t"));
}

// The error names the line and never repeats its text, which may be a token pasted by mistake.
void expect_rejected(const std::string& text, const std::string& line, const std::string& why) {
  try {
    TokenTable::parse(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("line " + line), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_EQ(message.find("plain-token"), std::string::npos) << message;
  }
}

TEST(TokenTableTest, RejectsMalformedLinesNamingTheLine) {
  const std::string digest = sha256_hex("x");
  expect_rejected("plain-token admin\n", "1", "64 hex digits");
  expect_rejected("# c\n" + digest + "\n", "2", "role");
  expect_rejected(digest + " customer:\n", "1", "role");
  expect_rejected(digest + " admin\n" + digest + " customer:a\n", "2", "twice");
}

TEST(AccessRulesTest, AnAdminMayDoEverything) {
  const Principal admin = Principal::admin();
  EXPECT_FALSE(check_create(admin, NewOrder{"", "anyone", 1}));
  EXPECT_FALSE(check_history(admin, "anyone"));
  EXPECT_FALSE(check_order(admin, std::nullopt));
  EXPECT_FALSE(check_order(admin, Order{.id = "ORD-1", .customer_id = "anyone"}));
  EXPECT_FALSE(check_status_change(admin));
}

TEST(AccessRulesTest, ACustomerActsOnItsOwnOrdersOnly) {
  const Principal alice = Principal::customer("alice");
  EXPECT_FALSE(check_create(alice, NewOrder{"", "alice", 1}));
  EXPECT_FALSE(check_history(alice, "alice"));
  EXPECT_FALSE(check_order(alice, Order{.id = "ORD-1", .customer_id = "alice"}));

  const auto create = check_create(alice, NewOrder{"", "bob", 1});
  ASSERT_TRUE(create);
  EXPECT_EQ(create->code, ErrorCode::kPermissionDenied);
  EXPECT_NE(create->message.find("customer_id"), std::string::npos);
  EXPECT_EQ(create->message.find("bob"), std::string::npos) << "echoes the request";
  const auto history = check_history(alice, "bob");
  ASSERT_TRUE(history);
  EXPECT_EQ(history->code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(history->message.find("bob"), std::string::npos);
  const auto status = check_status_change(alice);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, ErrorCode::kPermissionDenied);
}

TEST(AccessRulesTest, AnotherCustomersOrderAndAMissingOneAreRefusedAlike) {
  const Principal alice = Principal::customer("alice");
  const auto other = check_order(alice, Order{.id = "ORD-1", .customer_id = "bob"});
  const auto missing = check_order(alice, std::nullopt);
  ASSERT_TRUE(other);
  ASSERT_TRUE(missing);
  EXPECT_EQ(other->code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(missing->code, other->code);
  EXPECT_EQ(missing->message, other->message);
}

}  // namespace
}  // namespace orderstream::auth
