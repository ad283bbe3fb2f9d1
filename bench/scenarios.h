// The benchmark scenarios: the context they share, their arguments (one struct each; the defaults
// are the documented ones), and one entry point each. A scenario measures one shape of the order
// service, or of the no-database TransportBench service, verifies what it received, and returns
// its figures; it prints nothing but progress lines on stderr. Setup failures (no server, service
// not served) are thrown as std::runtime_error; verification failures land in the result.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/clock.h"
#include "bench/report.h"

namespace orderstream::bench {

struct ScenarioContext {
  std::string target;
  std::optional<pid_t> server_pid;
  double max_seconds = 300;  // safety limit per scenario: every loop and wait ends by then
  std::string run_id;        // makes the order ids of this run unique in the database

  Deadline deadline() const { return Deadline(max_seconds); }
};

struct BulkArgs {
  int64_t orders = 1'000'000;
  int streams = 1;
  int customers = 1'000;
};

struct HistoryArgs {
  int64_t events = 1'000'000;
  int streams = 1;
};

struct FanoutArgs {
  int subscribers = 1'000;
  int channels = 4;
  int orders = 100;
  double rate = 100;
  int updates = 300;
  double drain_seconds = 30;  // after the last update, how long stragglers may take
  int idle_subscribers = 0;   // > 0: the idle-subscriber memory mode instead
  bool no_database = false;   // updates through TransportBench.Publish: the fan-out ceiling
  // Where the updates go, when not to the subscribers' server: another replica on the same
  // database (cross-replica fan-out); empty: the same server.
  std::string update_target;
};

struct UnaryArgs {
  int in_flight = 64;
  double seconds = 10;
  // "server": calls leave order_id empty and the server draws it, as the tutorial's clients do;
  // "client": each call names its own id, "<prefix><slot>-<index>".
  std::string ids = "server";
};

struct TransportArgs {
  HistoryArgs history;
  BulkArgs bulk;
  UnaryArgs unary;
};

// The bulk scenario's rows, straight into the store (see scenario_raw_store.cc).
struct RawStoreArgs {
  BulkArgs bulk;
  bool synchronous_full = true;  // as the server's --sync full
  int64_t batch = 65536;         // orders per transaction: the bulk reactor's largest batch
  // The server's --db: a postgresql:// URL runs it on PostgreSQL (run_raw_copy_pg), in a schema
  // of its own; anything else on a SQLite file of its own.
  std::string db;
};

struct AllArgs {
  BulkArgs bulk;
  RawStoreArgs raw_store;
  HistoryArgs history;
  UnaryArgs unary;
  FanoutArgs fanout;
};

using ResultSink = std::function<void(const ScenarioResult&)>;

ScenarioResult run_bulk(const ScenarioContext& context, const BulkArgs& args);
ScenarioResult run_history(const ScenarioContext& context, const HistoryArgs& args);
ScenarioResult run_fanout(const ScenarioContext& context, const FanoutArgs& args);
ScenarioResult run_idle_subscribers(const ScenarioContext& context, const FanoutArgs& args);
ScenarioResult run_unary(const ScenarioContext& context, const UnaryArgs& args);
ScenarioResult run_raw_store(const ScenarioContext& context, const RawStoreArgs& args);
ScenarioResult run_raw_copy_pg(const ScenarioContext& context, const RawStoreArgs& args);
// Three results: transport.history, transport.bulk, transport.unary; each is passed to `sink`
// as soon as it is measured.
std::vector<ScenarioResult> run_transport(const ScenarioContext& context, const TransportArgs& args,
                                          const ResultSink& sink);
// Every scenario in turn (each with its own safety limit), then the ratios of each throughput to
// its transport ceiling.
std::vector<ScenarioResult> run_all(const ScenarioContext& context, const AllArgs& args,
                                    const ResultSink& sink, std::vector<Ratio>& ratios);

// Runs `scenario`, turning an exception into a failed result named `name`.
ScenarioResult run_guarded(const std::string& name,
                           const std::function<ScenarioResult()>& scenario);

// Progress on stderr, prefixed by the scenario name.
void progress(const std::string& scenario, const std::string& message);

}  // namespace orderstream::bench
