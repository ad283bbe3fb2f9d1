// fanout: NotifyOrderUpdates delivery under fan-out. S subscribers on H connections all subscribe
// to the same K orders before the orders exist; once all S*K acknowledgements are in, the clock
// starts and U updates are generated at R per second (per order: CreateOrder, then SHIPPED, then
// DELIVERED). Latency of a delivery = its receipt - the send of the RPC that caused it: an upper
// bound of commit -> receipt, since it includes the RPC's way to the server and the commit.
// The server conflates: a subscriber that falls behind gets only the newest status of an order,
// so delivered may be below S*U; complete means nothing was lost, every subscriber ending with
// every order at its last generated status. `--target A,B` splits the subscribers over several
// replicas on one database (round robin), so that more of them can be served than one process
// carries.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bench/connection.h"
#include "bench/fanout_subscriber.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "bench/stats.h"
#include "bench/update_generator.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {
namespace {

// "A,B" -> {"A", "B"}; empty pieces dropped.
std::vector<std::string> split_targets(const std::string& list) {
  std::vector<std::string> targets;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) targets.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return targets;
}

}  // namespace

ScenarioResult run_fanout(const ScenarioContext& context, const FanoutArgs& args) {
  ScenarioResult result;
  // The no-database run is the fan-out ceiling, reported under its own name next to the others.
  result.name = args.no_database ? "transport.fanout" : "fanout";
  const int updates = std::min(args.updates, kStepsPerOrder * args.orders);
  result.title = "NotifyOrderUpdates, " + format_number(args.subscribers, 0) + " subscribers x " +
                 std::to_string(args.orders) + " orders, " + std::to_string(updates) +
                 " updates at " + format_number(args.rate, 0) + "/s" +
                 (args.no_database ? ", no database (TransportBench.Publish)" : "");
  result.headline_key = "deliveries_per_s";
  result.param("subscribers", args.subscribers);
  result.param("channels", args.channels);
  result.param("orders", args.orders);
  result.param("updates", updates);
  result.param("rate", args.rate);
  result.param("no_database", args.no_database ? 1 : 0);
  // Several --target replicas (A,B): the subscribers are split over them, round robin.
  const std::vector<std::string> targets = split_targets(context.target);
  result.param("replicas", static_cast<double>(targets.size()));
  if (targets.size() > 1) {
    result.title += ", subscribers split over " + std::to_string(targets.size()) + " replicas";
    result.note("subscribers split round robin over " + context.target +
                "; server CPU and memory are those of --server-pid only");
  }
  if (!args.update_target.empty()) {
    result.title += ", updates through " + args.update_target;
    result.note("updates go to " + args.update_target +
                ", subscribers are on the target: fan-out across replicas");
  }
  if (targets.empty()) {
    result.fail("--target names no server");
    return result;
  }
  if (args.no_database && targets.size() > 1) {
    result.fail("--no-database publishes into one server's event hub: give one --target");
    return result;
  }
  if (updates < args.updates) {
    result.note("--updates " + std::to_string(args.updates) + " capped to " +
                std::to_string(updates) + ": each order has only 3 updates (3 x --orders)");
  }
  result.note(
      "latency = receipt - send of the RPC that caused the update: an upper bound of "
      "commit -> receipt");
  const Deadline deadline = context.deadline();

  std::vector<int> final_steps(static_cast<std::size_t>(args.orders));
  for (int k = 0; k < args.orders; ++k) {
    final_steps[k] = updates / args.orders + (k < updates % args.orders ? 1 : 0);
  }
  // Own ids for the no-database run, so that orders a database run created are not acknowledged.
  auto board = std::make_shared<FanoutBoard>((args.no_database ? "t" : "f") + context.run_id + "-",
                                             final_steps);
  // --channels connections to each subscriber target. One more connection for the generator, so
  // updates do not queue behind deliveries; to another replica for fan-out across replicas (the
  // subscribers' server learns of each commit from the database, not from the call).
  std::vector<std::vector<std::unique_ptr<ecommerce::orders::OrderService::Stub>>> stubs;
  for (const std::string& target : targets) {
    stubs.push_back(
        connect_stubs<ecommerce::orders::OrderService>(target, args.channels, deadline));
  }
  const auto generator_stubs = connect_stubs<ecommerce::orders::OrderService>(
      args.update_target.empty() ? targets.front() : args.update_target, 1, deadline);
  auto& generator_stub = *generator_stubs.front();
  std::unique_ptr<orderstream::bench::TransportBench::Stub> publisher;
  if (args.no_database) {
    publisher = orderstream::bench::TransportBench::NewStub(
        connect_channels(targets.front(), 1, deadline).front());
  }

  // Not measure(): the server's RSS is read mid-load, and a failed subscription ends the scenario
  // before any update is generated.
  ProcessWindows windows(context);
  windows.start();

  progress(result.name, "subscribing " + std::to_string(args.subscribers) + " streams to " +
                            std::to_string(args.orders) + " orders each");
  SubscriberFleet fleet(board);
  const Clock::time_point subscribe_start = Clock::now();
  // Round robin over the targets, then over each target's connections.
  const int target_count = static_cast<int>(targets.size());
  for (int s = 0; s < args.subscribers; ++s) {
    fleet.add(0, args.orders, updates)
        .start(*stubs[static_cast<std::size_t>(s % target_count)]
                     [static_cast<std::size_t>((s / target_count) % args.channels)],
               deadline);
  }
  const bool all_acked =
      board->wait_for(FanoutBoard::Counter::kAcked, args.subscribers, deadline.at());
  const double subscribe_seconds = seconds_between(subscribe_start, Clock::now());
  const std::optional<int64_t> rss_subscribed = windows.server.rss_now_kib();
  result.add("subscribe_seconds", "subscribe until all acknowledged", "s", subscribe_seconds, 2);
  if (!all_acked) {
    result.fail("only " + std::to_string(board->value(FanoutBoard::Counter::kAcked)) + " of " +
                std::to_string(args.subscribers) + " subscribers acknowledged all orders");
    for (const auto& message : board->failure_messages()) result.fail(message);
    return result;  // the fleet cancels its streams on the way out
  }

  progress(result.name, "generating " + std::to_string(updates) + " updates at " +
                            format_number(args.rate, 0) + "/s");
  GeneratorOutcome generated = generate_updates(generator_stub, publisher.get(), *board, updates,
                                                args.rate, "bench-fanout", deadline);
  const bool all_complete =
      board->wait_for(FanoutBoard::Counter::kComplete, args.subscribers,
                      std::min(deadline.at(), Clock::now() + to_duration(args.drain_seconds)));
  windows.stop();
  const bool all_closed = fleet.close(SubscriberFleet::kCloseSeconds);

  int64_t delivered = 0;
  int64_t unmatched = 0;
  std::vector<int64_t> latencies;
  std::vector<int64_t> stamp_latencies;
  std::optional<Clock::time_point> last_receipt;
  if (all_closed) {
    latencies.reserve(static_cast<std::size_t>(args.subscribers) *
                      static_cast<std::size_t>(updates));
    for (auto& subscriber : fleet.members()) {
      delivered += subscriber->delivered();
      unmatched += subscriber->unmatched();
      merge_samples(latencies, subscriber->latencies_ns());
      merge_samples(stamp_latencies, subscriber->stamp_latencies_ns());
      const auto receipt = subscriber->last_receipt();
      if (receipt && (!last_receipt || *receipt > *last_receipt)) last_receipt = receipt;
    }
  }
  const LatencySummary latency = summarize_latencies(std::move(latencies));
  const LatencySummary stamp_latency = summarize_latencies(std::move(stamp_latencies));
  const int64_t expected = static_cast<int64_t>(args.subscribers) * updates;
  const int complete = board->value(FanoutBoard::Counter::kComplete);
  std::optional<double> deliveries_per_s;
  if (last_receipt && generated.sent > 0 && *last_receipt > generated.first_send) {
    deliveries_per_s = delivered / seconds_between(generated.first_send, *last_receipt);
  }

  result.add("deliveries_per_s", "deliveries", "deliveries/s", deliveries_per_s);
  result.add("delivered", "delivered", "updates", static_cast<double>(delivered));
  result.add("expected", "expected (subscribers x updates)", "updates",
             static_cast<double>(expected));
  result.add("delivered_ratio", "delivered / expected", "",
             expected > 0 ? std::optional(static_cast<double>(delivered) / expected) : std::nullopt,
             4);
  result.add("conflated", "skipped by conflation", "updates",
             static_cast<double>(std::max<int64_t>(0, expected - delivered)));
  result.add("complete", "complete (1: nothing lost)", "", all_complete ? 1 : 0);
  result.add("subscribers_complete", "subscribers complete", "subscribers", complete);
  result.add("p50_ms", "latency p50", "ms", latency.p50_ms, 3);
  result.add("p99_ms", "latency p99", "ms", latency.p99_ms, 3);
  result.add("p999_ms", "latency p99.9", "ms", latency.p999_ms, 3);
  result.add("max_ms", "latency max", "ms", latency.max_ms, 3);
  result.add("stamp_p50_ms", "from updated_at stamp p50", "ms", stamp_latency.p50_ms, 3);
  result.add("stamp_p99_ms", "from updated_at stamp p99", "ms", stamp_latency.p99_ms, 3);
  result.add("stamp_p999_ms", "from updated_at stamp p99.9", "ms", stamp_latency.p999_ms, 3);
  result.add("generated", "updates sent", "updates", static_cast<double>(generated.sent));
  const double generate_seconds = seconds_between(generated.first_send, generated.last_send);
  result.add(
      "generated_per_s", "update rate achieved", "updates/s",
      generate_seconds > 0 ? std::optional((generated.sent - 1) / generate_seconds) : std::nullopt,
      1);
  result.add("generator_max_lag_ms", "generator worst lateness", "ms", generated.max_lag_ms, 2);
  const LatencySummary rpc = summarize_latencies(std::move(generated.rpc_latencies_ns));
  result.add("update_rpc_p50_ms", "update RPC latency p50", "ms", rpc.p50_ms, 3);
  result.add("update_rpc_p99_ms", "update RPC latency p99", "ms", rpc.p99_ms, 3);
  result.add("server_rss_subscribed_kib", "server RSS with all subscribed", "KiB",
             rss_subscribed ? std::optional(static_cast<double>(*rss_subscribed)) : std::nullopt);
  std::optional<double> per_subscriber;
  if (rss_subscribed && windows.server.rss_before_kib()) {
    per_subscriber =
        static_cast<double>(*rss_subscribed - *windows.server.rss_before_kib()) / args.subscribers;
  }
  result.add("server_kib_per_subscriber", "server RSS growth per subscriber (K orders)", "KiB",
             per_subscriber, 2);
  add_window_figures(result, windows, delivered, "deliveries");

  if (!all_closed) result.fail("some subscriber streams did not end after cancellation");
  if (generated.failed_calls > 0) {
    result.fail(std::to_string(generated.failed_calls) +
                " update RPCs failed; first: " + generated.first_failure);
  }
  if (!generated.all_answered) result.fail("some update RPCs were never answered");
  if (generated.sent < updates) result.fail("safety time limit reached while generating");
  if (unmatched > 0) result.fail(std::to_string(unmatched) + " deliveries of updates never sent");
  for (const auto& message : board->failure_messages()) result.fail(message);
  if (!all_complete) {
    result.fail("incomplete: " + std::to_string(complete) + " of " +
                std::to_string(args.subscribers) +
                " subscribers saw every order reach its last status within the drain time");
  }
  return result;
}

}  // namespace orderstream::bench
