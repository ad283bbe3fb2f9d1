#include "domain/create_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
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

// The in-memory store with a gate on its first create_orders call: until the test opens it, the
// batcher's writer waits inside that commit, so every call submitted meanwhile queues.
class FirstCommitGatedStore : public testing::InMemoryOrderStore {
 public:
  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline& deadline) override {
    {
      std::unique_lock lock(gate_mutex_);
      if (!entered_) {
        entered_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
      }
    }
    return InMemoryOrderStore::do_create_orders(std::move(orders), now_ms, deadline);
  }

  bool wait_until_entered() {
    std::unique_lock lock(gate_mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [this] { return entered_; });
  }

  void open() {
    {
      std::lock_guard lock(gate_mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex gate_mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

TEST(CreateBatcherGroupingTest, CallsQueuedDuringACommitShareTheNextTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  FirstCommitGatedStore store;
  CountingPublisher publisher;
  OrderService orders(store, publisher);
  std::atomic<int> ok{0};
  {
    CreateBatcher batcher(orders);
    std::promise<Result<Order>> first;
    batcher.submit({"first", "alice", 1.0f},
                   [&first](Result<Order> result) { first.set_value(std::move(result)); });
    ASSERT_TRUE(store.wait_until_entered());  // the writer now waits inside the first commit

    std::vector<std::thread> threads;
    std::vector<std::vector<std::future<Result<Order>>>> answers(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          auto answer = std::make_shared<std::promise<Result<Order>>>();
          answers[t].push_back(answer->get_future());
          batcher.submit({"T" + std::to_string(t) + "-" + std::to_string(i), "alice", 1.0f},
                         [answer](Result<Order> result) { answer->set_value(std::move(result)); });
        }
      });
    }
    for (auto& thread : threads) thread.join();  // every call is queued: submit never blocks
    store.open();
    EXPECT_TRUE(first.get_future().get().ok());
    for (auto& per_thread : answers) {
      for (auto& answer : per_thread) ok += answer.get().ok();
    }
  }
  EXPECT_EQ(ok, kThreads * kPerThread);
  EXPECT_EQ(store.order_count(), static_cast<std::size_t>(1 + kThreads * kPerThread));
  // The first commit, then the 1,600 calls that queued meanwhile in groups of at most kMaxBatch.
  constexpr int kQueued = kThreads * kPerThread;
  constexpr int kMaxBatch = static_cast<int>(CreateBatcher::kMaxBatch);
  constexpr int kGroups = (kQueued + kMaxBatch - 1) / kMaxBatch;
  EXPECT_EQ(store.create_calls(), 1 + kGroups);
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
