// all: every scenario in one run, transport ceilings first, then bulk, raw-store (the database's
// own ceiling for bulk), history, unary and fanout,
// each with its own safety limit; then each throughput over its ceiling from the same run. The
// fan-out ratio divides deliveries/s by the transport's streamed events/s: both are messages
// pushed from server to client, though fan-out's rate is set by the generator, so its ratio says
// how much of the ceiling the chosen load used rather than how much fan-out could carry.
#include "bench/scenarios.h"

namespace orderstream::bench {
namespace {

const ScenarioResult* find(const std::vector<ScenarioResult>& results, const std::string& name) {
  for (const auto& result : results) {
    if (result.name == name) return &result;
  }
  return nullptr;
}

Ratio ratio_of(const std::vector<ScenarioResult>& results, const std::string& key,
               const std::string& scenario, const std::string& ceiling) {
  Ratio ratio;
  ratio.key = key;
  const ScenarioResult* num = find(results, scenario);
  const ScenarioResult* den = find(results, ceiling);
  const std::string num_key = num ? num->headline_key : "?";
  const std::string den_key = den ? den->headline_key : "?";
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
  run("raw-store", [&] { return run_raw_store(context, raw); });
  run("history", [&] { return run_history(context, args.history); });
  run("unary", [&] { return run_unary(context, args.unary); });
  run("fanout", [&] { return run_fanout(context, args.fanout); });

  ratios.push_back(ratio_of(results, "bulk", "bulk", "transport.bulk"));
  ratios.push_back(ratio_of(results, "bulk/raw-store", "bulk", "raw-store"));
  ratios.push_back(ratio_of(results, "history", "history", "transport.history"));
  ratios.push_back(ratio_of(results, "unary", "unary", "transport.unary"));
  ratios.push_back(ratio_of(results, "fanout", "fanout", "transport.history"));
  return results;
}

}  // namespace orderstream::bench
