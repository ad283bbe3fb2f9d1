// Benchmark results and their three renderings: a plain-text table per scenario for the
// terminal, one JSON document for machines, markdown tables to paste into docs/BENCHMARKS.md, and
// a flat "scenario<TAB>key<TAB>value" file that bench/run's plots read with awk. A figure that
// could not be measured is nullopt and shows as "n/a" (JSON null), never as a guess.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/machine_info.h"

namespace orderstream::bench {

struct Metric {
  std::string key;    // JSON key: snake_case, ending in its unit ("orders_per_s", "p99_ms")
  std::string label;  // for people
  std::string unit;
  std::optional<double> value;
  int decimals = 0;
};

// A figure per stream, e.g. each history stream's events/s.
struct Series {
  std::string key;
  std::string label;
  std::string unit;
  std::vector<double> values;
  int decimals = 0;
};

struct ScenarioResult {
  std::string name;   // "bulk", "transport.history", ...
  std::string title;  // one line saying what was measured
  std::vector<std::pair<std::string, double>> params;
  std::vector<Metric> metrics;
  std::vector<Series> series;
  std::vector<std::string> notes;
  std::vector<std::string> failures;  // a verification that failed; the run exits 1
  std::string headline_key;           // the throughput metric, which ratios are taken of

  bool ok() const { return failures.empty(); }
  void param(std::string key, double value) { params.emplace_back(std::move(key), value); }
  void add(std::string key, std::string label, std::string unit, std::optional<double> value,
           int decimals = 0);
  void add_series(std::string key, std::string label, std::string unit, std::vector<double> values,
                  int decimals = 0);
  void note(std::string text) { notes.push_back(std::move(text)); }
  void fail(std::string text) { failures.push_back(std::move(text)); }
  std::optional<double> value(std::string_view key) const;
};

// One scenario's throughput over the transport ceiling measured in the same run.
struct Ratio {
  std::string key;  // "bulk"
  std::string numerator;
  std::string denominator;
  std::optional<double> value;
};

struct RunReport {
  std::string command_line;
  std::string started_at;  // ISO 8601, UTC
  std::string scenario;
  std::string target;
  std::optional<pid_t> server_pid;
  MachineInfo machine;
  std::vector<ScenarioResult> results;
  std::vector<Ratio> ratios;
};

void print_table(std::ostream& out, const ScenarioResult& result);
void print_ratios(std::ostream& out, const std::vector<Ratio>& ratios);

// Each returns false (after saying why on stderr) if the file cannot be written.
bool write_json(const std::string& path, const RunReport& report);
bool write_markdown(const std::string& path, const RunReport& report);
bool write_tsv(const std::string& path, const RunReport& report);

// 1234567.891 with 1 decimal -> "1,234,567.9"; nullopt -> "n/a".
std::string format_number(std::optional<double> value, int decimals);

}  // namespace orderstream::bench
