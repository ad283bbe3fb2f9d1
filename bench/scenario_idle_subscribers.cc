// fanout --idle-subscribers M: server memory per idle subscriber. M streams on H connections,
// each subscribed to one order that never comes to exist; once all are acknowledged, the server's
// RSS growth over M is the cost of one idle subscriber (stream, reactor, hub entry). Then every
// stream is cancelled. Freed memory need not go back to the OS (the allocator keeps it) and the
// server exposes no open-stream count, so the release is checked another way: M fresh streams
// are opened again, and if the first M were really freed, they fit in the memory already held
// and RSS grows far less than the first time.
#include <memory>
#include <thread>

#include "bench/connection.h"
#include "bench/fanout_subscriber.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "order_service.grpc.pb.h"

namespace orderstream::bench {
namespace {

using Stubs = std::vector<std::unique_ptr<ecommerce::orders::OrderService::Stub>>;

// After the streams end, the server finishes them on its own threads; RSS is read again after
// this pause to give that a moment (a measurement delay, not pacing).
constexpr auto kSettle = std::chrono::seconds(1);

std::optional<double> kib(std::optional<int64_t> value) {
  if (!value) return std::nullopt;
  return static_cast<double>(*value);
}

struct Round {
  bool acked = false;
  bool closed = false;
  double open_seconds = 0;
  std::optional<int64_t> rss_open;
  std::optional<int64_t> client_rss_open;
  int ended = 0;
  std::vector<std::string> failures;
};

// Opens `streams` idle subscribers (ids unique to `tag`), waits for every acknowledgement, reads
// the server's RSS, then cancels them all and waits until every stream ended.
Round open_and_cancel(const ScenarioContext& context, const std::string& tag, int streams,
                      Stubs& stubs, ProcessWindow& server, const Deadline& deadline) {
  Round round;
  auto board = std::make_shared<FanoutBoard>(
      tag + context.run_id + "-", std::vector<int>(static_cast<std::size_t>(streams), 0));
  SubscriberFleet fleet(board);
  const Clock::time_point opened = Clock::now();
  for (int m = 0; m < streams; ++m) {
    fleet.add(m, 1, 0).start(*stubs[m % stubs.size()], deadline);
  }
  round.acked = board->wait_for(FanoutBoard::Counter::kAcked, streams, deadline.at());
  round.open_seconds = seconds_between(opened, Clock::now());
  round.rss_open = server.rss_now_kib();
  round.client_rss_open = ProcessProbe::self().rss_kib();
  round.closed = fleet.close(SubscriberFleet::kCloseSeconds);
  round.ended = board->value(FanoutBoard::Counter::kDone);
  if (!round.acked) {
    round.failures.push_back("only " + std::to_string(board->value(FanoutBoard::Counter::kAcked)) +
                             " of " + std::to_string(streams) + " streams were acknowledged");
  }
  for (const auto& message : board->failure_messages()) round.failures.push_back(message);
  if (!round.closed) round.failures.push_back("some streams did not end after cancellation");
  return round;
}

}  // namespace

ScenarioResult run_idle_subscribers(const ScenarioContext& context, const FanoutArgs& args) {
  ScenarioResult result;
  result.name = "fanout.idle";
  const int streams = args.idle_subscribers;
  result.title = "NotifyOrderUpdates, " + format_number(streams, 0) +
                 " idle subscribers (one missing order each)";
  result.headline_key = "server_kib_per_idle_subscriber";
  result.param("idle_subscribers", streams);
  result.param("channels", args.channels);
  const Deadline deadline = context.deadline();
  Stubs stubs =
      connect_stubs<ecommerce::orders::OrderService>(context.target, args.channels, deadline);

  ProcessWindows windows(context);
  ProcessWindow& server = windows.server;
  windows.start();
  progress(result.name, "opening " + std::to_string(streams) + " idle streams, then cancelling");
  const Round first = open_and_cancel(context, "i", streams, stubs, server, deadline);
  std::this_thread::sleep_for(kSettle);
  const auto rss_settled = server.rss_now_kib();
  progress(result.name, "opening and cancelling " + std::to_string(streams) + " more");
  const Round second = open_and_cancel(context, "j", streams, stubs, server, deadline);
  windows.stop();

  const auto growth_per_stream = [&](std::optional<int64_t> from, std::optional<int64_t> to) {
    if (!from || !to) return std::optional<double>();
    return std::optional(static_cast<double>(*to - *from) / streams);
  };
  result.add("server_kib_per_idle_subscriber", "server RSS growth per idle subscriber", "KiB",
             growth_per_stream(server.rss_before_kib(), first.rss_open), 2);
  result.add("open_seconds", "open until all acknowledged", "s", first.open_seconds, 2);
  result.add("server_rss_before_kib", "server RSS before", "KiB", kib(server.rss_before_kib()));
  result.add("server_rss_open_kib", "server RSS with all open", "KiB", kib(first.rss_open));
  result.add("server_rss_cancelled_kib", "server RSS 1 s after cancel", "KiB", kib(rss_settled));
  result.add("streams_ended", "streams ended after cancel", "streams", first.ended);
  result.add("server_kib_per_reopened_subscriber", "server RSS growth per subscriber, reopened",
             "KiB", growth_per_stream(rss_settled, second.rss_open), 2);
  result.add("server_rss_reopened_kib", "server RSS with M reopened", "KiB", kib(second.rss_open));
  result.add("server_peak_rss_kib", "server peak RSS", "KiB", kib(server.peak_kib()));
  result.add("client_rss_open_kib", "client RSS with all open", "KiB", kib(first.client_rss_open));
  add_client_figures(result, windows.client);
  result.note(
      "freed memory may stay with the server's allocator and the server exposes no open-stream "
      "count: a much smaller growth on reopening shows the cancelled streams were released");
  result.note(
      "meaningful on a fresh server only: memory an earlier scenario freed is reused and hides "
      "the growth");

  for (const auto& failure : first.failures) result.fail(failure);
  for (const auto& failure : second.failures) result.fail("reopened: " + failure);
  return result;
}

}  // namespace orderstream::bench
