// The fan-out of commits across server replicas that share one PostgreSQL database: every event
// committed through any replica reaches this process's subscribers exactly once, in sequence
// order, even across a lost connection to the database.
//
// One dedicated session outside the pool LISTENs on kPgEventsChannel, and one thread keeps a
// cursor, the highest sequence handed to the subscribers. After every (re)connect it LISTENs
// first, then catches up with the events after the cursor (read in pages), then waits for a
// notification (any: the payload is only a wake-up, the rows are what count) or a local poke,
// and reads on from the cursor. Events at or below the cursor are dropped, so a notification
// for an event already delivered, or a page read twice, delivers nothing. The cursor starts at
// the highest sequence committed when the feed opens: the subscribers get what is committed
// from then on, not old history.
//
// The process's own commits come in through local_commits(), the publisher its OrderService is
// given: a commit that directly follows the cursor is delivered from memory on the committing
// thread (no read back, no wait for the notification); any other (a commit of another replica
// is due first) only wakes the feed thread, which reads the rows in order. Both paths deliver
// under one lock, so every delivery passes the same cursor.
//
// While the database cannot be reached the thread reconnects with a backoff (up to 2 s between
// attempts) and reports the database unavailable; it reports it available again once it has
// reconnected and caught up.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "domain/event_publisher.h"
#include "storage/pg_connection.h"

namespace orderstream::storage {

struct PgChangeFeedOptions {
  std::string url;  // the store's URL
  int64_t statement_timeout_ms = 30'000;
  // How the listening session shows in pg_stat_activity; empty: "orderstream-listener-<pid>".
  std::string application_name;
};

class PgChangeFeed {
 public:
  using AvailabilityListener = std::function<void(bool available)>;
  // Whether anyone in this process would receive an event now. The server passes the event
  // hub's has_subscribers(): a watch stream's order subscription or a followed history stream.
  using AnySubscriber = std::function<bool()>;

  // Events per read while catching up (a bulk batch of 65,536 is eight pages).
  static constexpr std::size_t kPageEvents = 8192;

  // Connects, LISTENs, and sets the cursor to the highest sequence committed. While
  // `any_subscriber` answers false, a catch-up reads no events: it moves the cursor to the
  // highest sequence committed, since a stream registers with the hub before it reads the
  // database (a watch stream the order, a follower the customer's history), so that read covers
  // everything up to there. Without `any_subscriber` the feed reads and delivers every event.
  // Throws StorageError when it cannot start (transient if the database is unreachable).
  PgChangeFeed(PgChangeFeedOptions options, EventPublisher& subscribers,
               AnySubscriber any_subscriber = {});
  ~PgChangeFeed();  // stop()
  PgChangeFeed(const PgChangeFeed&) = delete;
  PgChangeFeed& operator=(const PgChangeFeed&) = delete;

  // Starts the feed thread. `on_availability` is called from it when the database stops or
  // starts being reachable (not for the first, successful, connection).
  void start(AvailabilityListener on_availability = {});
  // Stops and joins the thread; prompt unless a connection attempt is in progress (bounded by
  // the connection timeout, 5 s by default). Idempotent.
  void stop();

  // The publisher for this process's OrderService.
  EventPublisher& local_commits() { return local_commits_; }

  // The highest sequence delivered (or known to concern no subscriber).
  int64_t cursor() const;

 private:
  class LocalCommits : public EventPublisher {
   public:
    explicit LocalCommits(PgChangeFeed& feed) : feed_(feed) {}
    void publish(std::span<const OrderEvent> events) override;
    void publish_created(std::span<const CreateOutcome> outcomes) override;

   private:
    PgChangeFeed& feed_;
  };

  // A local commit of `count` events numbered first..last: delivered by `deliver` if it follows
  // the cursor, else handed to the feed thread.
  template <class Deliver>
  void local_commit(int64_t first, int64_t last, std::size_t count, Deliver&& deliver);
  void poke();

  std::unique_ptr<PgConnection> connect();
  void run();
  // Reads and delivers everything after the cursor, page by page.
  void catch_up();
  // Delivers the events of `page` above the cursor and moves the cursor.
  void deliver_fetched(std::span<const OrderEvent> page);
  // Waits for a notification, a poke, the idle period or stop(); whether to read again.
  bool wait_for_news();
  // False if stop() came first.
  bool sleep_for(int milliseconds);
  void set_available(bool available);

  const PgChangeFeedOptions options_;
  EventPublisher& subscribers_;
  const AnySubscriber any_subscriber_;
  LocalCommits local_commits_{*this};
  AvailabilityListener on_availability_;
  int wake_fd_ = -1;  // eventfd: pokes and stop()
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unique_ptr<PgConnection> connection_;  // the feed thread's, once started
  bool available_ = true;                     // the feed thread's

  mutable std::mutex mutex_;  // orders every delivery
  int64_t cursor_ = 0;        // guarded by mutex_
};

}  // namespace orderstream::storage
