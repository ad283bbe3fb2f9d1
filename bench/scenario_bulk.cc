// bulk: ProcessBulkOrders throughput. N orders with ids unique to the run, spread over 1,000
// customers, written over C concurrent streams (one connection each). The clock runs from the
// first write to the last final response, which the server sends only once every order is
// committed, so the figure is durable orders per second.
#include <memory>

#include "bench/bulk_stream.h"
#include "bench/connection.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

ScenarioResult run_bulk(const ScenarioContext& context, const BulkArgs& args) {
  ScenarioResult result;
  result.name = "bulk";
  result.title = "ProcessBulkOrders, " + format_number(static_cast<double>(args.orders), 0) +
                 " orders over " + std::to_string(args.streams) + " stream(s)";
  result.headline_key = "orders_per_s";
  result.param("orders", static_cast<double>(args.orders));
  result.param("streams", args.streams);
  result.param("customers", args.customers);
  const Deadline deadline = context.deadline();

  const auto channels = connect_channels(context.target, args.streams, deadline);
  std::vector<std::unique_ptr<ecommerce::orders::OrderService::Stub>> stubs;
  for (const auto& channel : channels)
    stubs.push_back(ecommerce::orders::OrderService::NewStub(channel));

  // Per stream: its id prefix and a reusable id buffer, so the hot loop does not allocate.
  BulkOrderMaker maker("b", context.run_id, args.streams, args.customers);
  const FillOrder fill = maker.filler();
  const OpenBulkStream open = [&](int stream, grpc::ClientContext* call,
                                  ecommerce::orders::BulkProcessResult* response) {
    return stubs[stream]->ProcessBulkOrders(call, response);
  };

  progress(result.name, "writing " + result.title);
  ProcessWindow server = server_window(context);
  ProcessWindow client = client_window();
  server.start();
  client.start();
  const BulkRunOutcome outcome = run_bulk_streams(args.streams, args.orders, open, fill, deadline);
  server.stop();
  client.stop();

  const double seconds = outcome.seconds();
  result.add("orders_per_s", "throughput", "orders/s",
             seconds > 0 ? std::optional(static_cast<double>(outcome.success_count) / seconds)
                         : std::nullopt);
  result.add("seconds", "first write -> last response", "s", seconds, 2);
  result.add("success_count", "orders committed", "orders",
             static_cast<double>(outcome.success_count));
  result.add("failure_count", "orders failed", "orders",
             static_cast<double>(outcome.failure_count));
  add_server_cpu(result, server, args.orders, "orders");
  add_server_memory(result, server);
  add_client_figures(result, client);
  if (args.streams > 1) {
    std::vector<double> per_stream;
    for (const auto& stream : outcome.streams) {
      per_stream.push_back(stream.seconds() > 0 ? stream.result.success_count() / stream.seconds()
                                                : 0);
    }
    result.add_series("per_stream_orders_per_s", "per stream", "orders/s", per_stream);
  }

  for (const auto& problem : outcome.problems()) result.fail(problem);
  if (outcome.success_count != args.orders) {
    result.fail("success_count " + std::to_string(outcome.success_count) +
                " != " + std::to_string(args.orders) + " orders sent");
  }
  return result;
}

}  // namespace orderstream::bench
