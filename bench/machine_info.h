// What a result was measured on: processors, memory, kernel and library versions. Recorded with
// every JSON result, since a throughput figure means little without the machine behind it.
#pragma once

#include <cstdint>
#include <string>

namespace orderstream::bench {

struct MachineInfo {
  int nproc = 0;
  std::string cpu_model;
  int64_t mem_total_kib = 0;
  std::string kernel;
  std::string grpc_version;
  std::string protobuf_version;
};

MachineInfo collect_machine_info();

}  // namespace orderstream::bench
