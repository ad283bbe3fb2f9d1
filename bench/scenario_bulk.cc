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

  const auto stubs =
      connect_stubs<ecommerce::orders::OrderService>(context.target, args.streams, deadline);
  // Per stream: its id prefix and a reusable id buffer, so the hot loop does not allocate.
  BulkOrderMaker maker("b", context.run_id, args.streams, args.customers);
  const FillOrder fill = maker.filler();
  const OpenBulkStream open = [&](int stream, grpc::ClientContext* call,
                                  ecommerce::orders::BulkProcessResult* response) {
    return stubs[stream]->ProcessBulkOrders(call, response);
  };

  progress(result.name, "writing " + result.title);
  const BulkRunOutcome outcome = measure(
      result, context, "orders",
      [&] { return run_bulk_streams(args.streams, args.orders, open, fill, deadline); },
      [&](const BulkRunOutcome& run) {
        add_bulk_figures(result, run, "orders committed", args.orders);
        result.add("failure_count", "orders failed", "orders",
                   static_cast<double>(run.failure_count));
        return args.orders;
      });
  if (args.streams > 1) {
    std::vector<double> per_stream;
    for (const auto& stream : outcome.streams) {
      per_stream.push_back(stream.seconds() > 0 ? stream.result.success_count() / stream.seconds()
                                                : 0);
    }
    result.add_series("per_stream_orders_per_s", "per stream", "orders/s", per_stream);
  }
  return result;
}

}  // namespace orderstream::bench
