// The building blocks of the limits without a server: the token bucket that paces watch
// requests, and the counting of open streams per connection and per customer.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "common/token_bucket.h"
#include "transport/stream_admission.h"

namespace orderstream {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, AllowsABurstThenTheRate) {
  const auto start = TokenBucket::Clock::time_point{};
  TokenBucket bucket(10, 3, start);  // 10 per second, bursts of 3
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_TRUE(bucket.try_take(start));
  EXPECT_FALSE(bucket.try_take(start));
  EXPECT_FALSE(bucket.try_take(start + milliseconds(50)));  // half a token
  EXPECT_TRUE(bucket.try_take(start + milliseconds(100)));
  EXPECT_FALSE(bucket.try_take(start + milliseconds(100)));
  // A long pause refills to the burst, not beyond.
  const auto later = start + std::chrono::seconds(60);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.try_take(later)) << i;
  EXPECT_FALSE(bucket.try_take(later));
}

}  // namespace

namespace transport {
namespace {

TEST(StreamAdmissionTest, CapsStreamsPerConnection) {
  StreamAdmission admission(2, 100);
  const auto admin = auth::Principal::admin();
  auto first = admission.admit("ipv4:127.0.0.1:1000", admin);
  auto second = admission.admit("ipv4:127.0.0.1:1000", admin);
  ASSERT_TRUE(first.ok() && second.ok());
  const auto third = admission.admit("ipv4:127.0.0.1:1000", admin);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(third.error().message.find("connection (limit 2)"), std::string::npos);
  EXPECT_TRUE(admission.admit("ipv4:127.0.0.1:1001", admin).ok()) << "another connection";

  first.value().release();
  EXPECT_EQ(admission.open_on("ipv4:127.0.0.1:1000"), 1u);
  EXPECT_TRUE(admission.admit("ipv4:127.0.0.1:1000", admin).ok());
}

TEST(StreamAdmissionTest, CapsStreamsPerCustomerOverAllConnections) {
  StreamAdmission admission(100, 2);
  const auto alice = auth::Principal::customer("alice");
  std::vector<StreamAdmission::Ticket> held;
  held.push_back(std::move(admission.admit("c1", alice).value()));
  held.push_back(std::move(admission.admit("c2", alice).value()));
  const auto refused = admission.admit("c3", alice);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("customer (limit 2)"), std::string::npos);
  EXPECT_EQ(admission.open_on("c3"), 0u) << "a refused stream holds nothing";
  EXPECT_TRUE(admission.admit("c3", auth::Principal::customer("bob")).ok());
  EXPECT_TRUE(admission.admit("c3", auth::Principal::admin()).ok()) << "admins: per connection";
  held.pop_back();  // a ticket destroyed gives its place back
  EXPECT_TRUE(admission.admit("c3", alice).ok());
}

}  // namespace
}  // namespace transport
}  // namespace orderstream
