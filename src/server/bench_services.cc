#include <memory>

#include "server/extra_services.h"
#include "transport/transport_bench_service.h"

namespace orderstream {

void add_extra_services(CLI::App& app, transport::ServerOptions& options) {
  app.add_flag_callback(
      "--bench-transport",
      [&options] {
        options.extra_services.push_back([](EventHub& hub, Executor& executor) {
          return std::make_unique<transport::TransportBenchService>(hub, executor);
        });
      },
      "also serve orderstream.bench.TransportBench, the no-database ceiling that "
      "orderstream-bench measures");
}

std::vector<std::string> extra_service_names(const transport::ServerOptions& options) {
  if (options.extra_services.empty()) return {};
  return {"orderstream.bench.TransportBench"};
}

}  // namespace orderstream
