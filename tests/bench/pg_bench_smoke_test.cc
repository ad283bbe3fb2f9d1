// orderstream-bench on PostgreSQL at toy sizes: raw-store --db COPYs the bulk rows straight into
// the tables of a schema of its own (and drops it), and fanout --update-target delivers updates
// sent through one replica to subscribers of another, nothing lost, also with the subscribers
// split over two replicas.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_figures.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

CommandResult run_bench(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ORDERSTREAM_BENCH_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, "", 120'000);
}

class PgBenchSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = pg_test_url();
    if (!url_) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  }

  // Runs fanout at smoke size (20 subscribers of 5 orders, 15 updates at 100/s) with
  // `target_args` naming the replicas, expects it to succeed with every subscriber complete
  // (conflation allowed, nothing lost), and returns its figures.
  Figures run_small_fanout(std::vector<std::string> target_args, const std::string& tsv) {
    std::vector<std::string> args{"fanout"};
    args.insert(args.end(), target_args.begin(), target_args.end());
    args.insert(args.end(), {"--subscribers", "20", "--orders", "5", "--updates", "15", "--rate",
                             "100", "--max-seconds", "60", "--tsv", tsv});
    const auto result = run_bench(args);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    Figures figures = read_tsv(tsv);
    EXPECT_EQ(number(figures, "fanout", "ok"), 1);
    EXPECT_EQ(number(figures, "fanout", "expected"), 20 * 15);
    EXPECT_EQ(number(figures, "fanout", "complete"), 1);
    return figures;
  }

  std::optional<std::string> url_;
};

TEST_F(PgBenchSmokeTest, RawStoreCopiesIntoASchemaOfItsOwnAndDropsIt) {
  PgTestSchema schema(*url_, PgTestSchema::Scope::kDatabase);
  const std::string tsv = ::testing::TempDir() + "/pg-raw-" + std::to_string(::getpid()) + ".tsv";
  const auto result = run_bench({"raw-store", "--db", schema.url(), "--orders", "3000", "--batch",
                                 "1000", "--max-seconds", "60", "--tsv", tsv});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const Figures figures = read_tsv(tsv);
  EXPECT_EQ(number(figures, "raw-store", "ok"), 1);
  EXPECT_EQ(number(figures, "raw-store", "orders"), 3000);
  EXPECT_GT(number(figures, "raw-store", "orders_per_s"), 0);
  EXPECT_EQ(schema.admin()
                .exec("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'os_bench_raw_%'")
                .int64(0, 0),
            0);
  std::remove(tsv.c_str());
}

TEST_F(PgBenchSmokeTest, FanoutAcrossReplicasLosesNothing) {
  PgTestSchema schema(*url_);
  ServerProcess a(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  ServerProcess b(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  const Figures figures = run_small_fanout({"--target", b.target(), "--update-target", a.target()},
                                           b.directory() + "/fanout.tsv");
  EXPECT_GT(number(figures, "fanout", "delivered"), 0);
  // The orders the generator created through A are in the shared database.
  EXPECT_EQ(schema.admin().exec("SELECT count(*) FROM orders").int64(0, 0), 5);
}

TEST_F(PgBenchSmokeTest, FanoutWithSubscribersSplitOverTwoReplicasLosesNothing) {
  PgTestSchema schema(*url_);
  ServerProcess a(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  ServerProcess b(ServerProcessOptions{.extra_args = {}, .db = schema.url()});
  run_small_fanout({"--target", a.target() + "," + b.target()},
                   b.directory() + "/fanout-split.tsv");
  // Both replicas served watch streams (each logs a line per finished call).
  EXPECT_NE(a.wait_for_log("NotifyOrderUpdates", 20'000), std::string::npos) << a.log();
  EXPECT_NE(b.wait_for_log("NotifyOrderUpdates", 20'000), std::string::npos) << b.log();
}

}  // namespace
}  // namespace orderstream::testing
