// history: GetOrderHistory throughput. C concurrent streams (one connection each) read the whole
// history of customer bench-history-<N>, which holds exactly N CREATED events. The customer is
// loaded once per database, untimed: N orders in one bulk stream, the last of which is the marker
// order bench-history-<N>-loaded. Batches commit in order, so the marker exists only once the
// whole load is committed; it is looked up with a NotifyOrderUpdates subscription, which reads
// without creating anything (UNKNOWN: not loaded). An interrupted load is simply redone: the
// same ids with the same content are accepted again.
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "bench/bulk_stream.h"
#include "bench/connection.h"
#include "bench/history_streams.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "bench/stats.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {
namespace {

constexpr double kLookupSeconds = 30;
// Fresh calls that each read only the first event: time to first event is one sample per
// stream in the throughput run, and one sample is at the mercy of a scheduler hiccup.
constexpr int kFirstEventCalls = 9;
constexpr double kFirstEventCallSeconds = 10;

// Call start -> first event of `calls` history calls, one after another, each cancelled once its
// first event arrived; nanoseconds.
std::vector<int64_t> first_event_samples(ecommerce::orders::OrderService::Stub& stub,
                                         const std::string& customer, int calls,
                                         const Deadline& deadline) {
  std::vector<int64_t> samples;
  ecommerce::orders::UserID user;
  user.set_id(customer);
  for (int i = 0; i < calls && !deadline.expired(); ++i) {
    grpc::ClientContext call;
    call.set_deadline(deadline.system_time_capped(kFirstEventCallSeconds));
    const Clock::time_point start = Clock::now();
    auto reader = stub.GetOrderHistory(&call, user);
    ecommerce::orders::OrderEvent event;
    const bool read = reader->Read(&event);
    const Clock::time_point first = Clock::now();
    call.TryCancel();
    (void)reader->Finish();
    if (read) samples.push_back((first - start).count());
  }
  return samples;
}

bool marker_exists(ecommerce::orders::OrderService::Stub& stub, const std::string& marker,
                   const Deadline& deadline) {
  grpc::ClientContext call;
  call.set_deadline(deadline.system_time_capped(kLookupSeconds));
  auto stream = stub.NotifyOrderUpdates(&call);
  ecommerce::orders::OrderID id;
  id.set_id(marker);
  ecommerce::orders::OrderUpdate update;
  const bool answered = stream->Write(id) && stream->Read(&update);
  call.TryCancel();  // one answer is all it takes; the stream would stay open otherwise
  const grpc::Status status = stream->Finish();
  if (!answered) {
    throw std::runtime_error("cannot look up " + marker + ": code " +
                             std::to_string(static_cast<int>(status.error_code())) + ": " +
                             status.error_message());
  }
  return update.status() != "UNKNOWN";
}

// Loads the customer's N orders; returns the load time in seconds.
double load_history(ecommerce::orders::OrderService::Stub& stub, const std::string& customer,
                    const std::string& marker, int64_t events, const Deadline& deadline) {
  const std::string prefix = customer + "-";
  std::string id;
  const FillOrder fill = [&](int, int64_t index, ecommerce::orders::Order& order) {
    if (index + 1 == events) {
      order.set_order_id(marker);
    } else {
      append_number(id, prefix, index);
      order.set_order_id(id);
    }
    order.set_customer_id(customer);
    order.set_total(static_cast<float>(1 + index % 100));
  };
  const OpenBulkStream open = [&](int, grpc::ClientContext* call,
                                  ecommerce::orders::BulkProcessResult* response) {
    return stub.ProcessBulkOrders(call, response);
  };
  const BulkRunOutcome outcome = run_bulk_streams(1, events, open, fill, deadline);
  const auto problems = outcome.problems();
  if (!problems.empty() || outcome.success_count != events) {
    throw std::runtime_error("loading " + customer + " failed: " +
                             (problems.empty()
                                  ? "success_count " + std::to_string(outcome.success_count)
                                  : problems.front()));
  }
  return outcome.seconds();
}

}  // namespace

ScenarioResult run_history(const ScenarioContext& context, const HistoryArgs& args) {
  ScenarioResult result;
  result.name = "history";
  result.title = "GetOrderHistory, " + format_number(static_cast<double>(args.events), 0) +
                 " events read by " + std::to_string(args.streams) + " stream(s)";
  result.headline_key = "events_per_s";
  result.param("events", static_cast<double>(args.events));
  result.param("streams", args.streams);
  const Deadline deadline = context.deadline();
  const std::string customer = "bench-history-" + std::to_string(args.events);
  const std::string marker = customer + "-loaded";

  const auto stubs =
      connect_stubs<ecommerce::orders::OrderService>(context.target, args.streams, deadline);

  if (marker_exists(*stubs.front(), marker, deadline)) {
    result.note("customer " + customer + " was already loaded");
  } else {
    progress(result.name,
             "loading " + customer + " (" + std::to_string(args.events) + " orders, untimed)");
    const double load_seconds =
        load_history(*stubs.front(), customer, marker, args.events, deadline);
    result.note("loaded customer " + customer + " first, in " + format_number(load_seconds, 1) +
                " s (untimed)");
  }

  progress(result.name, "reading " + result.title);
  const OpenHistoryStream open = [&](int stream, grpc::ClientContext* call) {
    ecommerce::orders::UserID user;
    user.set_id(customer);
    return stubs[stream]->GetOrderHistory(call, user);
  };
  measure(
      result, context, "events",
      [&] {
        return run_history_streams(args.streams, args.events, open, /*check_order=*/true, deadline);
      },
      [&](const HistoryRunOutcome& run) { return add_history_figures(result, run, args.events); });

  const LatencySummary first = summarize_latencies(
      first_event_samples(*stubs.front(), customer, kFirstEventCalls, deadline));
  const auto when_sampled = [&](double value) {
    return first.count > 0 ? std::optional(value) : std::nullopt;
  };
  result.add("first_event_fresh_p50_ms",
             "time to first event, median of " + std::to_string(kFirstEventCalls) + " fresh calls",
             "ms", when_sampled(first.p50_ms), 2);
  result.add("first_event_fresh_max_ms",
             "time to first event, worst of " + std::to_string(kFirstEventCalls) + " fresh calls",
             "ms", when_sampled(first.max_ms), 2);
  return result;
}

}  // namespace orderstream::bench
