#include "server/extra_services.h"

namespace orderstream {

void add_extra_services(CLI::App& /*app*/, transport::ServerOptions& /*options*/) {}

std::vector<std::string> extra_service_names(const transport::ServerOptions& /*options*/) {
  return {};
}

}  // namespace orderstream
