// all: every scenario in one run, transport ceilings first, then bulk, raw-store (the database's
// own ceiling for bulk), history, unary, the no-database fan-out (transport.fanout) and fanout,
// each with its own safety limit; then each throughput over its ceiling from the same run.
// Fan-out's rate is set by the generator, so its deliveries/s match the ceiling's whenever
// nothing is lost; what the database costs it shows in latency, so fan-out also gets the ratio of
// its p99 to the no-database p99 (above 1: slower than the ceiling). The older fan-out ratio,
// deliveries/s over the transport's streamed events/s, says how much of the coalesced streaming
// ceiling the chosen load used.
#include "bench/scenarios.h"

namespace orderstream::bench {
namespace {

const ScenarioResult* find(const std::vector<ScenarioResult>& results, const std::string& name) {
  for (const auto& result : results) {
    if (result.name == name) return &result;
  }
  return nullptr;
}

// `metric` of `scenario` over the same metric of `ceiling`; the headline metric when empty.
Ratio ratio_of(const std::vector<ScenarioResult>& results, const std::string& key,
               const std::string& scenario, const std::string& ceiling,
               const std::string& metric = "") {
  Ratio ratio;
  ratio.key = key;
  const ScenarioResult* num = find(results, scenario);
  const ScenarioResult* den = find(results, ceiling);
  const std::string num_key = !metric.empty() ? metric : num ? num->headline_key : "?";
  const std::string den_key = !metric.empty() ? metric : den ? den->headline_key : "?";
  ratio.numerator = scenario + ":" + num_key;
  ratio.denominator = ceiling + ":" + den_key;
  if (num == nullptr || den == nullptr || !num->ok() || !den->ok()) return ratio;
  const auto top = num->value(num_key);
  const auto bottom = den->value(den_key);
  if (top && bottom && *bottom > 0) ratio.value = *top / *bottom;
  return ratio;
}

}  // namespace

std::vector<ScenarioResult> run_all(const ScenarioContext& context, const AllArgs& args,
                                    const ResultSink& sink, std::vector<Ratio>& ratios) {
  TransportArgs transport{args.history, args.bulk, args.unary};
  std::vector<ScenarioResult> results = run_transport(context, transport, sink);
  const auto run = [&](const std::string& name, const std::function<ScenarioResult()>& scenario) {
    results.push_back(run_guarded(name, scenario));
    sink(results.back());
  };
  run("bulk", [&] { return run_bulk(context, args.bulk); });
  RawStoreArgs raw = args.raw_store;
  raw.bulk = args.bulk;
  raw.batch = args.raw_store.batch;
  run("raw-store", [&] { return run_raw_store(context, raw); });
  run("history", [&] { return run_history(context, args.history); });
  run("unary", [&] { return run_unary(context, args.unary); });
  FanoutArgs no_database = args.fanout;
  no_database.no_database = true;
  run("transport.fanout", [&] { return run_fanout(context, no_database); });
  run("fanout", [&] { return run_fanout(context, args.fanout); });

  ratios.push_back(ratio_of(results, "bulk", "bulk", "transport.bulk"));
  ratios.push_back(ratio_of(results, "bulk/raw-store", "bulk", "raw-store"));
  ratios.push_back(ratio_of(results, "history", "history", "transport.history"));
  ratios.push_back(ratio_of(results, "unary", "unary", "transport.unary"));
  ratios.push_back(ratio_of(results, "fanout", "fanout", "transport.fanout"));
  ratios.push_back(ratio_of(results, "fanout p99", "fanout", "transport.fanout", "p99_ms"));
  ratios.push_back(ratio_of(results, "fanout/history", "fanout", "transport.history"));
  return results;
}

}  // namespace orderstream::bench
