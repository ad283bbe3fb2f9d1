// The server binary as an operator runs it: health checking and reflection answer, SIGTERM and
// SIGINT end open streams with a status and exit 0, and a port in use stops start-up.
#include "support/server_process.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "storage/sqlite_order_store.h"

namespace orderstream::testing {
namespace {

namespace health = ::grpc::health::v1;
namespace reflection = ::grpc::reflection::v1alpha;

std::shared_ptr<grpc::Channel> channel_to(const ServerProcess& server) {
  return grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials());
}

TEST(ServerProcessTest, HealthReportsServingForTheServerAndTheService) {
  ServerProcess server;
  auto stub = health::Health::NewStub(channel_to(server));
  for (const std::string service : {"", "ecommerce.orders.OrderService"}) {
    health::HealthCheckRequest request;
    request.set_service(service);
    health::HealthCheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING) << service;
  }
}

TEST(ServerProcessTest, ReflectionListsAndDescribesTheServices) {
  ServerProcess server;
  auto stub = reflection::ServerReflection::NewStub(channel_to(server));
  grpc::ClientContext context;
  auto stream = stub->ServerReflectionInfo(&context);

  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  reflection::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& service : response.list_services_response().service()) {
    names.push_back(service.name());
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "ecommerce.orders.OrderService"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.health.v1.Health"), names.end());

  for (const std::string symbol : {"ecommerce.orders.OrderService", "grpc.health.v1.Health"}) {
    request.set_file_containing_symbol(symbol);
    ASSERT_TRUE(stream->Write(request));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_TRUE(response.has_file_descriptor_response()) << symbol;
    EXPECT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0) << symbol;
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

// Opens a watch stream, sends `signo` to the server, and expects the stream to end with
// UNAVAILABLE. Returns with every client object (call, channel) released, as a client does once
// its streams are over: the server's shutdown waits (up to its grace period) for connections.
void watch_until_signalled(ServerProcess& server, int signo) {
  auto channel = channel_to(server);
  // An open watch stream, driven as a raw generic call so this test links no order proto.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  auto call =
      generic.PrepareCall(&context, "/ecommerce.orders.OrderService/NotifyOrderUpdates", &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(ok);
  // OrderID{id: "X"}: field 1, length-delimited, one byte.
  const char order_id[] = {0x0a, 0x01, 'X'};
  grpc::Slice slice(order_id, sizeof order_id);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(ok);
  grpc::ByteBuffer ack;
  call->Read(&ack, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(ok) << "no acknowledgement";

  server.signal(signo);
  grpc::ByteBuffer more;
  call->Read(&more, reinterpret_cast<void*>(4));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_FALSE(ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

void expect_signal_ends_open_watch_stream(int signo) {
  ServerProcess server;
  const auto created = run_command({ORDERSTREAM_CLI_BIN, "create", "--target", server.target(),
                                    "--id", "KEEP-1", "--customer", "alice", "--total", "2.5"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  watch_until_signalled(server, signo);
  const int exit_status = server.wait_for_exit(15000);
  ASSERT_NE(exit_status, -1) << "server did not exit";
  EXPECT_TRUE(WIFEXITED(exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
  // What was answered was committed: the order is in the file the server left behind.
  storage::SqliteOrderStore store(
      storage::SqliteOptions{.path = server.directory() + "/orders.db"});
  const auto kept = store.find_order("KEEP-1");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->customer_id, "alice");
}

TEST(ServerProcessTest, SigtermFinishesOpenStreamsAndExitsCleanly) {
  expect_signal_ends_open_watch_stream(SIGTERM);
}

TEST(ServerProcessTest, SigintFinishesOpenStreamsAndExitsCleanly) {
  expect_signal_ends_open_watch_stream(SIGINT);
}

TEST(ServerProcessTest, PortInUseIsAClearStartupError) {
  ServerProcess first;
  const auto result = run_command({ORDERSTREAM_SERVER_BIN, "--listen", first.target(), "--db",
                                   first.directory() + "/second.db"},
                                  "", 20000);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot listen on " + first.target()), std::string::npos) << result.err;
}

// TransportBench lets any client publish updates to watchers: only orderstream-bench-server links
// it, so the production binary does not even know the flag.
TEST(ServerProcessTest, TheProductionServerHasNoBenchmarkService) {
  const auto refused = run_command({ORDERSTREAM_SERVER_BIN, "--bench-transport", "--listen",
                                    "127.0.0.1:0", "--db", "/nonexistent/orders.db"},
                                   "", 20000);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--bench-transport"), std::string::npos) << refused.err;
}

TEST(ServerProcessTest, ImportBufferFlagIsTakenAndCheckedAtStartup) {
  ServerProcess server({"--import-buffer-orders", "4096"});
  auto stub = health::Health::NewStub(channel_to(server));
  health::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, {}, &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);

  const auto refused =
      run_command({ORDERSTREAM_SERVER_BIN, "--import-buffer-orders", "10", "--listen",
                   "127.0.0.1:0", "--db", server.directory() + "/other.db"},
                  "", 20000);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--import-buffer-orders: Value 10 not in range 256"),
            std::string::npos)
      << refused.err;
}

// The nice values of a process's threads, by thread name.
std::multimap<std::string, int> thread_nices(pid_t pid) {
  std::multimap<std::string, int> nices;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::string stat;
    std::getline(std::ifstream(task.path() / "stat"), stat);
    // "tid (name) state ppid ...": nice is field 19, the 17th after the name's closing ')'.
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;  // the thread ended
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int i = 0; i < 17 && fields >> field; ++i) {
    }
    nices.emplace(stat.substr(open + 1, close - open - 1), std::stoi(field));
  }
  return nices;
}

TEST(ServerProcessTest, DatabaseAndFanoutThreadsRunAheadOfGrpcs) {
  if (geteuid() != 0) GTEST_SKIP() << "a negative nice needs CAP_SYS_NICE";
  ServerProcess server({"--thread-priority-boost", "4", "--fanout-threads", "2"});
  auto stub = health::Health::NewStub(channel_to(server));
  health::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, {}, &response).ok());  // gRPC's threads exist by now

  const int base = getpriority(PRIO_PROCESS, 0);  // the server inherited this test's nice
  const auto nices = thread_nices(server.pid());
  EXPECT_EQ(nices.count("os-database"), 4U);  // --executor-threads' default
  EXPECT_EQ(nices.count("os-fanout-lane"), 2U);
  int grpc_threads = 0;
  for (const auto& [name, nice] : nices) {
    if (name == "os-database" || name == "os-fanout-lane") {
      EXPECT_EQ(nice, base - 4) << name;
    } else {
      EXPECT_EQ(nice, base) << name;  // gRPC's threads, the batcher and the main thread
      grpc_threads += name == "nexting_thread" ? 1 : 0;
    }
  }
  EXPECT_GT(grpc_threads, 0);

  const auto refused =
      run_command({ORDERSTREAM_SERVER_BIN, "--thread-priority-boost", "20", "--listen",
                   "127.0.0.1:0", "--db", server.directory() + "/other.db"},
                  "", 20000);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--thread-priority-boost: Value 20 not in range 0"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace orderstream::testing
