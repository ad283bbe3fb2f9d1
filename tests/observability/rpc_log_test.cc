// The server binary's per-call log line, read from its stderr: one line per finished RPC with
// method, peer, customer, status, duration and message counts, in text or JSON, and never a
// token from the metadata or an order's content.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "order_service.grpc.pb.h"
#include "support/own_channel.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

namespace pb = ::ecommerce::orders;
using namespace std::chrono_literals;

constexpr char kToken[] = "s3cret-bearer-token";
constexpr char kPayloadId[] = "ORD-payload-marker-77";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line of the server's log holding every one of `parts`, waiting up to 10 s for it.
std::string find_line(const ServerProcess& server, const std::vector<std::string>& parts) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    for (const auto& line : lines_of(server.log())) {
      bool all = true;
      for (const auto& part : parts) all = all && line.find(part) != std::string::npos;
      if (all) return line;
    }
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return "";
}

grpc::Status create(pb::OrderService::Stub& stub, const std::string& id,
                    const std::string& customer) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(4321.75f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  return stub.CreateOrder(&context, order, &response);
}

std::unique_ptr<pb::OrderService::Stub> stub_of(const ServerProcess& server) {
  return pb::OrderService::NewStub(
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials()));
}

TEST(RpcLogTest, JsonLinesNameTheCallAndCarryNoTokenOrPayload) {
  ServerProcess server({"--log-format", "json"});
  auto stub = stub_of(server);
  ASSERT_TRUE(create(*stub, kPayloadId, "alice").ok());
  {
    pb::OrderStatusChange change;
    change.set_order_id("ORD-missing");
    change.set_status("SHIPPED");
    pb::OrderUpdate update;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    ASSERT_EQ(stub->UpdateOrderStatus(&context, change, &update).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    // Refused by the handler itself, before any work: the call still has its line.
    pb::OrderID empty;
    pb::OrderDetails details;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    ASSERT_EQ(stub->GetOrder(&context, empty, &details).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  const std::string created =
      find_line(server, {"\"method\":\"/ecommerce.orders.OrderService/CreateOrder\""});
  ASSERT_FALSE(created.empty()) << server.log();
  EXPECT_NE(created.find("\"message\":\"rpc\""), std::string::npos) << created;
  EXPECT_NE(created.find("\"level\":\"INFO\""), std::string::npos) << created;
  EXPECT_NE(created.find("\"peer\":\"ipv4:127.0.0.1:"), std::string::npos) << created;
  EXPECT_NE(created.find("\"customer\":\"alice\""), std::string::npos) << created;
  EXPECT_NE(created.find("\"code\":\"OK\""), std::string::npos) << created;
  EXPECT_NE(created.find("\"duration_ms\":"), std::string::npos) << created;
  EXPECT_NE(created.find("\"messages_in\":1,"), std::string::npos) << created;
  EXPECT_NE(created.find("\"messages_out\":1}"), std::string::npos) << created;

  const std::string not_found =
      find_line(server, {"\"method\":\"/ecommerce.orders.OrderService/UpdateOrderStatus\""});
  ASSERT_FALSE(not_found.empty()) << server.log();
  EXPECT_NE(not_found.find("\"code\":\"NOT_FOUND\""), std::string::npos) << not_found;
  EXPECT_NE(not_found.find("\"customer\":\"\""), std::string::npos) << not_found;
  EXPECT_NE(not_found.find("\"messages_out\":0}"), std::string::npos) << not_found;

  const std::string refused =
      find_line(server, {"\"method\":\"/ecommerce.orders.OrderService/GetOrder\""});
  ASSERT_FALSE(refused.empty()) << server.log();
  EXPECT_NE(refused.find("\"code\":\"INVALID_ARGUMENT\""), std::string::npos) << refused;
  EXPECT_NE(refused.find("\"messages_in\":1,"), std::string::npos) << refused;
  EXPECT_NE(refused.find("\"messages_out\":0}"), std::string::npos) << refused;

  const std::string log = server.log();
  EXPECT_EQ(log.find(kToken), std::string::npos) << log;
  EXPECT_EQ(log.find(kPayloadId), std::string::npos) << log;
  // Every line is one JSON object, the server's own messages included.
  for (const auto& line : lines_of(log)) {
    EXPECT_TRUE(line.starts_with("{\"time\":\"") && line.ends_with("}")) << line;
  }
}

TEST(RpcLogTest, TextLinesQuoteWhatAClientSent) {
  ServerProcess server;  // --log-format text is the default
  auto stub = stub_of(server);
  ASSERT_TRUE(create(*stub, "o-1", "bob \"the\" builder\nINFO forged").ok());
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    pb::BulkProcessResult result;
    auto writer = stub->ProcessBulkOrders(&context, &result);
    pb::Order order;
    for (int i = 0; i < 3; ++i) {
      order.set_order_id("b-" + std::to_string(i));
      order.set_customer_id("carol");
      order.set_total(2);
      ASSERT_TRUE(writer->Write(order));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }

  const std::string created =
      find_line(server, {" INFO rpc method=/ecommerce.orders.OrderService/CreateOrder "});
  ASSERT_FALSE(created.empty()) << server.log();
  EXPECT_NE(created.find(" customer=\"bob \\\"the\\\" builder\\nINFO forged\" code=OK "),
            std::string::npos)
      << created;
  EXPECT_NE(created.find(" messages_in=1 messages_out=1"), std::string::npos) << created;
  EXPECT_NE(created.find(" peer=ipv4:127.0.0.1:"), std::string::npos) << created;

  const std::string bulk =
      find_line(server, {"method=/ecommerce.orders.OrderService/ProcessBulkOrders "});
  ASSERT_FALSE(bulk.empty()) << server.log();
  EXPECT_NE(bulk.find(" customer=\"\" code=OK "), std::string::npos) << bulk;
  EXPECT_NE(bulk.find(" messages_in=3 messages_out=1"), std::string::npos) << bulk;

  // The forged newline stayed inside its quoted value: no line starts with the forged text.
  for (const auto& line : lines_of(server.log())) EXPECT_FALSE(line.starts_with("INFO forged"));
  // Metrics are counted but not served unless asked for.
  EXPECT_EQ(server.log().find("serving metrics"), std::string::npos);
}

// The order service's streams write their own line (transport/call_observer.h): a history
// names its customer and counts its request and events, a watch counts what it read and sent
// and ends CANCELLED when the client cancels it, and a stream refused before any reactor exists
// still gets its line.
TEST(RpcLogTest, EveryStreamEndsWithOneLine) {
  // One stream per connection: a second stream on the same channel is refused.
  ServerProcess server({"--max-streams-per-connection", "1"});
  auto stub = stub_of(server);
  ASSERT_TRUE(create(*stub, "h-1", "dave").ok());
  ASSERT_TRUE(create(*stub, "h-2", "dave").ok());
  // Reads dave's history to its end on the given stub: how many events, and the status.
  const auto read_history = [](pb::OrderService::Stub& through) {
    pb::UserID user;
    user.set_id("dave");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    auto reader = through.GetOrderHistory(&context, user);
    pb::OrderEvent event;
    int events = 0;
    while (reader->Read(&event)) ++events;
    return std::pair{events, reader->Finish()};
  };
  {
    const auto [events, status] = read_history(*stub);
    ASSERT_TRUE(status.ok());
    ASSERT_EQ(events, 2);
  }
  const std::string history =
      find_line(server, {"method=/ecommerce.orders.OrderService/GetOrderHistory ", " code=OK "});
  ASSERT_FALSE(history.empty()) << server.log();
  EXPECT_NE(history.find(" customer=dave code=OK "), std::string::npos) << history;
  EXPECT_NE(history.find(" messages_in=1 messages_out=2"), std::string::npos) << history;

  // A connection of its own, so that the history above, whose place the server gives back
  // only after the client saw it end, holds nothing on it.
  const auto other = pb::OrderService::NewStub(new_channel(server.target()));
  grpc::ClientContext watch_context;
  auto watch = other->NotifyOrderUpdates(&watch_context);
  pb::OrderID id;
  id.set_id("h-1");
  ASSERT_TRUE(watch->Write(id));
  // The order's current status reaching the watch shows that the watch holds the connection's
  // one stream.
  pb::OrderUpdate update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(read_history(*other).second.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const std::string refused = find_line(
      server,
      {"method=/ecommerce.orders.OrderService/GetOrderHistory ", " code=RESOURCE_EXHAUSTED "});
  ASSERT_FALSE(refused.empty()) << server.log();
  EXPECT_NE(refused.find(" customer=dave "), std::string::npos) << refused;
  EXPECT_NE(refused.find(" messages_in=1 messages_out=0"), std::string::npos) << refused;

  watch_context.TryCancel();
  EXPECT_EQ(watch->Finish().error_code(), grpc::StatusCode::CANCELLED);
  const std::string watched =
      find_line(server, {"method=/ecommerce.orders.OrderService/NotifyOrderUpdates "});
  ASSERT_FALSE(watched.empty()) << server.log();
  EXPECT_NE(watched.find(" code=CANCELLED "), std::string::npos) << watched;
  EXPECT_NE(watched.find(" messages_in=1 messages_out=1"), std::string::npos) << watched;
}

}  // namespace
}  // namespace orderstream::testing
