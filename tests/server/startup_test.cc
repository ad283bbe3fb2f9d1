// Start-up of orderstream-server as a user meets it: a mistyped --listen or flag is a usage error
// (exit 2), a bind failure names its cause, a second server on the same SQLite file refuses to
// start, and a missing CAP_SYS_NICE is one info line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace orderstream::testing {
namespace {

CommandResult server(const std::vector<std::string>& args, const std::string& wrapper = "") {
  std::vector<std::string> argv;
  if (!wrapper.empty()) argv = {"/usr/bin/setpriv", wrapper};
  argv.push_back(ORDERSTREAM_SERVER_BIN);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, "", 20000);
}

TEST(ServerStartupTest, AnInvalidListenAddressIsAUsageError) {
  for (const std::string listen :
       {"127.0.0.1:99999", "localhost", ":50051", "127.0.0.1:5x", "127.0.0.1:", "127.0.0.1:-1"}) {
    const auto result = server({"--listen", listen, "--db", "/nonexistent/orders.db"});
    EXPECT_EQ(result.exit_code, 2) << listen << "\n" << result.err;
    EXPECT_NE(result.err.find("--listen '" + listen + "'"), std::string::npos) << result.err;
  }
}

TEST(ServerStartupTest, FlagErrorsExitTwoAndVersionExitsZero) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--executor-threads", "0"}, {"--bogus"}, {"extra"}}) {
    const auto result = server(args);
    EXPECT_EQ(result.exit_code, 2) << args.front() << "\n" << result.err;
  }
  const auto version = server({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "orderstream-server " ORDERSTREAM_VERSION "\n");
}

TEST(ServerStartupTest, APortInUseNamesTheKernelsReason) {
  ServerProcess first;
  const auto result = server({"--listen", first.target(), "--db", first.directory() + "/2.db"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot listen on " + first.target() + ": Address already in use"),
            std::string::npos)
      << result.err;
}

TEST(ServerStartupTest, APrivilegedPortWithoutThePrivilegeSaysPermissionDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "dropping CAP_NET_BIND_SERVICE with setpriv needs root";
  ServerProcess first;  // only for its directory
  const auto result = server({"--listen", "127.0.0.1:1", "--db", first.directory() + "/2.db"},
                             "--bounding-set=-net_bind_service");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("cannot listen on 127.0.0.1:1: Permission denied"), std::string::npos)
      << result.err;
}

TEST(ServerStartupTest, ASecondServerOnTheSameDatabaseRefusesToStart) {
  ServerProcess first;
  const auto result = server({"--listen", "127.0.0.1:0", "--db", first.directory() + "/orders.db"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("is in use by another orderstream server"), std::string::npos)
      << result.err;
}

TEST(ServerStartupTest, NoCapSysNiceIsOneInfoLine) {
  if (geteuid() != 0) GTEST_SKIP() << "dropping CAP_SYS_NICE with setpriv needs root";
  ServerProcess first;  // its port is taken: the second server starts its threads, then stops
  const auto result = server(
      {"--listen", first.target(), "--db", first.directory() + "/2.db", "--fanout-threads", "2"},
      "--bounding-set=-sys_nice");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::regex info(" INFO cannot raise the priority");
  const auto lines = std::distance(std::sregex_iterator(result.err.begin(), result.err.end(), info),
                                   std::sregex_iterator());
  EXPECT_EQ(lines, 1) << result.err;
  EXPECT_EQ(result.err.find(" WARN "), std::string::npos) << result.err;
}

}  // namespace
}  // namespace orderstream::testing
