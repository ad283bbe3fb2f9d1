#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace orderstream::bench {
namespace {

constexpr double kNsPerMs = 1e6;

// Nearest rank: the smallest sample with at least `fraction` of all samples at or below it.
double percentile_ms(const std::vector<int64_t>& sorted, double fraction) {
  const auto count = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(fraction * count));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / kNsPerMs;
}

}  // namespace

LatencySummary summarize_latencies(std::vector<int64_t> samples_ns) {
  LatencySummary summary;
  if (samples_ns.empty()) return summary;
  std::sort(samples_ns.begin(), samples_ns.end());
  summary.count = static_cast<int64_t>(samples_ns.size());
  // Summed in double: a few million samples of up to seconds would overflow nothing, but the
  // mean needs no integer precision either.
  const double total =
      std::accumulate(samples_ns.begin(), samples_ns.end(), 0.0,
                      [](double sum, int64_t sample) { return sum + static_cast<double>(sample); });
  summary.mean_ms = total / static_cast<double>(samples_ns.size()) / kNsPerMs;
  summary.p50_ms = percentile_ms(samples_ns, 0.50);
  summary.p90_ms = percentile_ms(samples_ns, 0.90);
  summary.p99_ms = percentile_ms(samples_ns, 0.99);
  summary.p999_ms = percentile_ms(samples_ns, 0.999);
  summary.max_ms = static_cast<double>(samples_ns.back()) / kNsPerMs;
  return summary;
}

void merge_samples(std::vector<int64_t>& into, std::vector<int64_t>& from) {
  into.insert(into.end(), from.begin(), from.end());
  std::vector<int64_t>().swap(from);
}

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

}  // namespace orderstream::bench
