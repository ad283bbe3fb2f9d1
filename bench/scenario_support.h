// What the scenarios share beyond their arguments: the process windows on server and client and
// the way every scenario reports them, and fast order-id building (a fixed prefix plus a number,
// so generating a million ids costs no formatting machinery).
#pragma once

#include <cstdint>
#include <string>

#include "bench/history_streams.h"
#include "bench/process_metrics.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/unary_load.h"

namespace orderstream::bench {

// A window on the server, if --server-pid was given (else every figure is n/a).
ProcessWindow server_window(const ScenarioContext& context);
ProcessWindow client_window();

// server_rss_before_kib, server_rss_after_kib, server_peak_rss_kib (n/a if the peak could not be
// reset), server_peak_growth_kib.
void add_server_memory(ScenarioResult& result, const ProcessWindow& server);
// client_cpu_s (the client shares the machine's cores with the server, so its appetite matters)
// and client_peak_rss_kib: this scenario's peak if it could be reset, else the process lifetime
// peak (said in a note).
void add_client_figures(ScenarioResult& result, const ProcessWindow& client);
// server_cpu_s and server_cpu_s_per_million_<what>.
void add_server_cpu(ScenarioResult& result, const ProcessWindow& server, int64_t items,
                    const std::string& what);

// calls_per_s, calls, errors and the latency percentiles; failed calls fail the result.
void add_unary_figures(ScenarioResult& result, UnaryLoadOutcome& outcome);
// events_per_s (all streams), seconds, events_total, first_event_ms (median over streams), the
// per-stream rates; every stream problem fails the result. Returns the events read.
int64_t add_history_figures(ScenarioResult& result, const HistoryRunOutcome& outcome,
                            int64_t expected_events);

// prefix + decimal number, written into `out` without reallocating once it has grown.
void append_number(std::string& out, const std::string& prefix, int64_t number);

}  // namespace orderstream::bench
