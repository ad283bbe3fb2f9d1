#include "bench/scenario_support.h"

#include <charconv>
#include <exception>
#include <iostream>
#include <mutex>

#include "bench/stats.h"

namespace orderstream::bench {

namespace {

void add_server_memory(ScenarioResult& result, const ProcessWindow& server) {
  const auto as_double = [](std::optional<int64_t> v) -> std::optional<double> {
    if (!v) return std::nullopt;
    return static_cast<double>(*v);
  };
  result.add("server_rss_before_kib", "server RSS before", "KiB",
             as_double(server.rss_before_kib()));
  result.add("server_rss_after_kib", "server RSS after", "KiB", as_double(server.rss_after_kib()));
  result.add("server_peak_rss_kib", "server peak RSS", "KiB", as_double(server.peak_kib()));
  std::optional<double> growth;
  if (server.peak_kib() && server.rss_before_kib()) {
    growth = static_cast<double>(*server.peak_kib() - *server.rss_before_kib());
  }
  result.add("server_peak_growth_kib", "server peak RSS growth", "KiB", growth);
}

void add_server_cpu(ScenarioResult& result, const ProcessWindow& server, int64_t items,
                    const std::string& what) {
  const auto cpu = server.cpu_seconds();
  result.add("server_cpu_s", "server CPU", "s", cpu, 2);
  std::optional<double> per_million;
  if (cpu && items > 0) per_million = *cpu / (static_cast<double>(items) / 1e6);
  result.add("server_cpu_s_per_million_" + what, "server CPU per million " + what, "s", per_million,
             2);
  // Which threads spent it: the project's pools are named (os-database, os-fanout-lane, ...),
  // gRPC's callback threads are nexting_thread. Names that used under 0.01 s are left out.
  for (const auto& [name, seconds] : server.cpu_seconds_by_thread()) {
    if (seconds < 0.01) continue;
    result.add("server_cpu_s." + name, "  of which " + name + " threads", "s", seconds, 2);
  }
}

ProcessWindow server_window(const ScenarioContext& context) {
  if (!context.server_pid) return ProcessWindow(std::nullopt);
  return ProcessWindow(ProcessProbe::of_pid(*context.server_pid));
}

}  // namespace

ProcessWindow client_window() { return ProcessWindow(ProcessProbe::self()); }

ProcessWindows::ProcessWindows(const ScenarioContext& context)
    : server(server_window(context)), client(client_window()) {}

void ProcessWindows::start() {
  server.start();
  client.start();
}

void ProcessWindows::stop() {
  server.stop();
  client.stop();
}

void add_window_figures(ScenarioResult& result, const ProcessWindows& windows, int64_t items,
                        const std::string& what) {
  add_server_cpu(result, windows.server, items, what);
  add_server_memory(result, windows.server);
  add_client_figures(result, windows.client);
}

void add_client_figures(ScenarioResult& result, const ProcessWindow& client) {
  result.add("client_cpu_s", "client CPU", "s", client.cpu_seconds(), 2);
  if (client.peak_kib()) {
    result.add("client_peak_rss_kib", "client peak RSS", "KiB",
               static_cast<double>(*client.peak_kib()));
    return;
  }
  result.add("client_peak_rss_kib", "client peak RSS (since start)", "KiB",
             static_cast<double>(lifetime_peak_rss_kib()));
  result.note("client peak RSS is the process lifetime peak (getrusage): could not reset it");
}

void add_bulk_figures(ScenarioResult& result, const BulkRunOutcome& outcome,
                      const std::string& counted_label, int64_t orders_sent) {
  const double seconds = outcome.seconds();
  result.add("orders_per_s", "throughput", "orders/s",
             seconds > 0 ? std::optional(static_cast<double>(outcome.success_count) / seconds)
                         : std::nullopt);
  result.add("seconds", "first write -> last response", "s", seconds, 2);
  result.add("success_count", counted_label, "orders", static_cast<double>(outcome.success_count));
  for (const auto& problem : outcome.problems()) result.fail(problem);
  if (outcome.success_count != orders_sent) {
    result.fail("success_count " + std::to_string(outcome.success_count) +
                " != " + std::to_string(orders_sent) + " orders sent");
  }
}

void add_raw_store_figures(ScenarioResult& result, const ProcessWindow& client, int64_t inserted,
                           int64_t expected, double seconds, const std::string& span) {
  result.add("orders_per_s", "throughput", "orders/s", inserted / seconds);
  result.add("seconds", span, "s", seconds, 2);
  result.add("orders", "orders committed", "orders", static_cast<double>(inserted));
  add_client_figures(result, client);
  if (inserted != expected) {
    result.fail("inserted " + std::to_string(inserted) + " of " + std::to_string(expected) +
                " orders before the time limit");
  }
}

int64_t add_unary_figures(ScenarioResult& result, UnaryLoadOutcome& outcome) {
  const LatencySummary latency = summarize_latencies(std::move(outcome.latencies_ns));
  result.add(
      "calls_per_s", "throughput", "calls/s",
      outcome.seconds > 0 ? std::optional(outcome.ok_calls / outcome.seconds) : std::nullopt);
  result.add("calls", "calls answered OK", "calls", static_cast<double>(outcome.ok_calls));
  result.add("errors", "calls failed", "calls", static_cast<double>(outcome.failed_calls));
  result.add("p50_ms", "latency p50", "ms", latency.p50_ms, 3);
  result.add("p99_ms", "latency p99", "ms", latency.p99_ms, 3);
  result.add("p999_ms", "latency p99.9", "ms", latency.p999_ms, 3);
  result.add("max_ms", "latency max", "ms", latency.max_ms, 3);
  if (outcome.failed_calls > 0) {
    std::string codes;
    for (const auto& [code, count] : outcome.failures_by_code) {
      codes += (codes.empty() ? "" : ", ") + std::string("code ") + std::to_string(code) + " x" +
               std::to_string(count);
    }
    result.fail(std::to_string(outcome.failed_calls) + " calls failed (" + codes +
                "); first: " + outcome.first_failure);
  }
  if (!outcome.all_completed) result.fail("some calls never completed within the safety limit");
  return outcome.ok_calls;
}

int64_t add_history_figures(ScenarioResult& result, const HistoryRunOutcome& outcome,
                            int64_t expected_events) {
  int64_t total_events = 0;
  std::vector<double> per_stream;
  std::vector<double> first_event_ms;
  for (const auto& stream : outcome.streams) {
    total_events += stream.events;
    per_stream.push_back(stream.seconds() > 0 ? stream.events / stream.seconds() : 0);
    if (stream.first_event_ms) first_event_ms.push_back(*stream.first_event_ms);
  }
  const double seconds = outcome.seconds();
  result.add("events_per_s", "throughput (all streams)", "events/s",
             seconds > 0 ? std::optional(total_events / seconds) : std::nullopt);
  result.add("seconds", "first call -> last stream end", "s", seconds, 2);
  result.add("events_total", "events read", "events", static_cast<double>(total_events));
  result.add("first_event_ms", "time to first event (median)", "ms",
             first_event_ms.empty() ? std::nullopt : std::optional(median_of(first_event_ms)), 2);
  result.add_series("per_stream_events_per_s", "per stream", "events/s", per_stream);
  for (const auto& problem : outcome.problems(expected_events)) result.fail(problem);
  return total_events;
}

void append_number(std::string& out, const std::string& prefix, int64_t number) {
  out.assign(prefix);
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, end);
}

void progress(const std::string& scenario, const std::string& message) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << "[" << scenario << "] " << message << std::endl;
}

ScenarioResult run_guarded(const std::string& name,
                           const std::function<ScenarioResult()>& scenario) {
  try {
    return scenario();
  } catch (const std::exception& e) {
    ScenarioResult failed;
    failed.name = name;
    failed.title = "not measured";
    failed.fail(e.what());
    return failed;
  }
}

}  // namespace orderstream::bench
