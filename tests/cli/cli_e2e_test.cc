// Runs the real `orderstream` binary against the real server: exit codes, stdout and stderr as a
// user or a script sees them. Commands that must run alongside others (watch) are started in the
// background with fork/exec and awaited with bounded waits.
#include <fcntl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/cli_test.h"

namespace orderstream::cli {
namespace {

using orderstream::testing::BackgroundCli;
using orderstream::testing::cli;
using orderstream::testing::CliServerTest;
using orderstream::testing::CommandResult;
using orderstream::testing::describe;
using orderstream::testing::lines_of;

// "seq=42" column of a text line; -1 if absent.
int64_t sequence_of(const std::string& line) {
  static const std::regex kSeq("  seq=([0-9]+)  ");
  std::smatch match;
  return std::regex_search(line, match, kSeq) ? std::stoll(match[1]) : -1;
}

// --- without a server --------------------------------------------------------------------------

TEST(CliUsageTest, HelpExitsZeroAndDocumentsExitCodes) {
  const auto result = cli({"--help"});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("Exit codes"), std::string::npos);
  for (const char* command : {"create", "set-status", "history", "import", "watch"}) {
    const auto sub = cli({command, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_NE(sub.out.find("--deadline"), std::string::npos) << command;
    EXPECT_NE(sub.out.find("--target"), std::string::npos) << command;
  }
}

TEST(CliUsageTest, ParseErrorsExitTwo) {
  const std::vector<std::vector<std::string>> bad_command_lines = {
      {},
      {"frobnicate"},
      {"create", "--customer", "alice"},
      {"set-status", "ORD-1"},
      {"history"},
      {"history", "alice", "--deadline", "5"},
      {"history", "alice", "--output", "yaml"},
      {"create", "--customer", "alice", "--total", "ten"},
      {"import", "orders.csv", "--format", "xml"},
      {"history", "caf\xe9"},
      {"create", "--customer", "caf\xe9", "--total", "1"},
      {"set-status", "caf\xe9", "SHIPPED"},
      {"watch", "caf\xe9"},
      {"history", "alice", "--after", "-1"},
      {"history", "alice", "--limit", "0"},
      {"history", "alice", "--follow", "--limit", "3"},
      {"history", "alice", "--follow", "--before", "3"},
      {"history", "alice", "--follow", "--follow-interval", "soon"},
      {"watch", "ORD-1", "--max-reconnects", "-2"},
  };
  for (const auto& args : bad_command_lines) {
    const auto result = cli(args);
    std::string joined;
    for (const auto& arg : args) joined += arg + " ";
    EXPECT_EQ(result.exit_code, 2) << joined << "\n" << describe(result);
    EXPECT_FALSE(result.err.empty()) << joined;
  }
}

TEST(CliUsageTest, AnUnknownCommandIsNamedWithASuggestion) {
  auto result = cli({"crate", "--customer", "alice"});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("unknown command 'crate'; did you mean 'create'?"), std::string::npos)
      << result.err;
  result = cli({"--target", "127.0.0.1:1", "histroy", "alice"});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("unknown command 'histroy'; did you mean 'history'?"),
            std::string::npos)
      << result.err;
}

TEST(CliUsageTest, VersionNamesTheProjectVersion) {
  const auto result = cli({"--version"});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out, "orderstream " ORDERSTREAM_VERSION "\n") << describe(result);
}

TEST(CliUsageTest, UnreadableImportFileExitsTwo) {
  auto result = cli({"import", "/nonexistent/orders.csv"});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("cannot open /nonexistent/orders.csv"), std::string::npos);

  result = cli({"import", "/nonexistent/orders.txt"});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("--format"), std::string::npos);
}

TEST(CliUsageTest, CsvWithoutHeaderExitsTwoBeforeCallingTheServer) {
  const auto result = cli({"import", "-", "--target", "127.0.0.1:1"}, "ORD-1,alice,3\n");
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("error: stdin: line 1: header must name the columns"),
            std::string::npos)
      << result.err;
}

TEST(CliUsageTest, UnreachableServerExitsOneWithUnavailable) {
  const auto result = cli({"create", "--customer", "alice", "--total", "3", "--target",
                           "127.0.0.1:1", "--deadline", "5s"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_EQ(result.err.rfind("error: UNAVAILABLE: ", 0), 0u) << result.err;
}

// --- against the server ------------------------------------------------------------------------

// The suite runs on SQLite; get_e2e_test.cc runs `get` on every store.
class CliEndToEndTest : public CliServerTest {
 protected:
  void create(const std::string& id, const std::string& customer, const std::string& total) {
    ok({"create", "--id", id, "--customer", customer, "--total", total});
  }
  void set_status(const std::string& id, const std::string& status) {
    ok({"set-status", id, status});
  }
  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = server_->directory() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
};

INSTANTIATE_TEST_SUITE_P(Sqlite, CliEndToEndTest, ::testing::Values("sqlite"),
                         orderstream::testing::store_kind_name);

TEST_P(CliEndToEndTest, CreateThenSetStatus) {
  auto result = run({"create", "--id", "ORD-e2e-1", "--customer", "alice", "--total", "12.5"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_TRUE(std::regex_match(
      result.out,
      std::regex("ORD-e2e-1  CREATED  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\n")))
      << result.out;
  EXPECT_EQ(result.err, "");

  result = run({"set-status", "ORD-e2e-1", "shipped"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out.rfind("ORD-e2e-1  SHIPPED  seq=", 0), 0u) << result.out;
  EXPECT_GT(sequence_of(result.out), 0);
}

TEST_P(CliEndToEndTest, CreateWithoutIdPrintsTheServerAssignedId) {
  const auto result = run({"create", "--customer", "alice", "--total", "1"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_TRUE(std::regex_search(result.out, std::regex("^ORD-[0-9a-f]{24}  CREATED  ")))
      << result.out;
}

TEST_P(CliEndToEndTest, SetStatusOnMissingOrderExitsOneWithNotFound) {
  const auto result = run({"set-status", "ORD-missing", "SHIPPED"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("error: NOT_FOUND: ", 0), 0u) << result.err;
  EXPECT_EQ(lines_of(result.err).size(), 1u) << result.err;
}

TEST_P(CliEndToEndTest, RejectedCreateExitsOneWithTheStatusName) {
  const auto result = run({"create", "--customer", "", "--total", "1"});
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_EQ(result.err.rfind("error: INVALID_ARGUMENT: ", 0), 0u) << result.err;
}

TEST_P(CliEndToEndTest, ImportOfACsvFileReportsExactCounts) {
  const std::string path = write_file("orders.csv",
                                      "order_id,customer_id,total\n"
                                      "imp-1,alice,10\n"
                                      "imp-2,alice,20.5\n"
                                      "imp-3,bob,abc\n"
                                      "imp-4,bob\n"
                                      "imp-5,carol,5,extra\n"
                                      "imp-6,,7\n"
                                      ",dave,8\n"
                                      "imp-8,erin,1e3\n");
  const auto result = run({"import", path});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 6u) << result.out;
  EXPECT_EQ(lines[0], "success_count: 4");
  EXPECT_EQ(lines[1], "failure_count: 4 (3 rejected locally, 1 by the server)");
  EXPECT_EQ(lines[2], "line 4: total is not a number");
  EXPECT_EQ(lines[3], "line 5: expected 3 fields (order_id,customer_id,total), got 2");
  EXPECT_EQ(lines[4], "line 6: expected 3 fields (order_id,customer_id,total), got 4");
  EXPECT_EQ(lines[5].rfind("server: ", 0), 0u) << lines[5];
  EXPECT_NE(lines[5].find("customer_id"), std::string::npos) << lines[5];

  // The imported orders exist: their history has one CREATED event each.
  const auto history = run({"history", "alice"});
  ASSERT_EQ(history.exit_code, 0) << describe(history);
  EXPECT_EQ(lines_of(history.out).size(), 2u) << history.out;
}

TEST_P(CliEndToEndTest, ImportReadsCsvAndJsonLinesFromStdin) {
  auto result =
      run({"import", "-"}, "order_id,customer_id,total\nin-1,sam,1\nin-2,sam,2\nin-3,sam,3\n");
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out,
            "success_count: 3\nfailure_count: 0 (0 rejected locally, 0 by the server)\n");

  result = run({"import", "-", "--format", "jsonl", "--output", "json"},
               R"({"order_id":"js-1","customer_id":"sam","total":4})"
               "\n"
               R"({"order_id":"js-2","customer_id":"sam","total":"x"})"
               "\n");
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  google::protobuf::Struct object;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &object).ok()) << result.out;
  EXPECT_EQ(object.fields().at("success_count").number_value(), 1);
  EXPECT_EQ(object.fields().at("failure_count").number_value(), 1);
  ASSERT_EQ(object.fields().at("error_messages").list_value().values_size(), 1);
  EXPECT_EQ(object.fields()
                .at("error_messages")
                .list_value()
                .values(0)
                .string_value()
                .rfind("line 2: ", 0),
            0u);
}

TEST_P(CliEndToEndTest, ImportOfManyOrdersCountsEveryOne) {
  std::string csv = "order_id,customer_id,total\n";
  for (int i = 0; i < 20000; ++i)
    csv += "bulk-" + std::to_string(i) + ",c" + std::to_string(i % 50) + ",1.5\n";
  const auto result = run({"import", write_file("bulk.csv", csv)});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out,
            "success_count: 20000\nfailure_count: 0 (0 rejected locally, 0 by the server)\n");
}

TEST_P(CliEndToEndTest, HistoryPrintsEventsNewestFirst) {
  create("H-1", "hist", "10");
  create("H-2", "hist", "20");
  create("X-1", "someone-else", "30");
  set_status("H-1", "SHIPPED");
  set_status("H-1", "DELIVERED");

  const auto result = run({"history", "hist"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;
  EXPECT_EQ(lines[0].rfind("H-1  DELIVERED  seq=", 0), 0u) << result.out;
  EXPECT_EQ(lines[1].rfind("H-1  SHIPPED  seq=", 0), 0u) << result.out;
  EXPECT_EQ(lines[2].rfind("H-2  CREATED  seq=", 0), 0u) << result.out;
  EXPECT_EQ(lines[3].rfind("H-1  CREATED  seq=", 0), 0u) << result.out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_GT(sequence_of(lines[i - 1]), sequence_of(lines[i])) << result.out;
  }
}

TEST_P(CliEndToEndTest, HistoryPagesBySequenceInEitherOrder) {
  for (int i = 0; i < 5; ++i) create("P-" + std::to_string(i), "pager", "10");
  const auto all = run({"history", "pager"});
  ASSERT_EQ(all.exit_code, 0) << describe(all);
  const auto newest_first = lines_of(all.out);
  ASSERT_EQ(newest_first.size(), 5u);

  const auto page = run({"history", "pager", "--limit", "2"});
  EXPECT_EQ(lines_of(page.out), std::vector(newest_first.begin(), newest_first.begin() + 2));
  const auto next = run({"history", "pager", "--limit", "2", "--before",
                         std::to_string(sequence_of(newest_first[1]))});
  EXPECT_EQ(lines_of(next.out), std::vector(newest_first.begin() + 2, newest_first.begin() + 4));
  const auto backfill = run({"history", "pager", "--oldest-first", "--after",
                             std::to_string(sequence_of(newest_first[3]))});
  ASSERT_EQ(backfill.exit_code, 0) << describe(backfill);
  EXPECT_EQ(lines_of(backfill.out),
            (std::vector<std::string>{newest_first[2], newest_first[1], newest_first[0]}));
  // Nothing after the newest: an empty answer, not NOT_FOUND.
  const auto nothing =
      run({"history", "pager", "--after", std::to_string(sequence_of(newest_first[0]))});
  EXPECT_EQ(nothing.exit_code, 0) << describe(nothing);
  EXPECT_TRUE(nothing.out.empty());
}

TEST_P(CliEndToEndTest, JsonOutputIsOneObjectPerLine) {
  auto result =
      run({"create", "--id", "J-1", "--customer", "json", "--total", "2.5", "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  ASSERT_EQ(lines_of(result.out).size(), 1u) << result.out;
  google::protobuf::Struct created;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &created).ok()) << result.out;
  EXPECT_EQ(created.fields().at("order_id").string_value(), "J-1");
  EXPECT_EQ(created.fields().at("status").string_value(), "CREATED");
  set_status("J-1", "SHIPPED");

  result = run({"history", "json", "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  for (const auto& line : lines) {
    google::protobuf::Struct event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    for (const char* field : {"event_type", "order_id", "timestamp", "sequence"}) {
      EXPECT_TRUE(event.fields().contains(field)) << field << " in " << line;
    }
  }
}

TEST_P(CliEndToEndTest, WatchWithDeadlineReceivesAChangeMadeMeanwhile) {
  // Subscribing before the order exists: the server acknowledges with UNKNOWN, which also tells
  // the test that the subscription is in place.
  BackgroundCli watch(server_->directory(), "watch",
                      {"watch", "W-1", "--deadline", "6s", "--target", server_->target()});
  ASSERT_TRUE(watch.wait_for_output("W-1  UNKNOWN  seq=0", 10000)) << watch.out() << watch.err();
  create("W-1", "watcher", "5");
  set_status("W-1", "SHIPPED");
  EXPECT_TRUE(watch.wait_for_output("W-1  SHIPPED  seq=", 10000)) << watch.out() << watch.err();

  ASSERT_EQ(watch.wait_for_exit(15000), 0) << watch.out() << watch.err();
  const auto lines = lines_of(watch.out());
  ASSERT_EQ(lines.size(), 3u) << watch.out();
  EXPECT_EQ(lines[1].rfind("W-1  CREATED  seq=", 0), 0u) << watch.out();
  EXPECT_EQ(lines[2].rfind("W-1  SHIPPED  seq=", 0), 0u) << watch.out();
  EXPECT_EQ(watch.err(), "");
}

TEST_P(CliEndToEndTest, HistoryFollowPrintsNewEventsAsTheServerPushesThem) {
  create("F-1", "follower", "5");
  // An hour between polls: an event printed during the test can only have been pushed.
  BackgroundCli follow(server_->directory(), "follow",
                       {"history", "follower", "--follow", "--follow-interval", "1h", "--target",
                        server_->target()});
  ASSERT_TRUE(follow.wait_for_output("F-1  CREATED  seq=", 10000)) << follow.out() << follow.err();
  set_status("F-1", "SHIPPED");
  create("X-1", "someone-else", "7");
  create("F-2", "follower", "6");
  ASSERT_TRUE(follow.wait_for_output("F-2  CREATED  seq=", 10000)) << follow.out() << follow.err();
  follow.signal(SIGINT);
  ASSERT_EQ(follow.wait_for_exit(15000), 130) << follow.out() << follow.err();

  const auto lines = lines_of(follow.out());
  ASSERT_EQ(lines.size(), 3u) << follow.out();
  EXPECT_EQ(lines[0].rfind("F-1  CREATED  seq=", 0), 0u) << follow.out();
  EXPECT_EQ(lines[1].rfind("F-1  SHIPPED  seq=", 0), 0u) << follow.out();
  EXPECT_EQ(lines[2].rfind("F-2  CREATED  seq=", 0), 0u) << follow.out();
  // The server's own history, oldest first, is what was printed, line for line.
  const auto history = run({"history", "follower", "--oldest-first"});
  ASSERT_EQ(history.exit_code, 0) << describe(history);
  EXPECT_EQ(lines_of(history.out), lines);
}

TEST_P(CliEndToEndTest, CommonOptionsMayComeBeforeTheCommand) {
  create("P-1", "pat", "2");
  const auto result = cli({"--target", server_->target(), "--output", "json", "history", "pat"});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("\"order_id\":\"P-1\""), std::string::npos) << result.out;
}

TEST_P(CliEndToEndTest, TheTargetMayComeFromTheEnvironment) {
  create("T-1", "tess", "2");
  const auto result =
      orderstream::testing::run_command({"/usr/bin/env", "ORDERSTREAM_TARGET=" + server_->target(),
                                         ORDERSTREAM_CLI_BIN, "history", "tess"},
                                        "", orderstream::testing::kCliCommandTimeoutMs);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("T-1  CREATED"), std::string::npos) << result.out;
}

TEST_P(CliEndToEndTest, ARowThatIsNotUtf8IsReportedAndTheRowsAfterItAreImported) {
  const std::string path =
      write_file("latin1.csv", "order_id,customer_id,total\nV0,alice,1\nV1,caf\xe9,2\nV2,bob,3\n");
  const auto result = run({"import", path});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("success_count: 2\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("failure_count: 1 (1 rejected locally, 0 by the server)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("line 3: customer_id is not valid UTF-8"), std::string::npos)
      << result.out;
}

TEST_P(CliEndToEndTest, ARecordOverTheMessageLimitIsALocalFailureAndTheRestIsImported) {
  const std::string path = write_file("big.csv", "order_id,customer_id,total\nB0,alice,1\nB1," +
                                                     std::string(6 << 20, 'c') + ",2\nB2,bob,3\n");
  const auto result = run({"import", path});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("success_count: 2\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("line 3: record is "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("--max-message-bytes"), std::string::npos) << result.out;
}

TEST_P(CliEndToEndTest, ImportReadsQuotedCsvFields) {
  const std::string path = write_file(
      "quoted.csv", "\"order_id\",\"customer_id\",\"total\"\n\"Q-1\",\"Smith, J\",\"12.50\"\n");
  const auto result = run({"import", path});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("success_count: 1\n"), std::string::npos) << result.out;
  const auto history = run({"history", "Smith, J"});
  EXPECT_NE(history.out.find("Q-1  CREATED"), std::string::npos) << describe(history);
}

TEST_P(CliEndToEndTest, CtrlCDuringAnImportSaysWhatWasSentAndThatARerunIsSafe) {
  signal(SIGPIPE, SIG_IGN);  // the CLI closes the FIFO when it exits
  const std::string fifo = server_->directory() + "/slow.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  BackgroundCli import(server_->directory(), "import",
                       {"import", fifo, "--target", server_->target()});
  int writer = -1;
  for (int attempt = 0; attempt < 1000 && writer == -1; ++attempt) {  // until the CLI opens it
    writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer == -1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_NE(writer, -1);
  const std::string header = "order_id,customer_id,total\nI-0,ivy,1\n";
  ASSERT_EQ(write(writer, header.data(), header.size()), static_cast<ssize_t>(header.size()));
  ASSERT_TRUE(import.wait_for_handler(SIGINT, 10000)) << import.err();
  import.signal(SIGINT);
  // The input never ends, so the CLI can only stop through the cancel: records keep arriving
  // until the cancelled stream refuses one.
  std::optional<int> exit_code;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 1; !exit_code && std::chrono::steady_clock::now() < deadline; ++i) {
    const std::string row = "I-" + std::to_string(i) + ",ivy,1\n";
    if (write(writer, row.data(), row.size()) < 0 && errno != EAGAIN) break;
    exit_code = import.wait_for_exit(5);
  }
  exit_code = import.wait_for_exit(10000);
  close(writer);
  ASSERT_EQ(exit_code, 130) << import.out() << import.err();
  EXPECT_NE(import.err().find("import interrupted after "), std::string::npos) << import.err();
  EXPECT_NE(import.err().find("same import again is safe"), std::string::npos) << import.err();
}

// A fault injected behind the CLI: a server that counts fewer orders than it was sent.
class UndercountingService final : public ecommerce::orders::OrderService::Service {
  grpc::Status ProcessBulkOrders(grpc::ServerContext*,
                                 grpc::ServerReader<ecommerce::orders::Order>* reader,
                                 ecommerce::orders::BulkProcessResult* result) override {
    ecommerce::orders::Order order;
    while (reader->Read(&order)) {
    }
    result->set_success_count(1);
    return grpc::Status::OK;
  }
};

TEST(CliImportCountTest, AnAnswerThatDoesNotCountEveryRecordSentFailsTheImport) {
  UndercountingService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  const auto server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  const auto result = cli({"import", "-", "--target", "127.0.0.1:" + std::to_string(port)},
                          "order_id,customer_id,total\nA,alice,1\nB,bob,2\nC,carol,3\n");
  server->Shutdown();
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_NE(result.err.find("the server counted 1 orders but 3 were sent"), std::string::npos)
      << result.err;
}

// A server that predates UserID.follow: it ignores the field, so a history ends OK after the
// events it holds. It serves the events it is given that are after the request's after_sequence.
class ServerWithoutFollow final : public ecommerce::orders::OrderService::Service {
 public:
  void add(const std::string& order_id, int64_t sequence) {
    std::lock_guard lock(mutex_);
    ecommerce::orders::OrderEvent event;
    event.set_event_type("CREATED");
    event.set_order_id(order_id);
    event.set_timestamp(1'795'776'303'777 + sequence);
    event.set_sequence(sequence);
    events_.push_back(event);
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  grpc::Status GetOrderHistory(grpc::ServerContext*, const ecommerce::orders::UserID* request,
                               grpc::ServerWriter<ecommerce::orders::OrderEvent>* writer) override {
    std::vector<ecommerce::orders::OrderEvent> events;
    {
      std::lock_guard lock(mutex_);
      ++calls_;
      for (const auto& event : events_) {
        if (event.sequence() > request->after_sequence()) events.push_back(event);
      }
    }
    for (const auto& event : events) writer->Write(event);
    return grpc::Status::OK;
  }

  std::mutex mutex_;
  std::vector<ecommerce::orders::OrderEvent> events_;
  int calls_ = 0;
};

TEST(CliFollowFallbackTest, AgainstAServerWithoutFollowItAsksAgainEveryInterval) {
  ServerWithoutFollow service;
  service.add("O-1", 1);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  const auto server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  std::string dir = ::testing::TempDir() + "orderstream-fallback-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  BackgroundCli follow(dir, "fallback",
                       {"history", "alice", "--follow", "--follow-interval", "50ms", "--target",
                        "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(follow.wait_for_output("O-1  CREATED  seq=1", 10000)) << follow.err();
  service.add("O-2", 2);
  ASSERT_TRUE(follow.wait_for_output("O-2  CREATED  seq=2", 10000)) << follow.err();
  follow.signal(SIGINT);
  ASSERT_EQ(follow.wait_for_exit(15000), 130) << follow.err();
  server->Shutdown();
  const auto lines = lines_of(follow.out());
  ASSERT_EQ(lines.size(), 2u) << follow.out();
  EXPECT_EQ(lines[0].rfind("O-1  CREATED  seq=1  ", 0), 0u) << follow.out();
  EXPECT_EQ(lines[1].rfind("O-2  CREATED  seq=2  ", 0), 0u) << follow.out();
  EXPECT_GE(service.calls(), 2);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST_P(CliEndToEndTest, WatchWithoutIdsOnATerminalSaysItReadsStdin) {
  // stdin, stdout and stderr on a pseudo-terminal, as in an interactive shell.
  int terminal = -1;
  const pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    const std::string target = server_->target();
    execl(ORDERSTREAM_CLI_BIN, ORDERSTREAM_CLI_BIN, "watch", "--target", target.c_str(),
          "--deadline", "2s", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string screen;
  char chunk[512];
  for (int reads = 0; reads < 1000; ++reads) {  // until the CLI exits and the terminal closes
    const ssize_t n = read(terminal, chunk, sizeof chunk);
    if (n <= 0) break;
    screen.append(chunk, static_cast<std::size_t>(n));
  }
  close(terminal);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << screen;
  EXPECT_NE(screen.find("no order id given; reading ids from stdin"), std::string::npos) << screen;
}

TEST_P(CliEndToEndTest, WatchSkipsAnIdFromStdinThatIsNotUtf8AndKeepsTheStream) {
  const auto result = run({"watch", "-", "--deadline", "3s"}, "caf\xe9\nS-9\n");
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.err.find("skipped an order id that is not UTF-8"), std::string::npos)
      << describe(result);
  EXPECT_NE(result.out.find("S-9  UNKNOWN  seq=0  -\n"), std::string::npos) << result.out;
}

TEST_P(CliEndToEndTest, WatchReadsIdsFromStdin) {
  const auto result = run({"watch", "-", "--deadline", "3s"}, "S-1\n\nS-2\n");
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.out.find("S-1  UNKNOWN  seq=0  -\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("S-2  UNKNOWN  seq=0  -\n"), std::string::npos) << result.out;
}

TEST_P(CliEndToEndTest, CtrlCCancelsAWatchAndExits130) {
  BackgroundCli watch(server_->directory(), "watch",
                      {"watch", "C-1", "--target", server_->target()});
  ASSERT_TRUE(watch.wait_for_output("C-1  UNKNOWN", 10000)) << watch.out() << watch.err();
  watch.signal(SIGINT);
  ASSERT_EQ(watch.wait_for_exit(10000), 130) << watch.out() << watch.err();
  EXPECT_EQ(watch.err().rfind("error: CANCELLED: ", 0), 0u) << watch.err();
}

}  // namespace
}  // namespace orderstream::cli
