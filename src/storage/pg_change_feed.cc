#include "storage/pg_change_feed.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/thread_name.h"
#include "domain/storage_error.h"
#include "storage/pg_events_channel.h"
#include "storage/pg_events_query.h"

namespace orderstream::storage {
namespace {

// With nothing announced for this long the feed reads once anyway: a check that the session is
// alive, and a bound on how long any missed wake-up could delay a delivery.
constexpr int kIdleReadMs = 5'000;
constexpr int kMaxBackoffMs = 2'000;

// Before the n-th consecutive attempt to reconnect: none for the first (a terminated session
// usually reconnects at once), then 100 ms doubling up to kMaxBackoffMs.
int backoff_ms(int failures) {
  if (failures <= 1) return 0;
  return std::min(kMaxBackoffMs, 100 << std::min(failures - 2, 8));
}

std::string default_application_name() {
  return "orderstream-listener-" + std::to_string(::getpid());
}

}  // namespace

PgChangeFeed::PgChangeFeed(PgChangeFeedOptions options, EventPublisher& subscribers,
                           AnySubscriber any_subscriber)
    : options_([&] {
        if (options.application_name.empty()) {
          options.application_name = default_application_name();
        }
        return std::move(options);
      }()),
      subscribers_(subscribers),
      any_subscriber_(std::move(any_subscriber)) {
  connection_ = connect();
  cursor_ = read_last_sequence(*connection_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    throw StorageError(std::string("eventfd failed: ") + std::strerror(errno), false);
  }
  OS_LOG(kInfo) << "change feed: listening as " << options_.application_name << ", from sequence "
                << cursor_;
}

PgChangeFeed::~PgChangeFeed() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void PgChangeFeed::start(AvailabilityListener on_availability) {
  if (thread_.joinable()) return;
  on_availability_ = std::move(on_availability);
  thread_ = std::thread([this] { run(); });
  name_thread(thread_, "os-change-feed");
}

void PgChangeFeed::stop() {
  stopping_ = true;
  poke();
  if (thread_.joinable()) thread_.join();
}

int64_t PgChangeFeed::cursor() const {
  std::lock_guard lock(mutex_);
  return cursor_;
}

void PgChangeFeed::poke() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  // Fails only when the counter is saturated, and then the thread is woken anyway.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

template <class Deliver>
void PgChangeFeed::local_commit(int64_t first, int64_t last, std::size_t count, Deliver&& deliver) {
  {
    std::lock_guard lock(mutex_);
    if (last <= cursor_) return;  // the feed thread read it first
    if (first == cursor_ + 1 && last - first + 1 == static_cast<int64_t>(count)) {
      deliver();
      cursor_ = last;
      return;
    }
  }
  // Something committed elsewhere comes first: the feed thread reads both in order.
  poke();
}

void PgChangeFeed::LocalCommits::publish(std::span<const OrderEvent> events) {
  if (events.empty()) return;
  feed_.local_commit(events.front().sequence, events.back().sequence, events.size(),
                     [&] { feed_.subscribers_.publish(events); });
}

void PgChangeFeed::LocalCommits::publish_created(std::span<const CreateOutcome> outcomes) {
  int64_t first = 0;
  int64_t last = 0;
  std::size_t count = 0;
  for (const auto& outcome : outcomes) {
    if (outcome.kind != CreateOutcome::Kind::kCreated) continue;
    if (count == 0) first = outcome.order.sequence;
    last = outcome.order.sequence;
    ++count;
  }
  if (count == 0) return;
  feed_.local_commit(first, last, count, [&] { feed_.subscribers_.publish_created(outcomes); });
}

std::unique_ptr<PgConnection> PgChangeFeed::connect() {
  auto connection = std::make_unique<PgConnection>(options_.url, options_.statement_timeout_ms,
                                                   options_.application_name);
  prepare_events_queries(*connection);
  // Before any read: a commit after this point is announced to this session, and one before it
  // is found by the read that follows.
  connection->exec("LISTEN " + std::string(kPgEventsChannel));
  return connection;
}

void PgChangeFeed::run() {
  int failures = 0;
  while (!stopping_) {
    if (!connection_) {
      if (!sleep_for(backoff_ms(failures))) break;
      try {
        connection_ = connect();
      } catch (const StorageError& e) {
        if (available_) {
          OS_LOG(kWarn) << "change feed: cannot reconnect: " << e.what();
        }
        set_available(false);
        ++failures;
        continue;
      }
    }
    try {
      catch_up();
      if (failures > 0) {
        OS_LOG(kInfo) << "change feed: listening again, caught up to sequence " << cursor();
      }
      set_available(true);
      failures = 0;
      while (!stopping_) {
        if (wait_for_news()) catch_up();
      }
    } catch (const StorageError& e) {
      if (stopping_) break;
      OS_LOG(kWarn) << "change feed: lost the listening session, reconnecting: " << e.what();
      connection_.reset();
      ++failures;
    }
  }
  connection_.reset();
}

void PgChangeFeed::catch_up() {
  while (!stopping_) {
    if (any_subscriber_ && !any_subscriber_()) {
      // Nobody to deliver to: skip the rows. The counter is read before the second look, so a
      // subscriber that arrives after it reads the current state itself, which includes
      // everything up to `last`.
      const int64_t last = read_last_sequence(*connection_);
      if (any_subscriber_ && !any_subscriber_()) {
        std::lock_guard lock(mutex_);
        cursor_ = std::max(cursor_, last);
        return;
      }
    }
    const std::vector<OrderEvent> page = read_events_after(*connection_, cursor(), kPageEvents);
    deliver_fetched(page);
    if (page.size() < kPageEvents) return;
  }
}

void PgChangeFeed::deliver_fetched(std::span<const OrderEvent> page) {
  std::lock_guard lock(mutex_);
  const auto fresh = std::find_if(
      page.begin(), page.end(), [&](const OrderEvent& event) { return event.sequence > cursor_; });
  if (fresh == page.end()) return;
  subscribers_.publish(std::span(fresh, page.end()));
  cursor_ = page.back().sequence;
}

bool PgChangeFeed::wait_for_news() {
  const auto news = [&] {
    // A notification only matters if it announces something past the cursor; the process's own
    // commits were mostly delivered from memory before theirs arrives.
    const int64_t delivered = cursor();
    for (const std::string& payload : connection_->take_notifications(kPgEventsChannel)) {
      const auto notice = parse_pg_events_payload(payload);
      if (!notice || notice->last_sequence > delivered) return true;
    }
    return false;
  };
  // Notifications read along with the last query's results wait in libpq, not on the socket.
  if (news()) return true;
  pollfd fds[2] = {{connection_->socket(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int ready = ::poll(fds, 2, kIdleReadMs);
  if (ready < 0) return false;  // EINTR: look again
  if (ready == 0) return true;  // idle: read once anyway
  bool read_again = false;
  if (fds[1].revents != 0) {
    uint64_t pokes = 0;
    [[maybe_unused]] const auto drained = ::read(wake_fd_, &pokes, sizeof pokes);
    read_again = true;
  }
  if (fds[0].revents != 0) {
    if (!connection_->consume_input()) {
      throw StorageError("the listening session was closed by the server", true);
    }
    read_again = news() || read_again;
  }
  return read_again && !stopping_;
}

bool PgChangeFeed::sleep_for(int milliseconds) {
  if (stopping_) return false;
  if (milliseconds <= 0) return true;
  pollfd fd{wake_fd_, POLLIN, 0};
  if (::poll(&fd, 1, milliseconds) > 0) {
    // A local poke during an outage has nothing to read yet; only stop() ends the wait early.
    uint64_t pokes = 0;
    [[maybe_unused]] const auto drained = ::read(wake_fd_, &pokes, sizeof pokes);
  }
  return !stopping_;
}

void PgChangeFeed::set_available(bool available) {
  if (available == available_) return;
  available_ = available;
  if (!available) {
    OS_LOG(kWarn) << "change feed: PostgreSQL is unreachable; health NOT_SERVING until it is back";
  } else {
    OS_LOG(kInfo) << "change feed: PostgreSQL is reachable again";
  }
  if (on_availability_) on_availability_(available);
}

}  // namespace orderstream::storage
