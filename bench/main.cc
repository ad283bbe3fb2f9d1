// orderstream-bench: measures orderstream-server scenario by scenario (see bench/README.md).
// Wiring only: flags, the scenario to run, and where the results go.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "bench/machine_info.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "common/library_debug_checks.h"

namespace orderstream::bench {
namespace {

struct OutputFlags {
  std::string json;
  std::string markdown;
  std::string tsv;
};

struct CommonFlags {
  std::string target;
  int server_pid = 0;
  double max_seconds = 300;
  OutputFlags output;
};

void add_common_flags(CLI::App* command, CommonFlags& flags) {
  command->add_option("--target", flags.target, "server address, HOST:PORT")->required();
  command
      ->add_option("--server-pid", flags.server_pid,
                   "server process id, for its CPU and memory from /proc (else n/a)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-seconds", flags.max_seconds,
                   "safety limit per scenario: everything stops by then and the run fails")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--json", flags.output.json, "write the results as JSON to this file");
  command->add_option("--markdown", flags.output.markdown,
                      "write markdown tables to this file (for docs/BENCHMARKS.md)");
  command->add_option("--tsv", flags.output.tsv,
                      "write 'scenario<TAB>key<TAB>value' lines to this file (for scripts)");
}

void add_bulk_flags(CLI::App* command, BulkArgs& args) {
  command->add_option("--orders", args.orders, "orders to write in total")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}));
  command->add_option("--streams", args.streams, "concurrent streams, one connection each")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command->add_option("--customers", args.customers, "customers the orders are spread over")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
}

void add_history_flags(CLI::App* command, HistoryArgs& args, int* streams) {
  command->add_option("--events", args.events, "events in the history read by each stream")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}));
  if (streams != nullptr) {
    command->add_option("--streams", *streams, "concurrent streams, one connection each")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
  }
}

void add_unary_flags(CLI::App* command, UnaryArgs& args) {
  command->add_option("--in-flight", args.in_flight, "calls outstanding at all times")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000));
  command->add_option("--seconds", args.seconds, "how long to keep the calls coming")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--ids", args.ids,
                   "who names each order: server (order_id left empty) or client (unique ids)")
      ->capture_default_str()
      ->check(CLI::IsMember({"server", "client"}));
}

void add_fanout_flags(CLI::App* command, FanoutArgs& args, const std::string& orders_flag) {
  command->add_option("--subscribers", args.subscribers, "subscriber streams")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  command->add_option("--channels", args.channels, "connections the streams are spread over")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000));
  command->add_option(orders_flag, args.orders, "orders every subscriber subscribes to")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000));
  command->add_option("--rate", args.rate, "updates generated per second")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--updates", args.updates,
                   "updates to generate (at most 3 per order: CREATED, SHIPPED, DELIVERED)")
      ->capture_default_str()
      ->check(CLI::Range(1, 300'000));
  command->add_option("--update-target", args.update_target,
                      "send the updates to this server (HOST:PORT) instead: another replica on "
                      "the same database, for fan-out across replicas");
  command->add_flag("--no-database", args.no_database,
                    "publish the updates straight into the server's event hub "
                    "(TransportBench.Publish, server started with --bench-transport): no commit, "
                    "the same watch streams; the fan-out ceiling");
  command
      ->add_option("--drain-seconds", args.drain_seconds,
                   "after the last update, how long deliveries may take to complete")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

std::string command_line_of(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (!line.empty()) line += ' ';
    if (arg.empty() || arg.find_first_of(" \t'\"$\\") != std::string::npos) {
      std::string quoted = "'";
      for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = quoted + "'";
    }
    line += arg;
  }
  return line;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Unique per run (time in ms and pid), short enough to keep order ids far below 128 bytes.
std::string make_run_id() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char text[40];
  std::snprintf(text, sizeof text, "%llx%x", static_cast<unsigned long long>(ms),
                static_cast<unsigned>(getpid()));
  return text;
}

bool write_outputs(const OutputFlags& output, const RunReport& report) {
  bool written = true;
  if (!output.json.empty()) written = write_json(output.json, report) && written;
  if (!output.markdown.empty()) written = write_markdown(output.markdown, report) && written;
  if (!output.tsv.empty()) written = write_tsv(output.tsv, report) && written;
  return written;
}

int run(int argc, char** argv) {
  CLI::App app{
      "orderstream-bench: throughput, latency and memory of orderstream-server, scenario by "
      "scenario (see bench/README.md)"};
  app.require_subcommand(1);
  CommonFlags common;
  BulkArgs bulk;
  HistoryArgs history;
  FanoutArgs fanout;
  UnaryArgs unary;
  TransportArgs transport;
  AllArgs all;

  auto* bulk_command = app.add_subcommand("bulk", "ProcessBulkOrders: durable orders/s");
  add_common_flags(bulk_command, common);
  add_bulk_flags(bulk_command, bulk);

  auto* history_command =
      app.add_subcommand("history", "GetOrderHistory: events/s and time to first event");
  add_common_flags(history_command, common);
  add_history_flags(history_command, history, &history.streams);

  auto* fanout_command = app.add_subcommand(
      "fanout", "NotifyOrderUpdates: delivery rate and latency to many subscribers");
  add_common_flags(fanout_command, common);
  add_fanout_flags(fanout_command, fanout, "--orders");
  fanout_command
      ->add_option("--idle-subscribers", fanout.idle_subscribers,
                   "instead: open this many idle streams and measure server memory per stream")
      ->check(CLI::Range(1, 1'000'000));

  auto* unary_command =
      app.add_subcommand("unary", "CreateOrder: calls/s and latency with C calls in flight");
  add_common_flags(unary_command, common);
  add_unary_flags(unary_command, unary);

  auto* transport_command = app.add_subcommand(
      "transport",
      "the same shapes through TransportBench, no database (server needs --bench-transport)");
  add_common_flags(transport_command, common);
  add_history_flags(transport_command, transport.history, nullptr);
  add_bulk_flags(transport_command, transport.bulk);
  add_unary_flags(transport_command, transport.unary);

  RawStoreArgs raw_store;
  auto* raw_command = app.add_subcommand(
      "raw-store", "the bulk rows straight into SqliteOrderStore, no gRPC: the database ceiling");
  add_common_flags(raw_command, common);
  raw_command->get_option("--target")->required(false);  // it opens its own file, no server
  add_bulk_flags(raw_command, raw_store.bulk);
  std::string sync = "full";
  raw_command->add_option("--sync", sync, "full or normal, as the server's --sync")
      ->check(CLI::IsMember({"full", "normal"}));
  raw_command
      ->add_option("--batch", raw_store.batch,
                   "orders per transaction (the bulk reactor's batches grow to 65536)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  raw_command->add_option("--db", raw_store.db,
                          "a postgresql:// URL: COPY the rows straight into PostgreSQL's tables "
                          "(in a schema of its own) instead of a SQLite file");

  auto* all_command = app.add_subcommand(
      "all", "transport, bulk, history, unary and fanout in one run, with ratios to the ceilings");
  add_common_flags(all_command, common);
  add_bulk_flags(all_command, all.bulk);
  add_history_flags(all_command, all.history, nullptr);
  add_unary_flags(all_command, all.unary);
  add_fanout_flags(all_command, all.fanout, "--fanout-orders");
  all_command->add_option("--sync", sync, "full or normal: the raw-store baseline's sync mode")
      ->check(CLI::IsMember({"full", "normal"}));
  all_command->add_option("--db", all.raw_store.db,
                          "the server's --db when it is a postgresql:// URL: the raw-store "
                          "baseline then COPYs into PostgreSQL");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a success; any other parse error is a usage error, exit 2 like the CLI's.
    return app.exit(e) == 0 ? 0 : 2;
  }
  raw_store.synchronous_full = all.raw_store.synchronous_full = sync == "full";
  // One --streams for both streaming shapes where they share a command.
  transport.history.streams = transport.bulk.streams;
  all.history.streams = all.bulk.streams;

  ScenarioContext context;
  context.target = common.target;
  if (common.server_pid > 0) context.server_pid = common.server_pid;
  context.max_seconds = common.max_seconds;
  context.run_id = make_run_id();

  RunReport report;
  report.command_line = command_line_of(argc, argv);
  report.started_at = utc_now_iso8601();
  report.target = context.target;
  report.server_pid = context.server_pid;
  report.machine = collect_machine_info();
  const ResultSink print = [](const ScenarioResult& result) { print_table(std::cout, result); };

  const auto single = [&](const std::string& name,
                          const std::function<ScenarioResult()>& scenario) {
    report.results.push_back(run_guarded(name, scenario));
    print(report.results.back());
  };
  if (bulk_command->parsed()) {
    report.scenario = "bulk";
    single("bulk", [&] { return run_bulk(context, bulk); });
  } else if (history_command->parsed()) {
    report.scenario = "history";
    single("history", [&] { return run_history(context, history); });
  } else if (fanout_command->parsed()) {
    report.scenario = "fanout";
    if (fanout.idle_subscribers > 0) {
      single("fanout.idle", [&] { return run_idle_subscribers(context, fanout); });
    } else {
      single("fanout", [&] { return run_fanout(context, fanout); });
    }
  } else if (unary_command->parsed()) {
    report.scenario = "unary";
    single("unary", [&] { return run_unary(context, unary); });
  } else if (raw_command->parsed()) {
    report.scenario = "raw-store";
    single("raw-store", [&] { return run_raw_store(context, raw_store); });
  } else if (transport_command->parsed()) {
    report.scenario = "transport";
    report.results = run_transport(context, transport, print);
  } else if (all_command->parsed()) {
    report.scenario = "all";
    report.results = run_all(context, all, print, report.ratios);
    print_ratios(std::cout, report.ratios);
  }

  const bool written = write_outputs(common.output, report);
  bool all_ok = true;
  for (const auto& result : report.results) all_ok = all_ok && result.ok();
  if (!all_ok) std::cerr << "orderstream-bench: FAILED (see the FAILED lines above)\n";
  return all_ok && written ? 0 : 1;
}

}  // namespace
}  // namespace orderstream::bench

int main(int argc, char** argv) {
  // The client's gRPC takes the same locks as the server's: see common/library_debug_checks.h.
  orderstream::relax_library_debug_checks();
  return orderstream::bench::run(argc, argv);
}
