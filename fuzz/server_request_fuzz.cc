// libFuzzer target: a real in-process server (gRPC on 127.0.0.1, a SQLite file in a temporary
// directory) fed arbitrary bytes as the request messages of each RPC. The first byte picks the
// method; the rest is cut into messages, each prefixed by a one-byte length. Whatever arrives,
// the server must neither crash nor answer with a status that means a bug on its side
// (UNKNOWN, INTERNAL, DATA_LOSS), and must keep answering.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "domain/order_service.h"
#include "events/event_hub.h"
#include "storage/sqlite_order_store.h"
#include "transport/server.h"

namespace {

using namespace orderstream;

struct Method {
  const char* path;
  bool client_streams;  // more than one request message
  bool endless;         // the server never ends it: one answer per request, then a cancel
};
constexpr Method kMethods[] = {
    {"/ecommerce.orders.OrderService/CreateOrder", false, false},
    {"/ecommerce.orders.OrderService/UpdateOrderStatus", false, false},
    {"/ecommerce.orders.OrderService/GetOrderHistory", false, false},
    {"/ecommerce.orders.OrderService/ProcessBulkOrders", true, false},
    {"/ecommerce.orders.OrderService/NotifyOrderUpdates", true, true},
};

// One server for the whole run: starting one per input would measure start-up, not requests.
struct Harness {
  std::string dir;
  std::unique_ptr<storage::SqliteOrderStore> store;
  std::unique_ptr<EventHub> hub;
  std::unique_ptr<OrderService> orders;
  std::unique_ptr<transport::OrderServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;

  Harness() {
    set_log_level(LogLevel::kOff);
    google::protobuf::SetLogHandler(nullptr);  // one line per string that is not UTF-8
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderstream-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir = pattern;
    store = std::make_unique<storage::SqliteOrderStore>(
        storage::SqliteOptions{.path = dir + "/orders.db", .synchronous_full = false});
    hub = std::make_unique<EventHub>(1, 0);
    orders = std::make_unique<OrderService>(*store, *hub);
    transport::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.executor_threads = 2;
    server = std::make_unique<transport::OrderServer>(options, *orders, *hub);
    channel = grpc::CreateChannel(server->target(), grpc::InsecureChannelCredentials());
    stub = std::make_unique<grpc::GenericStub>(channel);
  }
  ~Harness() {
    stub.reset();
    channel.reset();
    server.reset();
    orders.reset();
    hub.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Harness& harness() {
  static Harness* instance = new Harness();  // lives as long as the fuzzer process
  return *instance;
}

grpc::ByteBuffer to_buffer(const std::string& bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

bool next(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  if (!cq.Next(&tag, &ok)) std::abort();
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Method& method = kMethods[data[0] % std::size(kMethods)];
  std::vector<std::string> messages;
  if (method.client_streams) {
    for (std::size_t at = 1; at < size && messages.size() < 64;) {
      const std::size_t length = std::min<std::size_t>(data[at], size - at - 1);
      messages.emplace_back(reinterpret_cast<const char*>(data) + at + 1, length);
      at += 1 + length;
    }
  } else {
    messages.emplace_back(reinterpret_cast<const char*>(data) + 1, size - 1);
  }

  Harness& h = harness();
  grpc::ClientContext context;
  // A watch stream that does not answer each subscription ends at this deadline.
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(method.endless ? 500 : 5000));
  grpc::CompletionQueue cq;
  auto call = h.stub->PrepareCall(&context, method.path, &cq);
  call->StartCall(nullptr);
  if (next(cq)) {
    for (const auto& message : messages) {
      call->Write(to_buffer(message), nullptr);
      if (!next(cq)) break;
    }
    call->WritesDone(nullptr);
    next(cq);
    grpc::ByteBuffer response;
    const std::size_t most = method.endless ? messages.size() : 1000;
    std::size_t reads = 0;
    for (; reads < most; ++reads) {
      call->Read(&response, nullptr);
      if (!next(cq)) break;
    }
    if (reads == most) context.TryCancel();
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  next(cq);
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::DATA_LOSS:
      std::fprintf(stderr, "%s answered %d: %s\n", method.path, status.error_code(),
                   status.error_message().c_str());
      std::abort();
    default:
      return 0;
  }
}
