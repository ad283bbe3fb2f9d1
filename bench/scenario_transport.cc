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

using Stub = orderstream::bench::TransportBench::Stub;

constexpr const char* kNotServedHint = " (is the server running with --bench-transport?)";

std::vector<std::unique_ptr<Stub>> make_stubs(const ScenarioContext& context, int count,
                                              const Deadline& deadline) {
  std::vector<std::unique_ptr<Stub>> stubs;
  for (const auto& channel : connect_channels(context.target, count, deadline)) {
    stubs.push_back(orderstream::bench::TransportBench::NewStub(channel));
  }
  return stubs;
}

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
  const auto stubs = make_stubs(context, args.streams, deadline);
  const OpenHistoryStream open = [&](int stream, grpc::ClientContext* call) {
    orderstream::bench::HistoryRequest request;
    request.set_count(args.events);
    return stubs[stream]->History(call, request);
  };
  progress(result.name, result.title);
  ProcessWindow server = server_window(context);
  ProcessWindow client = client_window();
  server.start();
  client.start();
  const HistoryRunOutcome outcome =
      run_history_streams(args.streams, args.events, open, /*check_order=*/false, deadline);
  server.stop();
  client.stop();

  const int64_t total_events = add_history_figures(result, outcome, args.events);
  add_server_cpu(result, server, total_events, "events");
  add_server_memory(result, server);
  add_client_figures(result, client);
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
  const auto stubs = make_stubs(context, args.streams, deadline);
  // The same message contents as the bulk scenario's, so the same bytes cross the wire.
  BulkOrderMaker maker("t", context.run_id, args.streams, args.customers);
  const FillOrder fill = maker.filler();
  const OpenBulkStream open = [&](int stream, grpc::ClientContext* call,
                                  ecommerce::orders::BulkProcessResult* response) {
    return stubs[stream]->Bulk(call, response);
  };
  progress(result.name, result.title);
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
  result.add("success_count", "orders counted", "orders",
             static_cast<double>(outcome.success_count));
  add_server_cpu(result, server, args.orders, "orders");
  add_server_memory(result, server);
  add_client_figures(result, client);
  for (const auto& problem : outcome.problems()) result.fail(problem);
  if (outcome.success_count != args.orders) {
    result.fail("success_count " + std::to_string(outcome.success_count) +
                " != " + std::to_string(args.orders) + " orders sent");
  }
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
  const Deadline deadline = context.deadline();
  const auto stubs = make_stubs(context, 1, deadline);
  const std::string prefix = "t" + context.run_id + "-u";
  const FillUnaryOrder fill = [&](int slot, int64_t index, ecommerce::orders::Order& order) {
    order.set_order_id(prefix + std::to_string(slot) + "-" + std::to_string(index));
    order.set_customer_id("bench-unary-" + std::to_string(slot));
    order.set_total(12.5F);
  };
  const StartUnaryCall start = [&](grpc::ClientContext* call, const ecommerce::orders::Order* order,
                                   ecommerce::orders::OrderResponse* response,
                                   std::function<void(grpc::Status)> done) {
    stubs.front()->async()->Unary(call, order, response, std::move(done));
  };
  progress(result.name, result.title);
  ProcessWindow server = server_window(context);
  ProcessWindow client = client_window();
  server.start();
  client.start();
  UnaryLoadOutcome outcome = run_unary_load(args.in_flight, args.seconds, start, fill, deadline);
  server.stop();
  client.stop();
  const int64_t calls = outcome.ok_calls;
  add_unary_figures(result, outcome);
  add_server_cpu(result, server, calls, "calls");
  add_server_memory(result, server);
  add_client_figures(result, client);
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
