// transport: the same three shapes through orderstream.bench.TransportBench, which the server
// answers from memory (served only with --bench-transport). What gRPC alone carries between this
// client and this server on this machine: the ceiling each real scenario is divided by. The
// writer policy, stream counts and call concurrency are the real scenarios', so the ratio
// compares like with like.
#include <memory>

#include "bench/bulk_stream.h"
#include "bench/connection.h"
#include "bench/history_streams.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "bench/stats.h"
#include "bench/unary_load.h"
#include "transport_bench.grpc.pb.h"

namespace orderstream::bench {

namespace {

constexpr const char* kNotServedHint = " (is the server running with --bench-transport?)";

void hint_if_unimplemented(ScenarioResult& result) {
  for (auto& failure : result.failures) {
    if (failure.find("code 12:") != std::string::npos) failure += kNotServedHint;
  }
}

ScenarioResult transport_history(const ScenarioContext& context, const HistoryArgs& args) {
  ScenarioResult result;
  result.name = "transport.history";
  result.title = "TransportBench.History, " + format_number(static_cast<double>(args.events), 0) +
                 " events read by " + std::to_string(args.streams) + " stream(s), no database";
  result.headline_key = "events_per_s";
  result.param("events", static_cast<double>(args.events));
  result.param("streams", args.streams);
  const Deadline deadline = context.deadline();
  const auto stubs = connect_stubs<TransportBench>(context.target, args.streams, deadline);
  const OpenHistoryStream open = [&](int stream, grpc::ClientContext* call) {
    orderstream::bench::HistoryRequest request;
    request.set_count(args.events);
    return stubs[stream]->History(call, request);
  };
  progress(result.name, result.title);
  measure(
      result, context, "events",
      [&] {
        return run_history_streams(args.streams, args.events, open, /*check_order=*/false,
                                   deadline);
      },
      [&](const HistoryRunOutcome& run) { return add_history_figures(result, run, args.events); });
  hint_if_unimplemented(result);
  return result;
}

ScenarioResult transport_bulk(const ScenarioContext& context, const BulkArgs& args) {
  ScenarioResult result;
  result.name = "transport.bulk";
  result.title = "TransportBench.Bulk, " + format_number(static_cast<double>(args.orders), 0) +
                 " orders over " + std::to_string(args.streams) + " stream(s), no database";
  result.headline_key = "orders_per_s";
  result.param("orders", static_cast<double>(args.orders));
  result.param("streams", args.streams);
  const Deadline deadline = context.deadline();
  const auto stubs = connect_stubs<TransportBench>(context.target, args.streams, deadline);
  // The same message contents as the bulk scenario's, so the same bytes cross the wire.
  BulkOrderMaker maker("t", context.run_id, args.streams, args.customers);
  const FillOrder fill = maker.filler();
  const OpenBulkStream open = [&](int stream, grpc::ClientContext* call,
                                  ecommerce::orders::BulkProcessResult* response) {
    return stubs[stream]->Bulk(call, response);
  };
  progress(result.name, result.title);
  measure(
      result, context, "orders",
      [&] { return run_bulk_streams(args.streams, args.orders, open, fill, deadline); },
      [&](const BulkRunOutcome& run) {
        add_bulk_figures(result, run, "orders counted", args.orders);
        return args.orders;
      });
  hint_if_unimplemented(result);
  return result;
}

ScenarioResult transport_unary(const ScenarioContext& context, const UnaryArgs& args) {
  ScenarioResult result;
  result.name = "transport.unary";
  result.title = "TransportBench.Unary, " + std::to_string(args.in_flight) +
                 " calls in flight for " + format_number(args.seconds, 0) + " s, no database";
  result.headline_key = "calls_per_s";
  result.param("in_flight", args.in_flight);
  result.param("seconds", args.seconds);
  result.param("client_ids", args.ids == "client" ? 1 : 0);
  const Deadline deadline = context.deadline();
  const auto stubs = connect_stubs<TransportBench>(context.target, 1, deadline);
  const FillUnaryOrder fill = unary_order_filler("t" + context.run_id + "-u", args.ids == "client");
  const StartUnaryCall start = [&](grpc::ClientContext* call, const ecommerce::orders::Order* order,
                                   ecommerce::orders::OrderResponse* response,
                                   std::function<void(grpc::Status)> done) {
    stubs.front()->async()->Unary(call, order, response, std::move(done));
  };
  progress(result.name, result.title);
  measure(
      result, context, "calls",
      [&] { return run_unary_load(args.in_flight, args.seconds, start, fill, deadline); },
      [&](UnaryLoadOutcome& run) { return add_unary_figures(result, run); });
  hint_if_unimplemented(result);
  return result;
}

}  // namespace

std::vector<ScenarioResult> run_transport(const ScenarioContext& context, const TransportArgs& args,
                                          const ResultSink& sink) {
  std::vector<ScenarioResult> results;
  results.push_back(
      run_guarded("transport.history", [&] { return transport_history(context, args.history); }));
  sink(results.back());
  results.push_back(
      run_guarded("transport.bulk", [&] { return transport_bulk(context, args.bulk); }));
  sink(results.back());
  results.push_back(
      run_guarded("transport.unary", [&] { return transport_unary(context, args.unary); }));
  sink(results.back());
  return results;
}

}  // namespace orderstream::bench
