// Peers that go away without closing their streams, on every store: a client process killed
// mid-stream, and a network that silently stops carrying anything (a proxy that stops
// forwarding). The server frees their streams within its keepalive time, and its count of open
// streams (logged at debug level on each open and close) returns to zero.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "faults/fault_client.h"
#include "faults/tcp_proxy.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

constexpr char kAllClosed[] = "stream closed: 0 open streams";

class DeadPeerTest : public StoreTest {};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int port_of(const std::string& target) { return std::stoi(target.substr(target.rfind(':') + 1)); }

TEST_P(DeadPeerTest, ClientKilledMidStreamIsFreedWithoutWaitingForKeepalive) {
  // The default keepalive (a ping after 30 s idle): a killed process's socket is closed by its
  // kernel, so the server must not need the ping to see it.
  ServerProcess server(on_store(*store_, {"--log-level", "debug"}));
  auto stub = pb::OrderService::NewStub(new_channel(server.target()));
  ASSERT_TRUE(import_numbered(*stub, "DP", "dead-peer", 3).status.ok());
  const std::size_t imported = server.wait_for_log(kAllClosed, 20'000);
  ASSERT_NE(imported, std::string::npos) << server.log();

  const std::string out_path = server.directory() + "/watch.out";
  const pid_t client = fork();
  if (client == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    execl(ORDERSTREAM_CLI_BIN, ORDERSTREAM_CLI_BIN, "watch", "--target", server.target().c_str(),
          "DP-0", "DP-1", "DP-2", static_cast<char*>(nullptr));
    _exit(127);
  }
  const bool watching = eventually([&] {
    const std::string out = read_text(out_path);
    return out.find("DP-0") != std::string::npos && out.find("DP-1") != std::string::npos &&
           out.find("DP-2") != std::string::npos;
  });
  kill(client, SIGKILL);
  waitpid(client, nullptr, 0);
  ASSERT_TRUE(watching) << "the watch never printed its acknowledgements: " << read_text(out_path);
  const std::size_t opened = server.wait_for_log("stream opened: 1 open streams", 20'000, imported);
  ASSERT_NE(opened, std::string::npos) << server.log();
  EXPECT_NE(server.wait_for_log(kAllClosed, 20'000, opened), std::string::npos) << server.log();
}

TEST_P(DeadPeerTest, SilentlyDroppedNetworkIsFreedWithinTheKeepaliveTime) {
  // Pings every 500 ms; a client gets 2 s to answer, generous for a loaded machine.
  constexpr int kKeepaliveMs = 500;
  constexpr int kKeepaliveTimeoutMs = 2'000;
  ServerProcess server(on_store(
      *store_, {"--log-level", "debug", "--keepalive-time-ms", std::to_string(kKeepaliveMs),
                "--keepalive-timeout-ms", std::to_string(kKeepaliveTimeoutMs)}));
  {
    auto direct = pb::OrderService::NewStub(new_channel(server.target()));
    ASSERT_TRUE(import_numbered(*direct, "NET", "dropped", 3).status.ok());
  }
  const std::size_t imported = server.wait_for_log(kAllClosed, 20'000);
  ASSERT_NE(imported, std::string::npos) << server.log();

  TcpProxy proxy(port_of(server.target()));
  auto stub = pb::OrderService::NewStub(new_channel(proxy.target()));
  constexpr int kStreams = 3;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<pb::OrderID, pb::OrderUpdate>>> watches;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(after(std::chrono::seconds(60)));
    watches.push_back(stub->NotifyOrderUpdates(contexts.back().get()));
    pb::OrderID id;
    id.set_id("NET-" + std::to_string(i));
    ASSERT_TRUE(watches.back()->Write(id));
    pb::OrderUpdate update;
    ASSERT_TRUE(watches.back()->Read(&update));
    ASSERT_EQ(update.status(), "CREATED");
  }
  // A thread waits in Read on each stream, as a watching client does: that is also what has the
  // client's gRPC read its socket and answer the server's pings.
  std::vector<std::thread> readers;
  for (auto& watch : watches) {
    readers.emplace_back([&watch] {
      pb::OrderUpdate update;
      while (watch->Read(&update)) {
      }
    });
  }
  const std::size_t opened = server.wait_for_log(
      "stream opened: " + std::to_string(kStreams) + " open streams", 20'000, imported);
  EXPECT_NE(opened, std::string::npos) << server.log();

  // Set-up, not a wait for an outcome: the connection idles for several keepalive periods, so
  // that the server has sent pings that were answered; they must not use up its allowance of
  // pings, or it would stop pinging a connection that went quiet later.
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * kKeepaliveTimeoutMs));
  EXPECT_EQ(server.log().find("stream closed", opened), std::string::npos)
      << "a live connection was dropped: " << server.log();

  const auto dropped_at = std::chrono::steady_clock::now();
  proxy.drop();
  const std::size_t closed = server.wait_for_log(kAllClosed, 20'000, opened);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - dropped_at);
  EXPECT_NE(closed, std::string::npos) << server.log();
  std::printf("streams of a dropped network freed after %lld ms (keepalive %d + %d ms)\n",
              static_cast<long long>(elapsed.count()), kKeepaliveMs, kKeepaliveTimeoutMs);
  for (auto& context : contexts) context->TryCancel();
  for (auto& reader : readers) reader.join();
  for (auto& watch : watches) watch->Finish();
}

INSTANTIATE_TEST_SUITE_P(Stores, DeadPeerTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
