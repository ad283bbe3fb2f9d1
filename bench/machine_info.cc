#include "bench/machine_info.h"

#include <google/protobuf/stubs/common.h>
#include <grpcpp/grpcpp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

namespace orderstream::bench {
namespace {

// The value of the first "key<spaces>: value" line of a /proc text file, or "".
std::string proc_field(const char* path, const std::string& key) {
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

}  // namespace

MachineInfo collect_machine_info() {
  MachineInfo info;
  info.nproc = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  info.cpu_model = proc_field("/proc/cpuinfo", "model name");
  const std::string mem_total = proc_field("/proc/meminfo", "MemTotal");
  if (!mem_total.empty()) info.mem_total_kib = std::stoll(mem_total);
  utsname name{};
  if (uname(&name) == 0) info.kernel = std::string(name.sysname) + " " + name.release;
  info.grpc_version = grpc::Version();
  info.protobuf_version = google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION);
  return info;
}

}  // namespace orderstream::bench
