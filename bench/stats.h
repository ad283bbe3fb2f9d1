// Latency statistics: raw samples in nanoseconds, collected per stream or per call slot without
// locks and merged once at the end, and exact nearest-rank percentiles over them. Exact rather
// than a histogram because even the largest run keeps a few million samples, which fit easily,
// and a p999 then needs no bucket-width caveat.
#pragma once

#include <cstdint>
#include <vector>

namespace orderstream::bench {

struct LatencySummary {
  int64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
};

// Sorts `samples_ns` (taken by value for that reason). An empty input gives count 0.
LatencySummary summarize_latencies(std::vector<int64_t> samples_ns);

// Appends `from` to `into` and frees `from`.
void merge_samples(std::vector<int64_t>& into, std::vector<int64_t>& from);

// The median (the mean of the middle two for an even count); 0 for no values.
double median_of(std::vector<double> values);

}  // namespace orderstream::bench
