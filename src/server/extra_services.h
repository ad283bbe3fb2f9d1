// Services a server binary adds beside the order service, and the flags that turn them on. Each
// binary links one definition: orderstream-server production_services.cc (none), the benchmark
// server orderstream-bench-server bench_services.cc (TransportBench with --bench-transport). A
// production server therefore has neither the flag nor the code to serve the benchmark service.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "transport/server.h"

namespace orderstream {

// Adds this binary's flags to `app`; once given, they add service factories to `options`.
void add_extra_services(CLI::App& app, transport::ServerOptions& options);

// The full names of the services that `options` adds, for the per-method metrics.
std::vector<std::string> extra_service_names(const transport::ServerOptions& options);

}  // namespace orderstream
