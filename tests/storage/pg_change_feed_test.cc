// The PostgreSQL change feed in-process: commits of another store (another replica) and of the
// process's own service reach the subscribers exactly once and in sequence order, also across a
// terminated listening session; nothing committed before the feed opened is replayed; without
// subscribers the rows are skipped; and availability follows the database.
#include "storage/pg_change_feed.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/order_service.h"
#include "storage/pg_order_store.h"
#include "support/pg_test_database.h"

namespace orderstream::storage {
namespace {

using std::chrono::seconds;

// Records what the feed publishes; whether anyone subscribes is the test's to say.
class Recorder : public EventPublisher {
 public:
  void publish(std::span<const OrderEvent> events) override {
    std::lock_guard lock(mutex_);
    for (const auto& event : events) sequences_.push_back(event.sequence);
    changed_.notify_all();
  }
  bool any_subscriber() const { return subscribed; }

  // Waits (bounded) until `count` events arrived; false if they did not.
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(60), [&] { return sequences_.size() >= count; });
  }
  std::vector<int64_t> sequences() const {
    std::lock_guard lock(mutex_);
    return sequences_;
  }

  std::atomic<bool> subscribed{true};

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int64_t> sequences_;
};

// first, first + 1, ..., last
std::vector<int64_t> range(int64_t first, int64_t last) {
  std::vector<int64_t> out;
  for (int64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

class PgChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  }
  static PgOptions store_options(const std::string& url) {
    PgOptions options;
    options.url = url;
    options.pool_size = 2;
    return options;
  }
  static void create(OrderStore& store, const std::string& id) {
    store.create_orders({NewOrder{id, "kim", 2.0f}}, 1'700'000'000'000);
  }
  std::optional<std::string> url_;
};

TEST_F(PgChangeFeedTest, OtherReplicasCommitsArriveInOrderFromWhenTheFeedOpened) {
  testing::PgTestSchema schema(*url_);
  PgOrderStore other(store_options(schema.url()));
  create(other, "OLD-1");
  create(other, "OLD-2");  // sequences 1 and 2: before the feed, not replayed
  Recorder recorder;
  PgChangeFeed feed({schema.url(), 0, {}}, recorder);
  EXPECT_EQ(feed.cursor(), 2);
  feed.start();
  for (int i = 0; i < 20; ++i) create(other, "NEW-" + std::to_string(i));
  other.create_orders({NewOrder{"BATCH-1", "kim", 1.0f}, NewOrder{"BATCH-2", "kim", 1.0f}}, 1);
  ASSERT_TRUE(recorder.wait_for(22));
  EXPECT_EQ(recorder.sequences(), range(3, 24));
}

TEST_F(PgChangeFeedTest, LocalAndRemoteCommitsInterleavedArriveOnceInOrder) {
  testing::PgTestSchema schema(*url_);
  PgOrderStore local(store_options(schema.url()));
  PgOrderStore other(store_options(schema.url()));
  Recorder recorder;
  PgChangeFeed feed({schema.url(), 0, {}}, recorder);
  feed.start();
  OrderService service(local, feed.local_commits());
  // Local commits (delivered from memory when they follow the cursor, else read) race remote
  // ones (always read) from two threads.
  constexpr int kEach = 60;
  std::thread remote([&] {
    for (int i = 0; i < kEach; ++i) create(other, "R-" + std::to_string(i));
  });
  for (int i = 0; i < kEach; ++i) {
    ASSERT_TRUE(service.create_order(NewOrder{"L-" + std::to_string(i), "kim", 1.0f}));
    if (i % 4 == 0) {
      ASSERT_TRUE(service.update_status("L-" + std::to_string(i), "SHIPPED"));
    }
  }
  remote.join();
  const std::size_t total = 2 * kEach + kEach / 4;
  ASSERT_TRUE(recorder.wait_for(total));
  EXPECT_EQ(recorder.sequences(), range(1, static_cast<int64_t>(total)));
}

TEST_F(PgChangeFeedTest, TerminatedListeningSessionCatchesUpWithoutRepeats) {
  testing::PgTestSchema schema(*url_);
  PgOrderStore other(store_options(schema.url()));
  Recorder recorder;
  const std::string name = "orderstream-feed-test-" + std::to_string(::getpid());
  PgChangeFeed feed({schema.url(), 0, name}, recorder);
  feed.start();
  const std::string terminate =
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity "
      "WHERE application_name = '" +
      name + "') t WHERE done";
  int terminated = 0;
  for (int i = 0; i < 90; ++i) {
    if (i % 30 == 10) {
      // The session may be reconnecting: wait (bounded) until there is one to terminate.
      for (int attempt = 0; attempt < 600; ++attempt) {
        if (schema.admin().exec(terminate).int64(0, 0) > 0) {
          ++terminated;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    create(other, "T-" + std::to_string(i));
  }
  EXPECT_EQ(terminated, 3);
  ASSERT_TRUE(recorder.wait_for(90));
  EXPECT_EQ(recorder.sequences(), range(1, 90));
}

TEST_F(PgChangeFeedTest, WithoutSubscribersTheRowsAreSkipped) {
  testing::PgTestSchema schema(*url_);
  PgOrderStore other(store_options(schema.url()));
  Recorder recorder;
  recorder.subscribed = false;
  PgChangeFeed feed({schema.url(), 0, {}}, recorder, [&] { return recorder.any_subscriber(); });
  feed.start();
  for (int i = 0; i < 5; ++i) create(other, "S-" + std::to_string(i));
  for (int attempt = 0; attempt < 600 && feed.cursor() < 5; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(feed.cursor(), 5);
  recorder.subscribed = true;
  create(other, "S-5");
  ASSERT_TRUE(recorder.wait_for(1));
  EXPECT_EQ(recorder.sequences(), range(6, 6));
}

TEST_F(PgChangeFeedTest, AvailabilityFollowsTheDatabase) {
  testing::PgThrowawayCluster cluster;
  ASSERT_TRUE(cluster.ok());
  PgOrderStore other(store_options(cluster.url()));
  Recorder recorder;
  PgChangeFeed feed({cluster.url(), 0, {}}, recorder);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<bool> reports;
  feed.start([&](bool available) {
    std::lock_guard lock(mutex);
    reports.push_back(available);
    changed.notify_all();
  });
  const auto wait_for_reports = [&](std::size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, seconds(60), [&] { return reports.size() >= count; });
  };
  ASSERT_TRUE(cluster.stop());
  ASSERT_TRUE(wait_for_reports(1));
  ASSERT_TRUE(cluster.start());
  ASSERT_TRUE(wait_for_reports(2));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(reports, (std::vector<bool>{false, true}));
  }
  create(other, "AFTER-1");
  ASSERT_TRUE(recorder.wait_for(1));
  EXPECT_EQ(recorder.sequences(), range(1, 1));
}

}  // namespace
}  // namespace orderstream::storage
