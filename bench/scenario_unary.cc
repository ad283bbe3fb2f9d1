// unary: CreateOrder throughput and latency under closed-loop load: C calls outstanding at all
// times for T seconds, every order new (ids drawn by the server, or unique to the run with --ids
// client), so each call is one committed transaction. Latency is the client's: call start ->
// response.
#include <memory>

#include "bench/connection.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "bench/unary_load.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {

ScenarioResult run_unary(const ScenarioContext& context, const UnaryArgs& args) {
  ScenarioResult result;
  result.name = "unary";
  result.title = "CreateOrder, " + std::to_string(args.in_flight) + " calls in flight for " +
                 format_number(args.seconds, 0) + " s";
  result.headline_key = "calls_per_s";
  result.param("in_flight", args.in_flight);
  result.param("seconds", args.seconds);
  result.param("client_ids", args.ids == "client" ? 1 : 0);
  const Deadline deadline = context.deadline();
  const auto channel = connect_channel(context.target, deadline);
  const auto stub = ecommerce::orders::OrderService::NewStub(channel);

  const FillUnaryOrder fill = unary_order_filler("u" + context.run_id + "-", args.ids == "client");
  const StartUnaryCall start = [&](grpc::ClientContext* call, const ecommerce::orders::Order* order,
                                   ecommerce::orders::OrderResponse* response,
                                   std::function<void(grpc::Status)> done) {
    stub->async()->CreateOrder(call, order, response, std::move(done));
  };

  progress(result.name, result.title);
  measure(
      result, context, "calls",
      [&] { return run_unary_load(args.in_flight, args.seconds, start, fill, deadline); },
      [&](UnaryLoadOutcome& run) { return add_unary_figures(result, run); });
  return result;
}

}  // namespace orderstream::bench
