#include "domain/create_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "in_memory_order_store.h"

namespace orderstream {
namespace {

class CountingPublisher : public EventPublisher {
 public:
  void publish(std::span<const OrderEvent> events) override { published += events.size(); }
  std::atomic<std::size_t> published{0};
};

class CreateBatcherTest : public ::testing::Test {
 protected:
  testing::InMemoryOrderStore store_;
  CountingPublisher publisher_;
  OrderService orders_{store_, publisher_};
};

Result<Order> submit_and_wait(CreateBatcher& batcher, NewOrder order) {
  std::promise<Result<Order>> answer;
  auto future = answer.get_future();
  batcher.submit(std::move(order),
                 [&answer](Result<Order> result) { answer.set_value(std::move(result)); });
  return future.get();
}

TEST_F(CreateBatcherTest, CreatesAndAssignsIds) {
  CreateBatcher batcher(orders_);
  auto created = submit_and_wait(batcher, {"", "alice", 3.0f});
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(std::regex_match(created->id, std::regex("ORD-[0-9a-f]{24}")));
  EXPECT_EQ(store_.order_count(), 1u);
  EXPECT_EQ(publisher_.published, 1u);
}

TEST_F(CreateBatcherTest, InvalidOrderIsAnsweredAtOnceWithoutTheStore) {
  CreateBatcher batcher(orders_);
  auto answer = submit_and_wait(batcher, {"X", "", 3.0f});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(answer.error().message.find("customer_id"), std::string::npos);
  EXPECT_EQ(store_.create_calls(), 0);
}

TEST_F(CreateBatcherTest, RetryAndConflictFollowTheCreateRule) {
  CreateBatcher batcher(orders_);
  ASSERT_TRUE(submit_and_wait(batcher, {"A", "alice", 3.0f}).ok());
  EXPECT_TRUE(submit_and_wait(batcher, {"A", "alice", 3.0f}).ok());
  auto conflict = submit_and_wait(batcher, {"A", "alice", 4.0f});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(publisher_.published, 1u);
}

TEST_F(CreateBatcherTest, ConcurrentCallsShareTransactionsAndEachIsAnswered) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> ok{0};
  {
    CreateBatcher batcher(orders_);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::future<Result<Order>>> answers;
        for (int i = 0; i < kPerThread; ++i) {
          auto answer = std::make_shared<std::promise<Result<Order>>>();
          answers.push_back(answer->get_future());
          batcher.submit({"T" + std::to_string(t) + "-" + std::to_string(i), "alice", 1.0f},
                         [answer](Result<Order> result) { answer->set_value(std::move(result)); });
        }
        for (auto& answer : answers) ok += answer.get().ok();
      });
    }
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(ok, kThreads * kPerThread);
  EXPECT_EQ(store_.order_count(), static_cast<std::size_t>(kThreads * kPerThread));
  // Calls that queued while a commit ran went into one transaction together.
  EXPECT_LT(store_.create_calls(), kThreads * kPerThread);
}

TEST_F(CreateBatcherTest, AfterShutdownCallsAreUnavailable) {
  CreateBatcher batcher(orders_);
  batcher.shutdown();
  auto answer = submit_and_wait(batcher, {"A", "alice", 3.0f});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store_.order_count(), 0u);
}

}  // namespace
}  // namespace orderstream
