// `orderstream watch` and `orderstream history --follow` survive crashes of the server, on each
// store: a real server process is killed with SIGKILL and restarted on the same database and port
// three times while the CLI runs and another client keeps changing orders. At the end the CLI's
// output holds every event of the event table exactly once, each order's in sequence order.
// Every wait is a bounded poll; nothing depends on timing working out.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/cli_test.h"

namespace orderstream::cli {
namespace {

namespace pb = ::ecommerce::orders;
using orderstream::testing::BackgroundProcess;
using orderstream::testing::eventually;
using orderstream::testing::read_text;

// How long a step may take on a loaded machine with the server restarting.
constexpr std::chrono::seconds kPatience{60};

class ResumeE2eTest : public orderstream::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderstream-resume-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(start_server("127.0.0.1:0")) << read_text(dir_ + "/server.log");
  }
  void TearDown() override {
    if (server_) {
      server_->signal(SIGTERM);
      server_->wait_for_exit(10'000);
      server_.reset();
    }
    if (dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Starts a server on `listen` and the test's database; sets port_ from its port file. False if
  // it exited instead (its log says why) or did not serve within a minute.
  bool start_server(const std::string& listen) {
    const std::string port_file = dir_ + "/port";
    std::filesystem::remove(port_file);
    ++servers_started_;
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{ORDERSTREAM_SERVER_BIN, "--listen", listen, "--db",
                                 store_->db_argument(), "--port-file", port_file, "--sync",
                                 "normal", "--shutdown-grace-ms", "500"},
        dir_ + "/server.log", dir_ + "/server.log");
    bool serving = false;
    eventually(
        [&] {
          const std::string port = read_text(port_file);
          if (!port.empty() && port.back() == '\n') {
            port_ = port.substr(0, port.size() - 1);
            serving = true;
          }
          return serving || server_->exited();
        },
        kPatience);
    return serving;
  }

  // SIGKILL, then a new server on the same database and port. The kernel may keep the port a moment
  // (it is free once the killed process is reaped, but retry a few times to be safe).
  void crash_and_restart() {
    server_->kill_hard();
    const std::string port = port_;
    bool restarted = false;
    for (int attempt = 0; attempt < 20 && !restarted; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      restarted = start_server("127.0.0.1:" + port);
    }
    ASSERT_TRUE(restarted) << read_text(dir_ + "/server.log");
    ASSERT_EQ(port_, port);
  }

  std::string target() const { return "127.0.0.1:" + port_; }

  std::string dir_;
  std::string port_;
  int servers_started_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
};

// Another client changing orders: each step retried until the server answers it (a step whose
// answer was lost in a crash is safe to repeat: same create, or a status the order already has).
class Updater {
 public:
  explicit Updater(std::function<std::string()> target) : target_(std::move(target)) {}

  // Three events per order: CREATED, SHIPPED, then DELIVERED (even ids) or CANCELLED (odd).
  static std::vector<std::pair<std::string, std::string>> plan(
      const std::vector<std::string>& ids) {
    std::vector<std::pair<std::string, std::string>> steps;
    for (std::size_t round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const char* what = round == 0   ? "CREATE"
                           : round == 1 ? "SHIPPED"
                           : i % 2 == 0 ? "DELIVERED"
                                        : "CANCELLED";
        steps.emplace_back(ids[i], what);
      }
    }
    return steps;
  }

  // Runs every step; false if one could not be done within its bounded retries.
  bool run(const std::vector<std::pair<std::string, std::string>>& steps) {
    for (const auto& [id, what] : steps) {
      bool done = false;
      for (int attempt = 0; attempt < 1500 && !done; ++attempt) {
        auto channel = grpc::CreateChannel(target_(), grpc::InsecureChannelCredentials());
        auto stub = pb::OrderService::NewStub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        grpc::Status status;
        if (what == "CREATE") {
          pb::Order order;
          order.set_order_id(id);
          order.set_customer_id("resume-customer");
          order.set_total(1.5f);
          pb::OrderResponse response;
          status = stub->CreateOrder(&context, order, &response);
        } else {
          pb::OrderStatusChange change;
          change.set_order_id(id);
          change.set_status(what);
          pb::OrderUpdate update;
          status = stub->UpdateOrderStatus(&context, change, &update);
        }
        if (status.ok()) {
          done = true;
        } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // server restarting
        } else {
          ADD_FAILURE() << id << " " << what << ": " << status.error_message();
          return false;
        }
      }
      if (!done) return false;
      ++done_;
    }
    return true;
  }
  int done() const { return done_.load(); }

 private:
  std::function<std::string()> target_;
  std::atomic<int> done_{0};
};

using Event = std::tuple<std::string, std::string, int64_t>;  // order, status, sequence

// Every event of the database, in sequence order, read once no server holds it.
std::vector<Event> event_table(const orderstream::testing::TestStore& store) {
  std::vector<Event> events;
  for (const auto& event : store.events()) {
    events.emplace_back(event.order_id, event.event_type, event.sequence);
  }
  return events;
}

// The events in the CLI's text output ("ID  STATUS  seq=N  TIME"), in output order; UNKNOWN
// acknowledgements (seq=0) left out.
std::vector<Event> printed_events(const std::string& out) {
  static const std::regex kLine("^(\\S+)  ([A-Z]+)  seq=([0-9]+)  .*$");
  std::vector<Event> events;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) continue;
    if (match[2] == "UNKNOWN") continue;
    events.emplace_back(match[1], match[2], std::stoll(match[3]));
  }
  return events;
}

// Exactly the table's events, each once, and each order's in increasing sequence.
void expect_exactly_once_in_order(const std::vector<Event>& printed,
                                  const std::vector<Event>& table) {
  std::map<std::string, int64_t> last;
  for (const auto& [order, status, sequence] : printed) {
    EXPECT_GT(sequence, last[order]) << order << " " << status << " out of order or twice";
    last[order] = sequence;
  }
  auto sorted = printed;
  std::sort(sorted.begin(), sorted.end(),
            [](const Event& a, const Event& b) { return std::get<2>(a) < std::get<2>(b); });
  EXPECT_EQ(sorted, table);
}

TEST_P(ResumeE2eTest, WatchPrintsEveryChangeOnceAcrossThreeCrashes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back("E2E-" + std::to_string(i));
  std::vector<std::string> argv = {ORDERSTREAM_CLI_BIN, "--target", target(),     "watch",
                                   "--max-reconnects",  "300",      "--deadline", "170s"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  BackgroundProcess watcher(argv, dir_ + "/watch.out", dir_ + "/watch.err");
  // Every order acknowledged (UNKNOWN: none exists yet) before the first change.
  ASSERT_TRUE(eventually(
      [&] {
        const std::string out = watcher.out();
        return std::count(out.begin(), out.end(), '\n') == 12;
      },
      kPatience))
      << watcher.out() << watcher.err();

  Updater updater([&] { return target(); });
  const auto steps = Updater::plan(ids);  // 36 events
  std::atomic<bool> updated{false};
  std::thread changes([&] { updated = updater.run(steps); });
  // Crash while changes keep coming: after a quarter, a half and three quarters of them.
  for (int crash = 1; crash <= 3; ++crash) {
    const int at = static_cast<int>(steps.size()) * crash / 4;
    ASSERT_TRUE(eventually([&] { return updater.done() >= at; }, kPatience)) << "updates stalled";
    crash_and_restart();
    ASSERT_FALSE(HasFatalFailure());
  }
  changes.join();
  ASSERT_TRUE(updated);
  EXPECT_EQ(servers_started_, 4);

  const auto all_printed = [&] { return printed_events(watcher.out()).size() >= steps.size(); };
  ASSERT_TRUE(eventually(all_printed, kPatience)) << watcher.out() << watcher.err();
  watcher.signal(SIGINT);
  EXPECT_EQ(watcher.wait_for_exit(20'000), 130) << watcher.err();
  EXPECT_NE(watcher.err().find("reconnected to"), std::string::npos) << watcher.err();

  server_->signal(SIGTERM);
  ASSERT_TRUE(server_->wait_for_exit(20'000).has_value());
  server_.reset();
  const auto table = event_table(*store_);
  ASSERT_EQ(table.size(), steps.size());
  expect_exactly_once_in_order(printed_events(watcher.out()), table);
}

TEST_P(ResumeE2eTest, HistoryFollowPrintsEveryEventOnceAcrossACrash) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back("F-" + std::to_string(i));
  Updater updater([&] { return target(); });
  const auto steps = Updater::plan(ids);  // 12 events
  const auto first_half = std::vector(steps.begin(), steps.begin() + 6);
  ASSERT_TRUE(updater.run(first_half));

  BackgroundProcess follower(
      {ORDERSTREAM_CLI_BIN, "--target", target(), "history", "resume-customer", "--follow",
       "--follow-interval", "50ms", "--max-reconnects", "300", "--deadline", "170s"},
      dir_ + "/follow.out", dir_ + "/follow.err");
  ASSERT_TRUE(eventually([&] { return printed_events(follower.out()).size() == 6; }, kPatience))
      << follower.out() << follower.err();
  crash_and_restart();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(updater.run(std::vector(steps.begin() + 6, steps.end())));
  ASSERT_TRUE(
      eventually([&] { return printed_events(follower.out()).size() >= steps.size(); }, kPatience))
      << follower.out() << follower.err();
  follower.signal(SIGINT);
  EXPECT_EQ(follower.wait_for_exit(20'000), 130) << follower.err();

  server_->signal(SIGTERM);
  ASSERT_TRUE(server_->wait_for_exit(20'000).has_value());
  server_.reset();
  const auto table = event_table(*store_);
  ASSERT_EQ(table.size(), steps.size());
  // Oldest first: the output is the table itself, line for line.
  EXPECT_EQ(printed_events(follower.out()), table);
}

INSTANTIATE_TEST_SUITE_P(Stores, ResumeE2eTest,
                         ::testing::ValuesIn(orderstream::testing::available_test_stores()),
                         orderstream::testing::store_kind_name);

}  // namespace
}  // namespace orderstream::cli
