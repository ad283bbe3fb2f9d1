// What the scenarios share beyond their arguments: the process windows on server and client, the
// measured run between their start and stop, and the figure groups that every scenario reports
// the same way (server CPU and memory, client CPU and memory, and the figures of each load shape,
// which a real scenario and its transport ceiling report alike so that they can be compared row
// by row). Also fast order-id building (a fixed prefix plus a number, so generating a million ids
// costs no formatting machinery).
#pragma once

#include <cstdint>
#include <string>

#include "bench/bulk_stream.h"
#include "bench/history_streams.h"
#include "bench/process_metrics.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/unary_load.h"

namespace orderstream::bench {

// A window on this process alone, for a scenario without a server to watch (raw-store).
ProcessWindow client_window();

// The server (if --server-pid was given, else every server figure is n/a) and this client over
// the measured part of a scenario. Both windows open and close together, so the client's figures
// cover the same load as the server's.
struct ProcessWindows {
  explicit ProcessWindows(const ScenarioContext& context);
  void start();
  void stop();

  ProcessWindow server;
  ProcessWindow client;
};

// The groups every scenario against the server ends with: server_cpu_s and
// server_cpu_s_per_million_<what> (`items` of them), server_rss_before_kib,
// server_rss_after_kib, server_peak_rss_kib (n/a if the peak could not be reset),
// server_peak_growth_kib, then the client figures.
void add_window_figures(ScenarioResult& result, const ProcessWindows& windows, int64_t items,
                        const std::string& what);
// client_cpu_s (the client shares the machine's cores with the server, so its appetite matters)
// and client_peak_rss_kib: this scenario's peak if it could be reset, else the process lifetime
// peak (said in a note).
void add_client_figures(ScenarioResult& result, const ProcessWindow& client);

// Runs `load` (which returns its outcome) between the start and the stop of both windows, so that
// set-up and verification stay outside them. Then `report(outcome)` adds the scenario's own
// figures and returns how many `what` the server handled, and the window figures follow. Returns
// the outcome for whatever the scenario checks or adds after that.
template <typename Load, typename Report>
auto measure(ScenarioResult& result, const ScenarioContext& context, const std::string& what,
             Load&& load, Report&& report) {
  ProcessWindows windows(context);
  windows.start();
  auto outcome = load();
  windows.stop();
  const int64_t items = report(outcome);
  add_window_figures(result, windows, items, what);
  return outcome;
}

// orders_per_s, seconds, success_count (labelled `counted_label`: what a success means to the
// service); stream problems and a success count other than `orders_sent` fail the result.
void add_bulk_figures(ScenarioResult& result, const BulkRunOutcome& outcome,
                      const std::string& counted_label, int64_t orders_sent);
// calls_per_s, calls, errors and the latency percentiles; failed calls fail the result. Returns
// the calls answered OK.
int64_t add_unary_figures(ScenarioResult& result, UnaryLoadOutcome& outcome);
// events_per_s (all streams), seconds, events_total, first_event_ms (median over streams), the
// per-stream rates; every stream problem fails the result. Returns the events read.
int64_t add_history_figures(ScenarioResult& result, const HistoryRunOutcome& outcome,
                            int64_t expected_events);

// raw-store's figures, the same on each store so that its runs compare: orders_per_s, seconds
// (labelled `span`: what the clock ran from, to the last commit), orders, then the client
// figures; fewer than `expected` orders committed (the safety limit came first) fails the result.
void add_raw_store_figures(ScenarioResult& result, const ProcessWindow& client, int64_t inserted,
                           int64_t expected, double seconds, const std::string& span);

// prefix + decimal number, written into `out` without reallocating once it has grown.
void append_number(std::string& out, const std::string& prefix, int64_t number);

}  // namespace orderstream::bench
