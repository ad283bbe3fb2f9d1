// orderstream-bench as a user runs it, at toy sizes: `all` completes against a real server and
// reports every scenario with figures that could only come from work done, and `unary --ids`
// decides who names the orders, checked in the server's database file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_figures.h"
#include "storage/sqlite_connection.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

int64_t count_orders(const ServerProcess& server, const std::string& where) {
  storage::SqliteConnection db(server.directory() + "/orders.db",
                               storage::SqliteConnection::Mode::kReadOnly);
  return db.query_int64(("SELECT count(*) FROM orders WHERE " + where).c_str());
}

CommandResult run_bench(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ORDERSTREAM_BENCH_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, "", 120'000);
}

TEST(BenchSmokeTest, AllRunsEveryScenarioAndReportsWhatItMeasured) {
  ServerProcess server(ServerProcessOptions{.extra_args = {"--bench-transport"}, .db = {}},
                       ORDERSTREAM_BENCH_SERVER_BIN);
  const std::string tsv = server.directory() + "/all.tsv";
  const auto result = run_bench({"all",
                                 "--target",
                                 server.target(),
                                 "--server-pid",
                                 std::to_string(server.pid()),
                                 "--max-seconds",
                                 "60",
                                 "--tsv",
                                 tsv,
                                 "--orders",
                                 "3000",
                                 "--events",
                                 "2000",
                                 "--seconds",
                                 "0.5",
                                 "--subscribers",
                                 "20",
                                 "--fanout-orders",
                                 "10",
                                 "--updates",
                                 "30",
                                 "--rate",
                                 "200"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const Figures figures = read_tsv(tsv);

  for (const char* scenario : {"transport.history", "transport.bulk", "transport.unary", "bulk",
                               "raw-store", "history", "unary", "transport.fanout", "fanout"}) {
    EXPECT_EQ(number(figures, scenario, "ok"), 1) << scenario;
  }
  EXPECT_EQ(number(figures, "bulk", "success_count"), 3000);
  EXPECT_EQ(number(figures, "bulk", "failure_count"), 0);
  EXPECT_GT(number(figures, "bulk", "orders_per_s"), 0);
  // --server-pid: the server's memory is read from /proc.
  EXPECT_GT(number(figures, "bulk", "server_peak_rss_kib"), 0);
  EXPECT_EQ(number(figures, "raw-store", "orders"), 3000);
  EXPECT_EQ(number(figures, "history", "events_total"), 2000);
  EXPECT_GT(number(figures, "history", "events_per_s"), 0);
  EXPECT_GT(number(figures, "unary", "calls"), 0);
  EXPECT_EQ(number(figures, "unary", "errors"), 0);
  for (const char* scenario : {"transport.fanout", "fanout"}) {
    EXPECT_EQ(number(figures, scenario, "expected"), 20 * 30) << scenario;
    // A subscriber that falls behind is conflated by design (it gets the newest status of each
    // order), so the deliveries may be fewer than expected; nothing may be lost.
    EXPECT_EQ(number(figures, scenario, "complete"), 1) << scenario;
    EXPECT_GT(number(figures, scenario, "delivered"), 0) << scenario;
    EXPECT_LE(number(figures, scenario, "delivered"), number(figures, scenario, "expected"))
        << scenario;
  }
  EXPECT_GT(number(figures, "ratios", "bulk/raw-store"), 0);

  // By default the server names the unary orders, with time-ordered ids.
  EXPECT_EQ(number(figures, "unary", "param.client_ids"), 0);
  EXPECT_EQ(count_orders(server, "order_id LIKE 'ORD-%' AND length(order_id) = 28"),
            static_cast<int64_t>(number(figures, "unary", "calls")));
}

TEST(BenchSmokeTest, UnaryWithClientIdsNamesEveryOrderItself) {
  ServerProcess server;
  const std::string tsv = server.directory() + "/unary.tsv";
  const auto result = run_bench({"unary", "--target", server.target(), "--ids", "client",
                                 "--seconds", "0.3", "--in-flight", "8", "--tsv", tsv});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const Figures figures = read_tsv(tsv);
  const double calls = number(figures, "unary", "calls");
  EXPECT_GT(calls, 0);
  EXPECT_EQ(number(figures, "unary", "param.client_ids"), 1);
  EXPECT_EQ(count_orders(server, "1"), static_cast<int64_t>(calls));
  EXPECT_EQ(count_orders(server, "order_id LIKE 'ORD-%'"), 0);
}

TEST(BenchSmokeTest, RefusesAnUnknownIdsChoice) {
  const auto result = run_bench({"unary", "--target", "127.0.0.1:1", "--ids", "both"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("--ids"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace orderstream::testing
